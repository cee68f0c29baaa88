import type { Clock, TimerHandle } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface ScheduledRunsOptions {
  clock: Clock;
  logger: Logger;
  /** Logged when a run fails (the next one is still scheduled). */
  failure: string;
  /** The work: run at start, then at each time `next` names. */
  run: () => Promise<unknown>;
  /** When to run next, from now (a time of day in the contract's zone, say). */
  next: (now: Date) => Date;
}

/**
 * Runs a job at start and then at the times it names, one run at a time, for the collector's
 * scheduled work (report mail, release notices). A failed run is logged and the next one is
 * scheduled all the same; `stop` waits for a run in progress.
 */
export class ScheduledRuns {
  private timer: TimerHandle | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: ScheduledRunsOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running.catch(() => undefined);
  }

  /** Resolves once the run in progress (if any) is done. */
  async settled(): Promise<void> {
    await this.running.catch(() => undefined);
  }

  private tick(): Promise<void> {
    const run = this.running.then(() => this.options.run());
    this.running = run.catch((error) => {
      this.options.logger.error({ err: (error as Error).message }, this.options.failure);
    });
    return this.running.then(() => this.schedule());
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    const next = this.options.next(now);
    this.timer?.cancel();
    this.timer = this.options.clock.setTimeout(
      () => void this.tick(),
      next.getTime() - now.getTime(),
    );
  }
}
