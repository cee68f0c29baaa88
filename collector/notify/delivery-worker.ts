import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { GatheredRun } from '../../shared/gathered-run.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Database } from '../store/schema.js';
import { backoffDelay, type BackoffSettings } from './backoff.js';
import {
  claimDue,
  nextDueAt,
  recordDelivered,
  recordFailure,
  releaseLeases,
  type DeliveryWithPayload,
} from './delivery-store.js';
import type { DeliveryChannel } from './tables.js';
import type { AttemptInfo, AttemptResult } from './webhook.js';
import { whenDurable } from '../store/durability.js';

/** Sends one attempt of a delivery on its channel; never throws. */
export interface ChannelSender {
  send(delivery: DeliveryWithPayload, attempt: AttemptInfo): Promise<AttemptResult>;
}

export interface WorkerSettings extends BackoffSettings {
  maxAttempts: number;
  /** A webhook request or SMTP exchange; the lease outlasts it. */
  timeout: number;
  pollInterval: number;
  /** Targets served at once. */
  concurrency: number;
  /** How long pokes gather into one run (default 0: the next turn of the event loop). */
  gather?: number;
}

export interface DeliveryWorkerDeps {
  db: Kysely<Database>;
  clock: Clock;
  settings: WorkerSettings;
  senders: Partial<Record<DeliveryChannel, ChannelSender>>;
  logger?: Logger;
  /** [0, 1): the jitter's dice (tests fix it). */
  random?: () => number;
  /** Identifies this worker's leases; default random per process. */
  owner?: string;
  /** Called before each run: the notifier queues what the ticket log added. */
  beforeRun?: () => Promise<void>;
}

/** Statistics of the worker since start, for logs and /healthz. */
export interface WorkerStats {
  attempts: number;
  delivered: number;
  retried: number;
  failed: number;
}

/**
 * Sends queued deliveries: each run leases the deliveries due now that head their target's
 * queue, sends them (targets side by side, each target one at a time and in order), records the
 * outcome, and repeats until nothing is due. A failed attempt waits an exponential backoff with
 * jitter (or the receiver's Retry-After, if longer) up to `maxAttempts`; a permanent refusal
 * fails at once. Between runs it sleeps until the next due time or the poll interval, on the
 * injected clock. All state is in the store, so a restart resumes where it stopped.
 */
export class DeliveryWorker {
  private readonly deps: DeliveryWorkerDeps;
  private readonly logger: Logger;
  readonly owner: string;
  private timer: TimerHandle | null = null;
  /** A run asked for by `poke`, gathering the pokes that follow it. */
  private readonly gathering: GatheredRun;
  private running: Promise<number> | null = null;
  private cycle: Promise<void> | null = null;
  private rerun = false;
  private started = false;
  readonly stats: WorkerStats = { attempts: 0, delivered: 0, retried: 0, failed: 0 };

