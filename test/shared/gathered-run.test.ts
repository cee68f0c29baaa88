import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { GatheredRun } from '../../shared/gathered-run.js';

describe('GatheredRun', () => {
  it('answers every ask of its window with one run, never put off by a later ask', () => {
    const clock = new ManualClock();
    let runs = 0;
    const gathered = new GatheredRun(clock, 20, () => runs++);
    gathered.ask();
    clock.advance(15);
    gathered.ask();
    gathered.ask();
    clock.advance(4);
    expect(runs).toBe(0);
    clock.advance(1);
    expect(runs).toBe(1);
    clock.advance(100);
    expect(runs).toBe(1);
  });

  it('gathers again after a run, and a cancelled one never runs', () => {
    const clock = new ManualClock();
    let runs = 0;
    const gathered = new GatheredRun(clock, 20, () => runs++);
    gathered.ask();
    clock.advance(20);
    gathered.ask();
    clock.advance(20);
    expect(runs).toBe(2);
    gathered.ask();
    gathered.cancel();
    clock.advance(100);
    expect(runs).toBe(2);
    gathered.ask();
    clock.advance(20);
    expect(runs).toBe(3);
  });
});
