import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pstoreProbe } from '../../../agent/probes/pstore.js';
import { copyFixtures, fixtureConfig, readProbe } from '../support/fixtures.js';

describe('pstore probe', () => {
  it('reports one panic per crash record, joining its parts, and ignores restart records', async () => {
    const { output } = await readProbe(pstoreProbe);
    expect(output.records).toEqual([
      {
        id: 'pstore:dmesg-erst-7301412203315970049',
        signal: 'kernel.panic',
        component: { kind: 'kernel', id: 'panic', location: null },
        evidence: {
          source: 'pstore',
          recordId: 'dmesg-erst-7301412203315970049',
          machineCheck: true,
          excerpt: 'Kernel panic - not syncing: Fatal machine check',
        },
        summary: expect.stringContaining('(machine check)'),
      },
    ]);
  });

  it('tells a software panic from a machine check, and an oops from a panic', async () => {
    const copy = copyFixtures();
    const dir = join(copy.sys, 'fs/pstore');
    writeFileSync(
      join(dir, 'dmesg-ramoops-0'),
      'Panic#2 Part1\n<0>[  12.1] Kernel panic - not syncing: VFS: Unable to mount root fs\n',
    );
    writeFileSync(
      join(dir, 'dmesg-ramoops-1'),
      'Oops#1 Part1\n<1>[  99.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n',
    );
    const { output } = await readProbe(pstoreProbe, { config: fixtureConfig({}, copy) });
    const ramoops = output.records!.filter((r) => r.id.includes('ramoops'));
    expect(ramoops.map((r) => [r.signal, r.evidence.machineCheck, r.evidence.excerpt])).toEqual([
      ['kernel.panic', false, 'Kernel panic - not syncing: VFS: Unable to mount root fs'],
      ['kernel.oops', false, 'BUG: kernel NULL pointer dereference, address: 0000000000000008'],
    ]);
  });
});
