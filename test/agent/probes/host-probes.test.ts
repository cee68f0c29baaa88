import { describe, expect, it } from 'vitest';
import type { HostAdapter } from '../../../agent/host/host-adapter.js';
import { parseFailedUnits } from '../../../agent/host/live-host.js';
import { smartProbe } from '../../../agent/probes/smart.js';
import { systemdUnitsProbe } from '../../../agent/probes/systemd-units.js';
import { fixtureHost, readProbe } from '../support/fixtures.js';

describe('smart probe', () => {
  it('flags a pre-failure attribute at its threshold and passes healthy disks', async () => {
    const { output } = await readProbe(smartProbe);
    const active = output.conditions!.filter((c) => c.active);
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      signal: 'disk.smart.prefail',
      component: { kind: 'disk', id: 'W46253XQ', location: '/dev/sdb' },
      evidence: { attribute: 'Reallocated_Sector_Ct', value: 9, threshold: 10, raw: 3921 },
    });
  });

  it('flags a failing overall assessment', async () => {
    const base = fixtureHost();
    const host: HostAdapter = {
      ...base,
      disks: async () => [
        { device: '/dev/nvme0n1', model: 'X', serial: null, smart: 'failing', attributes: [] },
      ],
    };
    const { output } = await readProbe(smartProbe, { host });
    expect(output.conditions!.find((c) => c.active)).toMatchObject({
      signal: 'disk.smart.failing',
      component: { id: '/dev/nvme0n1' },
    });
  });
});

describe('systemd-units probe', () => {
  it('turns failed units into conditions, and no systemd into no data', async () => {
    const { output } = await readProbe(systemdUnitsProbe);
    expect(output.conditions).toMatchObject([
      { signal: 'service.failed', active: true, component: { id: 'db-backup.service' } },
    ]);
    const none: HostAdapter = { ...fixtureHost(), failedUnits: async () => null };
    expect((await readProbe(systemdUnitsProbe, { host: none })).output).toEqual({});
  });

  it('parses systemctl list-units output', () => {
    expect(
      parseFailedUnits(
        'db-backup.service loaded failed failed Nightly backup\n● x.mount loaded failed failed X\n\n',
      ),
    ).toEqual([
      { unit: 'db-backup.service', load: 'loaded', active: 'failed', sub: 'failed' },
      { unit: 'x.mount', load: 'loaded', active: 'failed', sub: 'failed' },
    ]);
  });
});
