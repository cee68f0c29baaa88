import type { Kysely } from 'kysely';
import type { Environment } from '../../shared/messages/birth.js';
import type { EventMessage } from '../../shared/messages/event.js';
import type { TopicAddress } from '../../shared/topics.js';
import { transactionAnnounced } from '../store/after-commit.js';
import { bulkInsert } from '../store/bulk-insert.js';
import type { Clock } from '../../shared/clock.js';
import { GatheredRun } from '../../shared/gathered-run.js';
import type { Logger } from '../../shared/logger.js';
import {
  applyFleetMessages,
  loadBlades,
  writeHeard,
  type FleetApplyResult,
  type FleetApplySettings,
} from '../fleet/apply-messages.js';
import { writeUnwrittenFrom } from '../fleet/unwritten-heads.js';
import { storeHealthSnapshots } from '../fleet/health-snapshots.js';
import type { Database } from '../store/schema.js';
import { insertDeadLetters } from './dead-letters.js';
import {
  acceptChecked,
  decodeDelivery,
  messageKey,
  type DeadLetterInput,
  type ValidMessage,
  type Verdict,
} from './decode.js';
import type { ObservationInput, ObservationRecorder } from './observation-recorder.js';
import type { FlushTicket, ThreadFlush } from './thread-flush.js';
import { isoOf } from '../../shared/iso-time.js';

/** One message as it came off the broker. */
export interface Delivery {
  topic: string;
  payload: Buffer;
  receivedAt: Date;
  /** The ingest thread's verdict when it has validated the payload (see `checkDelivery`). */
  verdict?: Verdict | undefined;
}

export interface BatchOutcome {
  /** New messages applied. */
  processed: number;
  /** Messages already seen (redelivery, replay) and skipped. */
  duplicates: number;
  deadLetters: number;
  livenessChanged: boolean;
  /**
   * Resolves once the batch is durable and what it set off has been told (absent: already). The
   * batch is committed when `process` resolves; its acknowledgements wait for this.
   */
  durable?: Promise<void>;
  /**
   * Set when the ingest thread makes the batch durable (flush request `seq`): its
   * acknowledgements may go at once, for the thread sends them only after that flush.
   */
  ackAfterFlush?: number;
}

export interface IngestProcessorOptions {
  db: Kysely<Database>;
  tickets: ObservationRecorder;
  fleet: FleetApplySettings;
  /** Flushes made by the ingest thread (SQLite with `sqliteSync` background); else flushed here. */
  threadFlush?: ThreadFlush | undefined;
  /** Times the write of blades left unwritten once messages stop (with `fleet.heardWriteMs`). */
  clock?: Clock | undefined;
  logger?: Logger | undefined;
}

type HealthMessage = Extract<ValidMessage, { kind: 'health' }>;

const IDENTITY_COLUMNS = [
  'blade_id',
  'boot_id',
  'seq',
  'kind',
  'site_id',
  'frame_id',
  'observed_at',
  'received_at',
] as const;

/**
 * Applies a batch of deliveries in one transaction: dead letters for what is invalid, the
 * identity of each valid message claimed through the unique key (so a message is processed
 * once however often it arrives), then fleet updates and fault observations in arrival order.
 */
