import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aerProbe } from '../../../agent/probes/aer.js';
import { copyFixtures, fixtureConfig, readProbe } from '../support/fixtures.js';

describe('aer probe', () => {
  it('reads the TOTAL line of each AER counter file with the non-zero error types', async () => {
    const { output, problems } = await readProbe(aerProbe);
    expect(problems).toEqual([]);
    const nic = output.counters!.filter((c) => c.component.id === '0000:3b:00.0');
    expect(nic.map((c) => [c.signal, c.value])).toEqual([
      ['pcie.aer.correctable', 2],
      ['pcie.aer.nonfatal', 1],
      ['pcie.aer.fatal', 0],
    ]);
    expect(nic[0]).toMatchObject({
      bucket: 'pcieCorrectable',
      component: { kind: 'pcie', location: 'NIC1' },
      evidence: { device: '0000:3b:00.0', RxErr: 2, label: 'NIC1' },
    });
    expect(nic[1]!.evidence).toMatchObject({ CmpltTO: 1 });
    expect(output.health?.counters).toEqual({ aerCorrectable: 2, aerNonfatal: 1, aerFatal: 0 });
  });

  it('names the slot of a device from bus/pci/slots and skips devices without AER', async () => {
    const { output } = await readProbe(aerProbe);
    const other = output.counters!.find((c) => c.component.id === '0000:5e:00.0');
    expect(other?.component.location).toBe('slot 4');
    expect(output.counters!.some((c) => c.component.id === '0000:00:00.0')).toBe(false);
  });

  it('reports an unreadable counter file and keeps the other devices', async () => {
    const copy = copyFixtures();
    writeFileSync(
      join(copy.sys, 'bus/pci/devices/0000:5e:00.0/aer_dev_fatal'),
      'TOTAL_ERR_FATAL x\n',
    );
    const { output, problems } = await readProbe(aerProbe, { config: fixtureConfig({}, copy) });
    expect(problems).toEqual([expect.stringContaining('aer_dev_fatal: unexpected line')]);
    expect(output.counters!.filter((c) => c.component.id === '0000:3b:00.0')).toHaveLength(3);
  });
});
