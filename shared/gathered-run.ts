import type { Clock, TimerHandle } from './clock.js';

/**
 * One call of `run`, `ms` after the first `ask` since the last call: the asks of those ms are
 * answered by it (a storm's ingest batches commit every few ms, and a run for each would cost
 * more than the work), and a later ask never puts it off.
 */
export class GatheredRun {
  private pending: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly run: () => void,
  ) {}

  ask(): void {
    if (this.pending) return;
    this.pending = this.clock.setTimeout(() => {
      this.pending = null;
      this.run();
    }, this.ms);
  }

  cancel(): void {
    this.pending?.cancel();
    this.pending = null;
  }
}
