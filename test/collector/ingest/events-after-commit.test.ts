import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyTicketEvent } from '../../../collector/domain/ticket-events.js';
import { IngestProcessor, type Delivery } from '../../../collector/ingest/ingest-processor.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { storeTargets } from '../../support/stores.js';
import { ticketHarness, type TicketHarness } from '../../support/tickets.js';

const fleet = { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 };

describe.each(storeTargets)('ticket events from ingest on $name', (target) => {
  let h: TicketHarness;
  let heard: AnyTicketEvent[];
  beforeEach(async () => {
    h = await ticketHarness(target);
    heard = [];
    h.service.onEvent((event) => heard.push(event));
  });
  afterEach(() => h.close());

  function delivery(blade: FakeBlade): Delivery {
    return {
      topic: blade.topic('event'),
      payload: bytes(blade.event()),
      receivedAt: h.clock.now(),
    };
  }

  it('reach the listeners once the batch has committed, not while it is open', async () => {
    let heardInside = -1;
    const tickets = {
      recordObservation: async (...args: Parameters<typeof h.service.recordObservation>) => {
        const result = await h.service.recordObservation(...args);
        heardInside = heard.length;
        return result;
      },
    };
    const processor = new IngestProcessor({ db: h.store.db, tickets, fleet });
    await processor.process([delivery(new FakeBlade({ site: 'nj1', frame: 'f1', blade: 'b01' }))]);
    expect(heardInside).toBe(0);
    expect(heard.map((e) => e.type)).toEqual(['opened']);
  });

  it('never reach the listeners when the batch rolls back', async () => {
    const tickets = {
      recordObservation: async (...args: Parameters<typeof h.service.recordObservation>) => {
        const result = await h.service.recordObservation(...args);
        if (args[0].bladeId === 'b02') throw new Error('the second message fails');
        return result;
      },
    };
    const processor = new IngestProcessor({ db: h.store.db, tickets, fleet });
    const batch = ['b01', 'b02'].map((blade) =>
      delivery(new FakeBlade({ site: 'nj1', frame: 'f1', blade })),
    );
    await expect(processor.process(batch)).rejects.toThrow('the second message fails');
    expect(heard).toEqual([]);
    expect((await h.service.list()).tickets).toEqual([]);
  });
});
