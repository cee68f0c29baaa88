import { describe, expect, it } from 'vitest';
import { isoAt, isoOf } from '../../shared/iso-time.js';

describe('ISO time text', () => {
  it('is what toISOString gives, for times seen before and new ones alike', () => {
    const base = Date.parse('2026-03-08T06:59:59.999Z');
    // More distinct times than it remembers, each asked for twice, interleaved.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10; i++) {
        const ms = base + i * 1001;
        expect(isoAt(ms)).toBe(new Date(ms).toISOString());
        expect(isoOf(new Date(ms))).toBe(new Date(ms).toISOString());
      }
    }
  });

  it('throws for a time that is not one, as toISOString does', () => {
    expect(() => isoAt(Number.NaN)).toThrow(RangeError);
    expect(() => isoOf(new Date('not a date'))).toThrow(RangeError);
  });
});
