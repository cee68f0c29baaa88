import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../shared/duration.js';

describe('durations', () => {
  it('parses the units of config files', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('4h')).toBe(4 * 3_600_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('45s')).toBe(45_000);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', '4', 'h', '4 hours', '-1h', '1x']) {
      expect(() => parseDuration(bad)).toThrow(/not a duration/);
    }
  });

  it('formats for people', () => {
    expect(formatDuration(90 * 60_000)).toBe('1h30m');
    expect(formatDuration(-2 * 86_400_000 - 3_600_000)).toBe('-2d1h');
  });
});