  constructor(deps: DeliveryWorkerDeps) {
    this.deps = deps;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'notify-worker' });
    this.owner = deps.owner ?? `w-${randomBytes(6).toString('hex')}`;
    this.gathering = new GatheredRun(deps.clock, deps.settings.gather ?? 0, () => void this.kick());
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.kick();
  }

  /** Stops the timer, waits for sends in flight, and gives back any lease still held. */
  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
    this.gathering.cancel();
    await this.idle();
    await releaseLeases(this.deps.db, this.owner).catch(() => undefined);
  }

  /**
   * Something was queued: run soon rather than at the next wake-up. The pokes of the next
   * `gather` ms make one run with this one (a storm's ingest batches commit every few ms, and a
   * run for each cost more than the deliveries); a poke never puts the run off.
   */
  poke(): void {
    if (this.started) this.gathering.ask();
  }

  /** Resolves when no run is in progress and the next wake-up is set. */
  async idle(): Promise<void> {
    while (this.running || this.cycle) {
      await Promise.all([this.running?.catch(() => undefined), this.cycle]);
    }
  }

  /** Sends everything due now; returns the number of attempts made. One run at a time. */
  runDue(): Promise<number> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    const run = (async () => {
      let total = 0;
      try {
        do {
          this.rerun = false;
          await this.deps.beforeRun?.();
          total += await this.drain();
        } while (this.rerun);
      } finally {
        this.running = null;
      }
      return total;
    })();
    this.running = run;
    return run;
  }

  /**
   * Keeps up to `concurrency` attempts in flight, each for a different target, and leases the
   * next due head as soon as one finishes: a receiver that hangs until its timeout holds up only
   * its own queue.
   */
  private async drain(): Promise<number> {
    const { settings, clock, db } = this.deps;
    const inFlight = new Set<Promise<void>>();
    let attempts = 0;
    let more = true;
    for (;;) {
      if (more && inFlight.size < settings.concurrency) {
        const now = clock.now();
        const claimed = await claimDue(db, {
          now: now.toISOString(),
          // Long enough for the attempt (an SMTP exchange has several steps) and its record.
          leaseUntil: new Date(now.getTime() + settings.timeout * 5 + 30_000).toISOString(),
          owner: this.owner,
          limit: settings.concurrency - inFlight.size,
        });
        for (const delivery of claimed) {
          const attempt: Promise<void> = this.attempt(delivery).finally(() =>
            inFlight.delete(attempt),
          );
          inFlight.add(attempt);
        }
        attempts += claimed.length;
        more = claimed.length > 0;
        if (more) continue;
      }
      if (inFlight.size === 0) return attempts;
      await Promise.race(inFlight);
      // A target whose head just finished may have its next delivery due.
      more = true;
    }
  }

  /** One attempt and its record; never rejects (a store failure leaves the lease to expire). */
  private async attempt(delivery: DeliveryWithPayload): Promise<void> {
    try {
      await this.attemptAndRecord(delivery);
    } catch (error) {
      this.logger.error(
        { err: error, deliveryId: delivery.id },
        'cannot record a delivery attempt; it is sent again when its lease ends',
      );
    }
  }

  private async attemptAndRecord(delivery: DeliveryWithPayload): Promise<void> {
    const { settings, clock, db } = this.deps;
    const attempt = delivery.attempts + 1;
    const info: AttemptInfo = {
      deliveryId: delivery.id,
      attempt,
      sentAt: clock.now().toISOString(),
    };
    const sender = this.deps.senders[delivery.channel];
    let result: AttemptResult;
    try {
      // What the notice tells of must survive power loss before anyone hears of it.
      await whenDurable(db);
      result = sender
        ? await sender.send(delivery, info)
        : {
            outcome: 'failed',
            code: null,
            error: `no ${delivery.channel} channel is configured (see notify in the collector configuration)`,
          };
    } catch (error) {
      // A sender is not meant to throw; if one does, the attempt counts as failed and retried.
      result = { outcome: 'retry', code: null, error: (error as Error).message };
    }
    this.stats.attempts++;
    const done = clock.now();
    const log = {
      deliveryId: delivery.id,
      channel: delivery.channel,
      target: delivery.target,
      event: delivery.eventKey,
      attempt,
      code: result.code,
    };
    if (result.outcome === 'delivered') {
      this.stats.delivered++;
      await recordDelivered(db, delivery.id, this.owner, {
        now: done.toISOString(),
        code: result.code,
      });
      this.logger.info(log, 'delivered');
      return;
    }
    const error = result.error ?? 'failed';
    const lastChance = attempt >= settings.maxAttempts;
    if (result.outcome === 'failed' || lastChance) {
      this.stats.failed++;
      await recordFailure(db, delivery.id, this.owner, {
        now: done.toISOString(),
        code: result.code,
        error:
          lastChance && result.outcome === 'retry'
            ? `${error} (gave up after ${attempt} attempts)`
            : error,
        retryAt: null,
      });
      this.logger.warn({ ...log, error }, 'delivery failed');
      return;
    }
    this.stats.retried++;
    const wait = Math.max(
      backoffDelay(attempt, settings, (this.deps.random ?? Math.random)()),
      Math.min(result.retryAfterMs ?? 0, settings.maxBackoff),
    );
    const retryAt = new Date(done.getTime() + wait).toISOString();
    await recordFailure(db, delivery.id, this.owner, {
      now: done.toISOString(),
      code: result.code,
      error,
      retryAt,
    });
    this.logger.info({ ...log, error, retryAt }, 'delivery will be retried');
  }

  /** Runs what is due, then sleeps until the next due time (or the poll interval). */
  private kick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    const cycle = (async () => {
      await Promise.resolve();
      try {
        await this.runDue();
      } catch (error) {
        this.logger.error({ err: error }, 'delivery run failed');
      }
      if (this.started) await this.arm();
    })();
    this.cycle = cycle;
    void cycle.finally(() => {
      if (this.cycle === cycle) this.cycle = null;
    });
    return cycle;
  }

  private async arm(): Promise<void> {
    const { clock, settings } = this.deps;
    let wait = settings.pollInterval;
    try {
      const next = await nextDueAt(this.deps.db);
      if (next) {
        const until = Date.parse(next) - clock.now().getTime();
        // Still due right after a run: another collector holds it, or the store failed.
        wait = Math.min(wait, until > 0 ? until : Math.min(1000, settings.pollInterval));
      }
    } catch (error) {
      this.logger.error({ err: error }, 'cannot read the next due time');
    }
    if (!this.started) return;
    this.timer?.cancel();
    this.timer = clock.setTimeout(() => void this.kick(), Math.max(0, wait));
  }
}
