import { accessSync, constants, mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BladeframeError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { MessageKind } from '../../shared/topics.js';
import type { Outgoing } from '../compose/messages.js';
import { syncDirectory, writeReplace } from '../state/durable-file.js';
import { decodeRecord, encodeRecord, type RecordClass, type StoredRecord } from './record-codec.js';

export const OUTBOX_DIR = 'outbox';
export const QUARANTINE_DIR = 'quarantine';
const STATS_FILE = 'outbox-stats.json';
const RECORD = /^(\d{16})\.msg$/;
const QUARANTINE_KEEP = 50;

/** What the outbox knows of a queued message without reading it. */
export interface QueuedRecord {
  ordinal: number;
  kind: MessageKind;
  class: RecordClass;
  topic: string;
  retain: boolean;
  bytes: number;
}

export interface OutboxStats {
  queued: number;
  bytes: number;
  droppedHealth: number;
  droppedFaults: number;
  corrupt: number;
}

export interface OutboxOptions {
  maxBytes: number;
  logger?: Logger;
}

function fileName(ordinal: number): string {
  return `${String(ordinal).padStart(16, '0')}.msg`;
}

/**
 * Durable store-and-forward. Every message is written to its own file and synced (file and
 * directory) before `append` resolves, i.e. before it can be sent; it is deleted when the
 * broker acknowledges it (PUBACK). Files are named by a rising ordinal, so a restart replays
 * them in order. The queue is bounded in bytes: to make room, the oldest health snapshots go
 * first, and faults only when nothing but faults is left. A record damaged on disk (torn by a
 * power loss, bit rot) is moved to `quarantine/` and counted, and the others are delivered.
 */
export class Outbox {
  private readonly index: QueuedRecord[] = [];
  private totalBytes = 0;
  private nextOrdinal = 1;
  private stats = { droppedHealth: 0, droppedFaults: 0, corrupt: 0 };
  private readonly removedListeners = new Set<(ordinal: number) => void>();
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly stateDir: string,
    private readonly options: OutboxOptions,
  ) {}

  /** Opens (creating) `<stateDir>/outbox`, checks it is writable, and indexes what is queued. */
  static async open(stateDir: string, options: OutboxOptions): Promise<Outbox> {
    const dir = join(stateDir, OUTBOX_DIR);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      accessSync(dir, constants.W_OK);
      const probe = join(dir, `.probe-${process.pid}`);
      await writeFile(probe, '');
      await unlink(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new BladeframeError('BF_OUTBOX_UNWRITABLE', `${dir}: ${code}`, [`${dir}: ${code}`], {
        cause: error,
      });
    }
    const outbox = new Outbox(dir, stateDir, options);
    await outbox.load();
    return outbox;
  }

  /** A read-only view of a state directory's queue, for `bladeframe-agent outbox`. */
  static inspect(stateDir: string): {
    records: (QueuedRecord & { payload: string })[];
    corrupt: string[];
    stats: OutboxStats;
  } {
    const dir = join(stateDir, OUTBOX_DIR);
    const records: (QueuedRecord & { payload: string })[] = [];
    const corrupt: string[] = [];
    const names = existsSync(dir) ? readdirSync(dir).filter((n) => RECORD.test(n)) : [];
    for (const name of names.sort()) {
      let data: Buffer;
      try {
        data = readFileSync(join(dir, name));
      } catch {
        continue; // delivered meanwhile
      }
      const record = decodeRecord(data);
      if ('corrupt' in record) corrupt.push(`${name}: ${record.corrupt}`);
      else records.push({ ...describe(record, data.length), payload: record.payload });
    }
    const saved = readStats(join(stateDir, STATS_FILE));
    return {
      records,
      corrupt,
      stats: {
        queued: records.length,
        bytes: records.reduce((n, r) => n + r.bytes, 0),
        ...saved,
        corrupt: saved.corrupt + corrupt.length,
      },
    };
  }

  private async load(): Promise<void> {
    this.stats = readStats(join(this.stateDir, STATS_FILE));
    const logger = this.options.logger ?? silentLogger;
    for (const name of readdirSync(this.dir).sort()) {
      const path = join(this.dir, name);
      // A write that never completed was never queued (its sender had not been told).
      if (name.startsWith('.tmp-') || name.startsWith('.probe-')) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (!RECORD.test(name)) continue;
      const data = await readFile(path);
      const record = decodeRecord(data);
      if ('corrupt' in record) {
        await this.quarantine(name, record.corrupt);
        logger.warn(
          { code: 'BF_OUTBOX_CORRUPT', file: name, reason: record.corrupt },
          'outbox record skipped',
        );
        continue;
      }
      this.index.push(describe(record, data.length));
      this.totalBytes += data.length;
    }
    this.index.sort((a, b) => a.ordinal - b.ordinal);
    this.nextOrdinal = (this.index.at(-1)?.ordinal ?? 0) + 1;
    await this.saveStats();
  }

  private async quarantine(name: string, reason: string): Promise<void> {
    const dir = join(this.stateDir, QUARANTINE_DIR);
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await rename(join(this.dir, name), join(dir, `${stamp}-${name}`));
    await writeFile(join(dir, `${stamp}-${name}.reason`), reason + '\n').catch(() => undefined);
    this.stats.corrupt++;
    // Keep the newest few for inspection.
    const old = readdirSync(dir)
      .sort()
      .slice(0, -QUARANTINE_KEEP * 2);
    for (const f of old) await unlink(join(dir, f)).catch(() => undefined);
  }

  /** Queues a message durably. Resolves with its record, or `null` when a health snapshot was
   *  dropped because the queue is full of faults. Appends run one at a time, in call order. */
  append(message: Outgoing): Promise<QueuedRecord | null> {
    const result = this.tail.then(() => this.appendNow(message));
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async appendNow(message: Outgoing): Promise<QueuedRecord | null> {
    const cls: RecordClass = message.kind === 'health' ? 'health' : 'fault';
    const ordinal = this.nextOrdinal++;
    const data = encodeRecord({
      ordinal,
      kind: message.kind,
      class: cls,
      topic: message.topic,
      retain: message.retain,
      payload: JSON.stringify(message.payload),
    });
    if (!(await this.makeRoom(data.length, cls))) return null;
    const path = join(this.dir, fileName(ordinal));
    const tmp = join(this.dir, `.tmp-${fileName(ordinal)}`);
    const handle = await open(tmp, 'w', 0o640);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await syncDirectory(this.dir);
    const record: QueuedRecord = {
      ordinal,
      kind: message.kind,
      class: cls,
      topic: message.topic,
      retain: message.retain,
      bytes: data.length,
    };
    this.index.push(record);
    this.totalBytes += data.length;
    return record;
  }

  private async makeRoom(bytes: number, cls: RecordClass): Promise<boolean> {
    const max = this.options.maxBytes;
    while (this.totalBytes + bytes > max && this.index.length > 0) {
      const health = this.index.find((r) => r.class === 'health');
      if (health) {
        await this.drop(health, 'droppedHealth');
        continue;
      }
      if (cls === 'health') {
        this.stats.droppedHealth++;
        await this.saveStats();
        return false;
      }
      await this.drop(this.index[0]!, 'droppedFaults');
    }
    return true;
  }

  private async drop(record: QueuedRecord, counter: 'droppedHealth' | 'droppedFaults') {
    (this.options.logger ?? silentLogger).warn(
      { ordinal: record.ordinal, kind: record.kind, counter },
      'outbox full: dropped a queued message',
    );
    this.stats[counter]++;
    await this.remove(record.ordinal);
    await this.saveStats();
  }

  /** Pending records in send order. */
  pending(): readonly QueuedRecord[] {
    return this.index;
  }

  has(ordinal: number): boolean {
    return this.index.some((r) => r.ordinal === ordinal);
  }

  /** The published payload of a queued record (`null` if it is gone or unreadable). */
  async payload(ordinal: number): Promise<string | null> {
    try {
      const record = decodeRecord(await readFile(join(this.dir, fileName(ordinal))));
      return 'corrupt' in record ? null : record.payload;
    } catch {
      return null;
    }
  }

  /** Deletes a delivered (or dropped) record. */
  async remove(ordinal: number): Promise<void> {
    const at = this.index.findIndex((r) => r.ordinal === ordinal);
    if (at < 0) return;
    const [record] = this.index.splice(at, 1);
    this.totalBytes -= record!.bytes;
    await unlink(join(this.dir, fileName(ordinal))).catch(() => undefined);
    for (const listener of this.removedListeners) listener(ordinal);
  }

  /** Resolves once a record has left the queue (delivered or dropped). */
  whenRemoved(ordinal: number): Promise<void> {
    if (!this.has(ordinal)) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = (removed: number) => {
        if (removed !== ordinal) return;
        this.removedListeners.delete(listener);
        resolve();
      };
      this.removedListeners.add(listener);
    });
  }

  figures(): OutboxStats {
    return {
      queued: this.index.length,
      bytes: this.totalBytes,
      droppedHealth: this.stats.droppedHealth,
      droppedFaults: this.stats.droppedFaults,
      corrupt: this.stats.corrupt,
    };
  }

  private async saveStats(): Promise<void> {
    await writeReplace(join(this.stateDir, STATS_FILE), JSON.stringify(this.stats) + '\n').catch(
      () => undefined,
    );
  }
}

function describe(record: StoredRecord, bytes: number): QueuedRecord {
  return {
    ordinal: record.ordinal,
    kind: record.kind,
    class: record.class,
    topic: record.topic,
    retain: record.retain,
    bytes,
  };
}

function readStats(path: string): {
  droppedHealth: number;
  droppedFaults: number;
  corrupt: number;
} {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
    return {
      droppedHealth: n(s.droppedHealth),
      droppedFaults: n(s.droppedFaults),
      corrupt: n(s.corrupt),
    };
  } catch {
    return { droppedHealth: 0, droppedFaults: 0, corrupt: 0 };
  }
}
