import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { Cycle } from '../../agent/cycle.js';
import { emptyDetectState } from '../../agent/detect/detect-state.js';
import { copyFixtures, fixtureConfig, FIXTURE_TIME } from './support/fixtures.js';
import { factsFileHost } from '../../agent/host/facts-file-host.js';

describe('fault injection', () => {
  it('an uncorrectable error on a DIMM gives exactly one observation, with its location', async () => {
    const tree = copyFixtures();
    const config = fixtureConfig({}, tree);
    const clock = new ManualClock(FIXTURE_TIME);
    const cycle = new Cycle(config, factsFileHost(tree.facts), clock, emptyDetectState('b'));
    await cycle.run(); // the fixture's standing faults
    clock.advance(15_000);
    expect((await cycle.run()).observations).toEqual([]);

    const mc0 = join(tree.sys, 'devices/system/edac/mc/mc0');
    writeFileSync(join(mc0, 'csrow1/ue_count'), '1\n');
    writeFileSync(join(mc0, 'ue_count'), '1\n'); // the controller total rises with it
    clock.advance(15_000);
    const { observations } = await cycle.run();
    expect(observations).toEqual([
      {
        signal: 'memory.ecc.uncorrectable',
        status: 'active',
        component: { kind: 'dimm', id: 'mc0/csrow1', location: 'CPU0_DIMM_A2' },
        evidence: {
          mc: 'mc0',
          csrow: 'csrow1',
          channel: 0,
          label: 'CPU0_DIMM_A2',
          count: 1,
          previous: 0,
          delta: 1,
        },
        summary: 'Uncorrectable ECC error on DIMM CPU0_DIMM_A2 (mc0/csrow1)',
      },
    ]);
    clock.advance(15_000);
    expect((await cycle.run()).observations).toEqual([]);
  });

  it('a fan recovering and a file system freed are reported as cleared', async () => {
    const tree = copyFixtures();
    const config = fixtureConfig({}, tree);
    const clock = new ManualClock(FIXTURE_TIME);
    const cycle = new Cycle(config, factsFileHost(tree.facts), clock, emptyDetectState('b'));
    await cycle.run();
    const hwmon1 = join(tree.sys, 'class/hwmon/hwmon1');
    writeFileSync(join(hwmon1, 'fan2_input'), '4800\n');
    writeFileSync(join(hwmon1, 'fan2_alarm'), '0\n');
    clock.advance(15_000);
    const { observations } = await cycle.run();
    expect(observations).toMatchObject([
      { signal: 'fan.failed', status: 'cleared', component: { id: 'nct6779/FAN2' } },
    ]);
  });

  it('a probe that breaks is reported once and the cycle goes on', async () => {
    const tree = copyFixtures();
    const config = fixtureConfig({}, tree);
    const clock = new ManualClock(FIXTURE_TIME);
    const cycle = new Cycle(config, factsFileHost(tree.facts), clock, emptyDetectState('b'));
    await cycle.run();
    writeFileSync(join(tree.proc, 'loadavg'), 'x'); // tolerated: load 0
    writeFileSync(join(tree.sys, 'kernel/oops_count'), 'many\n');
    for (let i = 0; i < 2; i++) {
      clock.advance(15_000);
      const { runs, observations } = await cycle.run();
      expect(runs.map((r) => r.name)).toContain('smart');
      expect(observations).toEqual(
        i === 0
          ? [
              expect.objectContaining({
                signal: 'agent.probe_failed',
                status: 'active',
                component: { kind: 'agent', id: 'probe/kernel-taint', location: null },
                evidence: {
                  probe: 'kernel-taint',
                  error: expect.stringContaining('oops_count: expected an integer, got "many"'),
                },
              }),
            ]
          : [],
      );
    }
  });
});
