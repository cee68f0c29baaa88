import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../../collector/ingest/dead-letters.js';
import { IngestProcessor, type Delivery } from '../../../collector/ingest/ingest-processor.js';
import type { Store } from '../../../collector/store/open-store.js';
import type { MessageKind } from '../../../shared/topics.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';
import { storeTargets } from '../../support/stores.js';

const at = new Date('2026-01-05T13:00:00Z');
const fleet = { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 };

function delivery(blade: FakeBlade, kind: MessageKind, message: unknown): Delivery {
  return { topic: blade.topic(kind), payload: bytes(message), receivedAt: at };
}

describe.each(storeTargets)('ingest processor on $name', (target) => {
  let store: Store;
  let tickets: RecordingTickets;
  let processor: IngestProcessor;
  beforeEach(async () => {
    store = await target.open();
    tickets = new RecordingTickets();
    processor = new IngestProcessor({ db: store.db, tickets, fleet });
  });
  afterEach(() => store.close());

  it('processes a message once however often it arrives', async () => {
    const blade = new FakeBlade({ site: 's1', frame: 'f1', blade: 'b1' });
    const fault = delivery(blade, 'event', blade.event());
    const first = await processor.process([fault, fault]);
    expect(first).toMatchObject({ processed: 1, duplicates: 1, deadLetters: 0 });
    const again = await processor.process([fault]);
    expect(again).toMatchObject({ processed: 0, duplicates: 1 });
    expect(tickets.observations).toHaveLength(1);
    expect(tickets.inTransaction).toEqual([true]);
    expect(tickets.observations[0]).toMatchObject({
      source: 'call-home',
      signal: 'memory.ecc.uncorrectable',
      status: 'active',
      siteId: 's1',
      frameId: 'f1',
      bladeId: 'b1',
      environment: 'production',
      receivedAt: at.toISOString(),
    });
  });

  it('treats the same seq of another boot as a new message', async () => {
    const blade = new FakeBlade({ site: 's1', frame: 'f1', blade: 'b1' }, 'boot-a');
    const one = blade.event();
    const rebooted = { ...one, bootId: 'boot-b' };
    const outcome = await processor.process([
      delivery(blade, 'event', one),
      delivery(blade, 'event', rebooted),
    ]);
    expect(outcome.processed).toBe(2);
  });

  it('keeps invalid input as dead letters and processes the rest of the batch', async () => {
    const blade = new FakeBlade({ site: 's1', frame: 'f1', blade: 'b1' });
    const impostor = new FakeBlade({ site: 's1', frame: 'f1', blade: 'b9' });
    const outcome = await processor.process([
      { topic: blade.topic('event'), payload: Buffer.from('garbage'), receivedAt: at },
      delivery(impostor, 'event', blade.event()),
      delivery(blade, 'birth', blade.birth({ environment: 'qa' })),
      delivery(
        blade,
        'event',
        blade.event('disk.smart.failing', 'active', { kind: 'disk', id: 'sda', location: null }),
      ),
    ]);
    expect(outcome).toMatchObject({ processed: 2, deadLetters: 2 });
    const letters = await listDeadLetters(store.db, { limit: 10 });
    expect(letters.map((l) => l.code).sort()).toEqual(['BF_MESSAGE_INVALID', 'BF_TOPIC_INVALID']);
    expect(letters.find((l) => l.code === 'BF_MESSAGE_INVALID')).toMatchObject({
      topic: blade.topic('event'),
      payload: 'garbage',
      payloadEncoding: 'utf8',
      receivedAt: at.toISOString(),
    });
    // The birth earlier in the batch already made the blade a QA blade.
    expect(tickets.observations[0]).toMatchObject({
      signal: 'disk.smart.failing',
      environment: 'qa',
    });
  });

  it('keeps binary payloads exactly, as base64', async () => {
    const payload = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    await processor.process([{ topic: 'bladeframe/v1/s1/f1/b1/health', payload, receivedAt: at }]);
    const [letter] = await listDeadLetters(store.db, { limit: 1 });
    expect(letter).toMatchObject({ payloadEncoding: 'base64', payloadBytes: 5 });
    expect(Buffer.from(letter!.payload, 'base64')).toEqual(payload);
  });

  it('commits a batch as one: a failure leaves nothing behind', async () => {
    const blade = new FakeBlade({ site: 's1', frame: 'f1', blade: 'b1' });
    tickets.failWhen = (o) => o.signal === 'fan.failed';
    const batch = [
      delivery(blade, 'health', blade.health()),
      delivery(
        blade,
        'event',
        blade.event('fan.failed', 'active', { kind: 'fan', id: 'fan1', location: null }),
      ),
    ];
    await expect(processor.process(batch)).rejects.toThrow(/refused/);
    const seen = await store.db.selectFrom('ingest_messages').selectAll().execute();
    expect(seen).toHaveLength(0);
    expect(await store.db.selectFrom('health_snapshots').selectAll().execute()).toHaveLength(0);
    expect(await store.db.selectFrom('blades').selectAll().execute()).toHaveLength(0);
    tickets.failWhen = undefined;
    expect(await processor.process(batch)).toMatchObject({ processed: 2 });
  });

  it('claims identities in chunks for large batches', async () => {
    const blades = Array.from(
      { length: 30 },
      (_, i) => new FakeBlade({ site: 's1', frame: 'f1', blade: `b${i}` }),
    );
    const batch: Delivery[] = [];
    for (let round = 0; round < 40; round++) {
      for (const b of blades) batch.push(delivery(b, 'health', b.health()));
    }
    const outcome = await processor.process(batch);
    expect(outcome).toMatchObject({ processed: 1200, duplicates: 0 });
    const snapshots = await store.db.selectFrom('health_snapshots').select('id').execute();
    expect(snapshots).toHaveLength(1200);
  });
});
