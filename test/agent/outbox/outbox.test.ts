import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.js';
import { MessageFactory, CountingSequence } from '../../../agent/compose/messages.js';
import { Outbox } from '../../../agent/outbox/outbox.js';
import { decodeRecord, encodeRecord } from '../../../agent/outbox/record-codec.js';
import { isBladeframeError } from '../../../shared/errors.js';

const factory = new MessageFactory(
  { site: 's', frame: 'f', blade: 'b', hostname: 'b', bootId: 'boot' },
  new CountingSequence(),
  new ManualClock(),
);

function fault(n: number) {
  return factory.event({
    signal: 'pcie.aer.fatal',
    status: 'active',
    component: { kind: 'pcie', id: `0000:00:0${n}.0`, location: null },
    evidence: { count: n },
    summary: `fault ${n}`,
  });
}

function health() {
  return factory.health({
    intervalS: 60,
    uptimeS: 1,
    load: { one: 0, five: 0, fifteen: 0 },
    cpu: { count: 1, busyPercent: null },
    memory: { totalBytes: 0, availableBytes: 0, swapTotalBytes: 0, swapFreeBytes: 0 },
    filesystems: [],
    temperatures: [],
    fans: [],
    counters: {
      edacCorrectable: null,
      edacUncorrectable: null,
      aerCorrectable: null,
      aerNonfatal: null,
      aerFatal: null,
      machineChecks: null,
      oomKills: null,
    },
    probes: [],
    outbox: { queued: 0, bytes: 0, droppedHealth: 0, droppedFaults: 0 },
  });
}

const stateDir = () => mkdtempSync(join(tmpdir(), 'bf-outbox-'));
const open = (dir: string, maxBytes = 1 << 20) => Outbox.open(dir, { maxBytes });
const seqOf = async (o: Outbox, ordinal: number) =>
  (JSON.parse((await o.payload(ordinal))!) as { seq: number }).seq;

