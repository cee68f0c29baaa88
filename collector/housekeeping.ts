import type { Kysely } from 'kysely';
import type { Clock, TimerHandle } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { pruneHealthSnapshots } from './fleet/fleet-queries.js';
import { pruneIdentities } from './ingest/prune-identities.js';
import type { Database } from './store/schema.js';

export interface HousekeepingOptions {
  db: Kysely<Database>;
  clock: Clock;
  healthRetentionMs: number;
  identityRetentionMs: number;
  everyMs?: number;
  logger?: Logger;
}

/** Keeps the store from growing without end: old health snapshots and message identities go. */
export class Housekeeping {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: HousekeepingOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.runOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** One pass now; the next is scheduled after it. */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
      if (!this.stopped) {
        this.timer = this.options.clock.setTimeout(
          () => void this.runOnce(),
          this.options.everyMs ?? 3_600_000,
        );
      }
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { db, clock } = this.options;
    const logger = this.options.logger ?? silentLogger;
    const now = clock.now().getTime();
    try {
      const snapshots = await pruneHealthSnapshots(
        db,
        new Date(now - this.options.healthRetentionMs),
      );
      const identities = await pruneIdentities(
        db,
        new Date(now - this.options.identityRetentionMs),
      );
      if (snapshots || identities) logger.info({ snapshots, identities }, 'pruned');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'housekeeping failed; will try again');
    }
  }
}
