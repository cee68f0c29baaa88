import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edacProbe } from '../../../agent/probes/edac.js';
import { copyFixtures, fixtureConfig, readProbe } from '../support/fixtures.js';

describe('edac probe', () => {
  it('reads per-channel counters from the csrow layout with their DIMM labels', async () => {
    const { output, problems } = await readProbe(edacProbe);
    expect(problems).toEqual([]);
    const a1 = output.counters!.find((c) => c.key === 'edac:mc0/csrow0/ch0:ce');
    expect(a1).toMatchObject({
      signal: 'memory.ecc.correctable',
      value: 2,
      bucket: 'memoryCorrectable',
      component: { kind: 'dimm', id: 'mc0/csrow0/ch0', location: 'CPU0_DIMM_A1' },
      evidence: { mc: 'mc0', csrow: 'csrow0', channel: 0, label: 'CPU0_DIMM_A1' },
    });
    const ue = output.counters!.find((c) => c.key === 'edac:mc0/csrow1:ue');
    expect(ue).toMatchObject({
      signal: 'memory.ecc.uncorrectable',
      value: 0,
      component: { kind: 'dimm', id: 'mc0/csrow1', location: 'CPU0_DIMM_A2' },
      evidence: { channel: 0, label: 'CPU0_DIMM_A2' },
    });
    // A csrow across two channels names both DIMMs for an uncorrectable error.
    expect(output.counters!.find((c) => c.key === 'edac:mc0/csrow0:ue')?.component.location).toBe(
      'CPU0_DIMM_A1 / CPU0_DIMM_B1',
    );
  });

  it('prefers the per-DIMM layout and does not count controller totals twice', async () => {
    const { output } = await readProbe(edacProbe);
    const dimm = output.counters!.find((c) => c.key === 'edac:mc1/dimm0:ce');
    expect(dimm).toMatchObject({
      value: 14,
      component: { kind: 'dimm', id: 'mc1/dimm0', location: 'CPU1_DIMM_A1' },
      evidence: { mc: 'mc1', dimm: 'dimm0', channel: 0 },
    });
    expect(output.counters!.some((c) => c.key.startsWith('edac:mc1/csrow'))).toBe(false);
    // Controller totals feed health; only errors without a location are counted per controller.
    expect(output.health?.counters).toEqual({ edacCorrectable: 17, edacUncorrectable: 0 });
    expect(output.counters!.filter((c) => c.key.endsWith(':noinfo:ce'))).toHaveLength(2);
  });

  it('gives nothing, and no problem, where there is no EDAC', async () => {
    const config = fixtureConfig({}, { sys: '/nonexistent' });
    const { output, problems } = await readProbe(edacProbe, { config });
    expect(output.counters).toEqual([]);
    expect(output.health?.counters).toEqual({ edacCorrectable: null, edacUncorrectable: null });
    expect(problems).toEqual([]);
  });

  it('reports a malformed counter as a problem and keeps the others', async () => {
    const copy = copyFixtures();
    writeFileSync(join(copy.sys, 'devices/system/edac/mc/mc0/csrow0/ch1_ce_count'), 'garbage\n');
    mkdirSync(join(copy.sys, 'devices/system/edac/mc/mc0/csrow9'));
    const { output, problems } = await readProbe(edacProbe, {
      config: fixtureConfig({}, copy),
    });
    expect(problems).toEqual([
      expect.stringMatching(/csrow0\/ch1_ce_count: expected an integer, got "garbage"/),
    ]);
    expect(output.counters!.find((c) => c.key === 'edac:mc0/csrow0/ch1:ce')).toBeUndefined();
    expect(output.counters!.find((c) => c.key === 'edac:mc0/csrow0/ch0:ce')?.value).toBe(2);
  });
});