describe('outbox', () => {
  it('keeps messages on disk in order until removed, across reopening', async () => {
    const dir = stateDir();
    const outbox = await open(dir);
    const a = await outbox.append(fault(1));
    const b = await outbox.append(health());
    const c = await outbox.append(fault(2));
    expect(readdirSync(join(dir, 'outbox'))).toHaveLength(3);
    await outbox.remove(b!.ordinal);
    const again = await open(dir);
    expect(again.pending().map((r) => r.ordinal)).toEqual([a!.ordinal, c!.ordinal]);
    expect(again.pending().map((r) => r.class)).toEqual(['fault', 'fault']);
    expect(JSON.parse((await again.payload(c!.ordinal))!)).toMatchObject({
      evidence: { count: 2 },
    });
    // Ordinals keep rising after a reopen.
    expect((await again.append(fault(3)))!.ordinal).toBeGreaterThan(c!.ordinal);
  });

  it('appends in call order even when called concurrently', async () => {
    const outbox = await open(stateDir());
    const records = await Promise.all([1, 2, 3, 4, 5].map((n) => outbox.append(fault(n))));
    expect(outbox.pending().map((r) => r.ordinal)).toEqual(records.map((r) => r!.ordinal));
    const seqs = await Promise.all(outbox.pending().map((r) => seqOf(outbox, r.ordinal)));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('under pressure drops the oldest health first, then refuses health, then drops old faults', async () => {
    const dir = stateDir();
    const size = encodeRecord({
      ordinal: 1,
      kind: 'event',
      class: 'fault',
      topic: fault(1).topic,
      retain: false,
      payload: JSON.stringify(fault(1).payload),
    }).length;
    const outbox = await open(dir, 64 * 1024);
    // Fill with health, then add faults: each fault pushes out a health snapshot.
    while (outbox.figures().bytes + 2 * size < 64 * 1024) await outbox.append(health());
    const healthCount = outbox.pending().length;
    let added = 0;
    while (outbox.pending().some((r) => r.class === 'health')) {
      await outbox.append(fault(added++ % 9));
      expect(outbox.figures().droppedFaults).toBe(0);
    }
    for (let i = 0; i < 20; i++) await outbox.append(fault(i % 9));
    const figures = outbox.figures();
    expect(figures.droppedFaults).toBeGreaterThan(0);
    expect(outbox.pending().every((r) => r.class === 'fault')).toBe(true);
    expect(figures.droppedHealth).toBe(healthCount);
    expect(figures.bytes).toBeLessThanOrEqual(64 * 1024);
    // Full of faults: a new health snapshot is refused, an old fault makes room for a new one.
    expect(await outbox.append(health())).toBeNull();
    const oldest = outbox.pending()[0]!.ordinal;
    await outbox.append(fault(1));
    expect(outbox.has(oldest)).toBe(false);
    expect(outbox.figures()).toMatchObject({
      droppedHealth: healthCount + 1,
      droppedFaults: figures.droppedFaults + 1,
    });
    // The counts survive a restart.
    expect((await open(dir, 64 * 1024)).figures().droppedHealth).toBe(healthCount + 1);
  });

  it('skips torn and corrupt records into quarantine and delivers the rest', async () => {
    const dir = stateDir();
    const outbox = await open(dir);
    const kept = await outbox.append(fault(1));
    const torn = await outbox.append(fault(2));
    const flipped = await outbox.append(fault(3));
    const last = await outbox.append(fault(4));
    const file = (o: number) => join(dir, 'outbox', `${String(o).padStart(16, '0')}.msg`);
    truncateSync(file(torn!.ordinal), 30);
    const data = readFileSync(file(flipped!.ordinal));
    data.writeUInt8(data.readUInt8(data.length - 5) ^ 0x20, data.length - 5);
    writeFileSync(file(flipped!.ordinal), data);
    writeFileSync(join(dir, 'outbox', '0000000000000099.msg'), 'not a record at all');
    writeFileSync(join(dir, 'outbox', '.tmp-0000000000000100.msg'), 'half a wri');

    const again = await open(dir);
    expect(again.pending().map((r) => r.ordinal)).toEqual([kept!.ordinal, last!.ordinal]);
    expect(again.figures().corrupt).toBe(3);
    const quarantine = readdirSync(join(dir, 'quarantine'));
    expect(quarantine.filter((f) => f.endsWith('.msg'))).toHaveLength(3);
    expect(quarantine.some((f) => f.endsWith('.reason'))).toBe(true);
    expect(existsSync(join(dir, 'outbox', '.tmp-0000000000000100.msg'))).toBe(false);
  });

  it('refuses clearly when its directory cannot be written', async () => {
    const file = join(stateDir(), 'a-file');
    writeFileSync(file, '');
    const error = await open(join(file, 'state')).catch((e: unknown) => e);
    expect(isBladeframeError(error, 'BF_OUTBOX_UNWRITABLE')).toBe(true);
    expect((error as Error).message).toMatch(/a-file\/state\/outbox: ENOTDIR/);
  });

  it('lists what is queued without taking the directory over', async () => {
    const dir = stateDir();
    const outbox = await open(dir);
    await outbox.append(fault(1));
    writeFileSync(join(dir, 'outbox', '0000000000000050.msg'), 'junk');
    const view = Outbox.inspect(dir);
    expect(view.records).toHaveLength(1);
    expect(view.corrupt).toEqual(['0000000000000050.msg: no header']);
    expect(view.stats).toMatchObject({ queued: 1, corrupt: 1 });
    expect(existsSync(join(dir, 'outbox', '0000000000000050.msg'))).toBe(true);
    expect(Outbox.inspect(join(dir, 'nothing-here')).records).toEqual([]);
  });
});

describe('record codec', () => {
  it('round-trips and names what is wrong', () => {
    const record = {
      ordinal: 7,
      kind: 'event' as const,
      class: 'fault' as const,
      topic: 't',
      retain: false,
      payload: '{"a":1}',
    };
    const data = encodeRecord(record);
    expect(decodeRecord(data)).toEqual(record);
    expect(decodeRecord(data.subarray(0, data.length - 1))).toMatchObject({ corrupt: /^length/ });
    expect(decodeRecord(Buffer.from('XXXX 0 0\n'))).toMatchObject({ corrupt: /unknown format/ });
    const bad = Buffer.from(data);
    bad[bad.length - 2] = 0x41;
    expect(decodeRecord(bad)).toEqual({ corrupt: 'checksum mismatch' });
  });
});
