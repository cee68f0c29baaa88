import { describe, expect, it } from 'vitest';
import { naturalCompare } from '../../agent/probes/natural-order.js';

describe('natural order', () => {
  it('sorts runs of digits by value, the rest by character', () => {
    const names = ['mc10', 'temp10_input', 'mc2', 'temp1_label', 'csrow9', 'temp1_input', 'mc1'];
    expect(names.sort(naturalCompare)).toEqual([
      'csrow9',
      'mc1',
      'mc2',
      'mc10',
      'temp1_input',
      'temp1_label',
      'temp10_input',
    ]);
    expect(['0000:00:1f.0', '0000:00:1c.0', '0000:3b:00.0'].sort(naturalCompare)).toEqual([
      '0000:00:1c.0',
      '0000:00:1f.0',
      '0000:3b:00.0',
    ]);
    expect(naturalCompare('hwmon01', 'hwmon1')).not.toBe(0);
  });
});
