import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelTaintProbe, taintFlags } from '../../../agent/probes/kernel-taint.js';
import { machineCheckProbe } from '../../../agent/probes/machine-check.js';
import { oomProbe } from '../../../agent/probes/oom.js';
import { copyFixtures, fixtureConfig, readProbe } from '../support/fixtures.js';

describe('machine-check probe', () => {
  it('sums the MCE row of /proc/interrupts and names the CPUs whose count rose', async () => {
    const memory = {};
    const first = await readProbe(machineCheckProbe, { memory });
    expect(first.output.counters).toMatchObject([
      { signal: 'cpu.machine_check', value: 1, evidence: { cpus: '2' } },
    ]);
    expect(first.output.health?.counters).toEqual({ machineChecks: 1 });
    const second = await readProbe(machineCheckProbe, { memory });
    expect(second.output.counters![0]!.evidence).toEqual({ cpus: null });
  });
});

describe('kernel-taint probe', () => {
  it('counts oopses from /sys/kernel/oops_count with the taint flags as evidence', async () => {
    const { output } = await readProbe(kernelTaintProbe);
    expect(output.counters).toMatchObject([
      {
        signal: 'kernel.oops',
        value: 1,
        evidence: { tainted: 4224, taintFlags: 'DO', warnings: 3 },
      },
    ]);
  });

  it('falls back to the taint D bit as a condition on kernels without oops_count', async () => {
    const copy = copyFixtures();
    const config = fixtureConfig({}, { ...copy, sys: join(copy.root, 'none') });
    const { output } = await readProbe(kernelTaintProbe, { config });
    expect(output.conditions).toMatchObject([{ signal: 'kernel.oops', active: true }]);
    writeFileSync(join(copy.proc, 'sys/kernel/tainted'), '4096\n');
    const clean = await readProbe(kernelTaintProbe, { config });
    expect(clean.output.conditions![0]!.active).toBe(false);
  });

  it('spells taint masks as the kernel does', () => {
    expect(taintFlags(0)).toBe('');
    expect(taintFlags(1 | 16 | 128 | 512)).toBe('PMDW');
  });
});

describe('oom probe', () => {
  it('reads oom_kill from /proc/vmstat', async () => {
    const { output } = await readProbe(oomProbe);
    expect(output.counters).toMatchObject([{ signal: 'kernel.oom_kill', value: 2 }]);
    expect(output.health?.counters).toEqual({ oomKills: 2 });
  });

  it('reports a malformed value as a problem', async () => {
    const copy = copyFixtures();
    writeFileSync(join(copy.proc, 'vmstat'), 'oom_kill lots\n');
    const { output, problems } = await readProbe(oomProbe, { config: fixtureConfig({}, copy) });
    expect(output.counters).toBeUndefined();
    expect(problems).toEqual([expect.stringContaining('oom_kill is "lots"')]);
  });
});
