import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { ClockScheduler } from '../../agent/schedule/scheduler.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('clock scheduler', () => {
  it('runs on multiples of the interval and never overlaps a busy run', async () => {
    const clock = new ManualClock('2026-03-02T14:00:07Z');
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const job = new ClockScheduler(clock).every('cycle', 15_000, async () => {
      runs.push(clock.now().toISOString().slice(11, 19));
      await new Promise<void>((resolve) => (release = resolve));
    });
    clock.advance(8_000); // 14:00:15
    clock.advance(15_000); // 14:00:30: the first run is still busy
    expect(runs).toEqual(['14:00:15']);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(15_000);
    expect(runs).toEqual(['14:00:15', '14:00:45']);
    job.stop();
    release();
    clock.advance(60_000);
    expect(runs).toHaveLength(2);
  });

  it('serves each mark once even when its timer fires a millisecond early', async () => {
    const clock = new ManualClock('2026-03-02T14:00:07Z');
    const early = {
      now: () => clock.now(),
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(fn, Math.max(0, ms - 1)),
    };
    const runs: string[] = [];
    const job = new ClockScheduler(early).every('cycle', 15_000, async () => {
      runs.push(clock.now().toISOString().slice(11, 23));
    });
    for (let s = 0; s < 38; s++) {
      clock.advance(1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    job.stop();
    expect(runs).toEqual(['14:00:14.999', '14:00:29.999', '14:00:44.999']);
  });
});
