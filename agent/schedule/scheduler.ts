import type { Clock, TimerHandle } from '../../shared/clock.js';

export interface ScheduledJob {
  stop(): void;
}

/** Runs a task every `intervalMs`, on the wall clock's multiples of it (like cron). */
export interface Scheduler {
  every(name: string, intervalMs: number, task: () => Promise<void>): ScheduledJob;
}

/**
 * A scheduler on the injected `Clock`: tests drive it with `ManualClock`. A run still busy when
 * the next one is due makes that one skip (as node-cron's `noOverlap`).
 */
export class ClockScheduler implements Scheduler {
  constructor(private readonly clock: Clock) {}

  every(_name: string, intervalMs: number, task: () => Promise<void>): ScheduledJob {
    let timer: TimerHandle | undefined;
    let stopped = false;
    let busy = false;
    const arm = () => {
      if (stopped) return;
      const now = this.clock.now().getTime();
      const next = (Math.floor(now / intervalMs) + 1) * intervalMs;
      timer = this.clock.setTimeout(fire, next - now);
    };
    const fire = () => {
      arm();
      if (busy) return;
      busy = true;
      void task()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    };
    arm();
    return {
      stop: () => {
        stopped = true;
        timer?.cancel();
      },
    };
  }
}
