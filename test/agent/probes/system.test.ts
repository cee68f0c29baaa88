import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemProbe } from '../../../agent/probes/system.js';
import { copyFixtures, fixtureConfig, readProbe } from '../support/fixtures.js';

describe('system probe', () => {
  it('reads uptime, load, CPUs and memory from procfs', async () => {
    const { output } = await readProbe(systemProbe);
    expect(output.health).toEqual({
      uptimeS: 183400.52,
      load: { one: 0.42, five: 0.35, fifteen: 0.3 },
      cpu: { count: 8, busyPercent: null },
      memory: {
        totalBytes: 131621248 * 1024,
        availableBytes: 118223116 * 1024,
        swapTotalBytes: 8388604 * 1024,
        swapFreeBytes: 8388604 * 1024,
      },
    });
  });

  it('computes the CPU busy share between two cycles', async () => {
    const copy = copyFixtures();
    const config = fixtureConfig({}, copy);
    const memory = {};
    await readProbe(systemProbe, { config, memory });
    // 300 more jiffies, 75 of them busy.
    writeFileSync(
      join(copy.proc, 'stat'),
      'cpu  1021982 1312 301047 71214046 10231 0 8912 0 0 0\ncpu0 1 1 1 1\n',
    );
    const { output } = await readProbe(systemProbe, { config, memory });
    expect(output.health?.cpu).toEqual({ count: 1, busyPercent: 25 });
  });
});
