import { describe, expect, it } from 'vitest';
import { filesystemsProbe } from '../../../agent/probes/filesystems.js';
import { fixtureConfig, readProbe } from '../support/fixtures.js';

describe('filesystems probe', () => {
  it('watches local file systems once per device, from the host mount table', async () => {
    const { output } = await readProbe(filesystemsProbe);
    expect(output.health?.filesystems?.map((f) => [f.mount, f.fstype, f.readOnly])).toEqual([
      ['/', 'ext4', false],
      ['/boot/efi', 'vfat', false],
      ['/var', 'xfs', false],
      ['/srv/data', 'ext4', true],
    ]);
  });

  it('finds a read-only remount and a full file system', async () => {
    const { output } = await readProbe(filesystemsProbe);
    const active = output.conditions!.filter((c) => c.active);
    expect(active.map((c) => [c.signal, c.component.id])).toEqual([
      ['filesystem.full', '/'],
      ['filesystem.readonly', '/srv/data'],
    ]);
    expect(active[0]!.evidence).toMatchObject({ usedPercent: 100, threshold: 90, mount: '/' });
  });

  it('honours expected read-only mounts, ignored mounts and the threshold', async () => {
    const config = fixtureConfig({
      detect: {
        filesystem: { expectReadOnly: ['/srv/*'], ignoreMounts: ['/'], fullPercent: 40 },
      },
    });
    const { output } = await readProbe(filesystemsProbe, { config });
    const active = output.conditions!.filter((c) => c.active);
    expect(active.map((c) => [c.signal, c.component.id])).toEqual([
      ['filesystem.full', '/var'],
      ['filesystem.full', '/srv/data'],
    ]);
  });
});
