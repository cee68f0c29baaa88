import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { CronScheduler } from '../../agent/schedule/cron-scheduler.js';
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
});

describe('cron scheduler', () => {
  it('runs a task through node-cron at its interval', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T14:00:01Z') });
    const runs: number[] = [];
    const job = new CronScheduler().every('heartbeat', 15_000, async () => {
      runs.push(Date.now());
    });
    await vi.advanceTimersByTimeAsync(45_000);
    job.stop();
    expect(runs.map((t) => new Date(t).toISOString().slice(11, 19))).toEqual([
      '14:00:15',
      '14:00:30',
      '14:00:45',
    ]);
  });
});
