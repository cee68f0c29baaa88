import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';

describe('ManualClock', () => {
  it('fires timers in due order while advancing', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now().toISOString()}`), 2000);
    clock.setTimeout(() => fired.push(`a@${clock.now().toISOString()}`), 1000);
    const cancelled = clock.setTimeout(() => fired.push('never'), 1500);
    cancelled.cancel();
    clock.advance(5000);
    expect(fired).toEqual(['a@2026-01-01T00:00:01.000Z', 'b@2026-01-01T00:00:02.000Z']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:05.000Z');
  });

  it('fires timers scheduled by timers within the same advance', () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    const tick = () => {
      ticks++;
      clock.setTimeout(tick, 1000);
    };
    clock.setTimeout(tick, 1000);
    clock.advance(10_000);
    expect(ticks).toBe(10);
  });
});