export class IngestProcessor {
  /** The unwritten-heads mark as last committed (undefined: not written by this process yet). */
  private mark: number | null | undefined;
  /** Writes what was heard and left unwritten, at most the write interval after it was left. */
  private readonly heardWrite: GatheredRun | undefined;
  /**
   * Batches and writes of what was heard take turns: the cache learns what a commit wrote only
   * after it, and a write in between could put older heard columns over a batch's newer ones.
   */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IngestProcessorOptions) {
    const ms = options.fleet.heardWriteMs ?? 0;
    if (options.fleet.cache && options.clock && ms > 0) {
      this.heardWrite = new GatheredRun(options.clock, ms, () => void this.writeUnwritten());
    }
  }

  /**
   * Writes the heard columns of every blade left unwritten, in a transaction of its own (the
   * timer, and a collector stopping). A failure leaves them for the next batch or try.
   */
  writeUnwritten(): Promise<void> {
    return this.inTurn(async () => {
      const cache = this.options.fleet.cache;
      if (!cache?.hasPending()) return;
      const entries = cache.pending();
      const now = this.options.clock?.now() ?? new Date();
      try {
        await this.options.db.transaction().execute(async (trx) => {
          await writeHeard(trx, entries);
          if (this.mark !== null) await writeUnwrittenFrom(trx, null, now);
        });
      } catch (error) {
        // The next batch writes them when due, or the next try; a restart repairs the heads.
        this.options.logger?.warn(
          { err: (error as Error).message, blades: entries.length },
          'blade rows left to write could not be written yet',
        );
        return;
      }
      this.mark = null;
      cache.flushed(entries);
    });
  }

  /** Stops the timer and writes what is left unwritten. */
  async stop(): Promise<void> {
    this.heardWrite?.cancel();
    await this.writeUnwritten();
  }

  process(batch: readonly Delivery[]): Promise<BatchOutcome> {
    return this.inTurn(() => this.processNow(batch));
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async processNow(batch: readonly Delivery[]): Promise<BatchOutcome> {
    const dead: DeadLetterInput[] = [];
    const valid: ValidMessage[] = [];
    /** Each valid message's identity (`messageKey`), made once. */
    const keys: string[] = [];
    const seenInBatch = new Set<string>();
    let duplicates = 0;
    for (const delivery of batch) {
      const { topic, payload, receivedAt, verdict } = delivery;
      const decoded = verdict
        ? acceptChecked(topic, payload, receivedAt, verdict)
        : decodeDelivery(topic, payload, receivedAt);
      if (!decoded.ok) {
        dead.push(decoded.deadLetter);
        continue;
      }
      const key = messageKey(decoded.value.message);
      if (seenInBatch.has(key)) {
        duplicates++;
        continue;
      }
      seenInBatch.add(key);
      valid.push(decoded.value);
      keys.push(key);
    }

    let ticket: FlushTicket | null = null;
    const threadFlush = this.options.threadFlush;
    const cache = this.options.fleet.cache;
    const epoch = cache?.epoch() ?? 0;
    let applied: FleetApplyResult | undefined;
    let mark = this.mark;
    const { result, announced } = await transactionAnnounced(
      this.options.db,
      async (trx) => {
        await insertDeadLetters(trx, dead);
        // Health messages (most of the traffic) are claimed by their snapshot; the rest by an
        // identity row. Either way only messages not seen before go on, in arrival order.
        const health: HealthMessage[] = [];
        const others: ValidMessage[] = [];
        for (const m of valid) {
          if (m.kind === 'health') health.push(m);
          else others.push(m);
        }
        const claimed = await claimIdentities(trx, others);
        // Every blade of the batch, before its snapshots: each names the blade's one before it.
        const blades = await loadBlades(trx, valid, this.options.fleet);
        const snapshotIds = await storeHealthSnapshots(
          trx,
          health,
          (bladeId) => blades.get(bladeId)?.last_health_id ?? null,
        );
        const fresh: ValidMessage[] = [];
        /** The snapshot id of each fresh message (health ones), in the order of `fresh`. */
        const freshSnapshots: (number | undefined)[] = [];
        for (let i = 0, h = 0; i < valid.length; i++) {
          const m = valid[i]!;
          const snapshot = m.kind === 'health' ? snapshotIds[h++] : undefined;
          if (m.kind === 'health' ? snapshot === undefined : !claimed.has(keys[i]!)) continue;
          fresh.push(m);
          freshSnapshots.push(snapshot);
        }
        duplicates += valid.length - fresh.length;
        // better-sqlite3 holds the thread for each statement, and without a turn of the event loop
        // the messages the ingest thread hands over meanwhile would wait until the batch ends:
        // letting them in mid-batch makes the next batch ready when this one commits.
        await nextTurn();
        const fleet = await applyFleetMessages(
          trx,
          fresh,
          this.options.fleet,
          blades,
          freshSnapshots,
        );
        applied = fleet;
        if (cache && (fleet.deferred.size > 0 || fleet.flushed.length > 0 || mark !== null)) {
          // Where a repair would start should the collector stop before these rows are written.
          const from = cache.unwrittenFrom(fleet);
          if (from !== mark) {
            await writeUnwrittenFrom(trx, from, new Date(fleet.atMs || Date.now()));
            mark = from;
          }
        }
        await nextTurn();
        for (const [i, m] of fresh.entries()) {
          if (m.kind !== 'event') continue;
          await this.options.tickets.recordObservation(
            eventObservation(m.message, m.address, fleet.environments[i]!, m.receivedAt),
            trx,
          );
        }
        return {
          processed: fresh.length,
          duplicates,
          deadLetters: dead.length,
          livenessChanged: fleet.livenessChanged,
        };
      },
      {
        flushNow: true,
        ...(threadFlush
          ? { flushElsewhere: () => (ticket = threadFlush.request())?.durable ?? null }
          : {}),
      },
    ).catch((error: unknown) => {
      // Rolled back, or committed with nothing known: what the cache holds is no longer sure.
      cache?.invalidate();
      throw error;
    });
    this.mark = mark;
    const fleet = applied as FleetApplyResult | undefined;
    cache?.committed(epoch, fleet?.blades ?? [], fleet);
    if (cache?.hasPending()) this.heardWrite?.ask();
    const flushed = ticket as FlushTicket | null;
    return { ...result, durable: announced, ...(flushed ? { ackAfterFlush: flushed.seq } : {}) };
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Inserts each message's identity; returns the identities (`messageKey`) not seen before. */
async function claimIdentities(
  trx: Kysely<Database>,
  messages: readonly ValidMessage[],
): Promise<Set<string>> {
  const inserted = await bulkInsert<{ blade_id: string; boot_id: string; seq: number | string }>(
    trx,
    {
      table: 'ingest_messages',
      columns: IDENTITY_COLUMNS,
      rows: messages.map((m) => [
        m.message.bladeId,
        m.message.bootId,
        m.message.seq,
        m.kind,
        m.address.site,
        m.address.frame,
        m.message.observedAt,
        isoOf(m.receivedAt),
      ]),
      suffix:
        'on conflict ("observed_at", "blade_id", "boot_id", "seq") do nothing ' +
        'returning "blade_id", "boot_id", "seq"',
    },
  );
  return new Set(
    inserted.map((r) => messageKey({ bladeId: r.blade_id, bootId: r.boot_id, seq: Number(r.seq) })),
  );
}

function eventObservation(
  message: EventMessage,
  address: TopicAddress,
  environment: Environment,
  receivedAt: Date,
): ObservationInput {
  return {
    source: 'call-home',
    signal: message.signal,
    status: message.status,
    component: message.component,
    evidence: message.evidence,
    summary: message.summary,
    siteId: address.site,
    frameId: address.frame,
    bladeId: address.blade,
    environment,
    observedAt: message.observedAt,
    receivedAt: isoOf(receivedAt),
  };
}
