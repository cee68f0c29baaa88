import type { Clock, TimerHandle } from '../../shared/clock.js';

export interface ScheduledJob {
  stop(): void;
}

/** Runs a task every `intervalMs`, on the wall clock's multiples of it (like cron). */
export interface Scheduler {
  every(name: string, intervalMs: number, task: () => Promise<void>): ScheduledJob;
}

/**
 * The agent's scheduler, on the injected `Clock` (tests drive it with `ManualClock`): runs land
 * on the wall clock's multiples of the interval since the epoch, so every blade's heartbeat
 * falls on the same marks (:00, :15, ...) whatever its time zone. A run still busy when the next
 * one is due makes that one skip. One timer per job, nothing between runs: a cron library's
 * time-zone arithmetic kept ICU's calendar data resident for this.
 */
export class ClockScheduler implements Scheduler {
  constructor(private readonly clock: Clock) {}

  every(_name: string, intervalMs: number, task: () => Promise<void>): ScheduledJob {
    let timer: TimerHandle | undefined;
    let stopped = false;
    let busy = false;
    let due = -Infinity;
    const arm = () => {
      if (stopped) return;
      const now = this.clock.now().getTime();
      // Never the mark just served, should the timer fire a millisecond before it.
      due = Math.max((Math.floor(now / intervalMs) + 1) * intervalMs, due + intervalMs);
      timer = this.clock.setTimeout(fire, due - now);
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
