import { describe, expect, it } from 'vitest';
import { thermalZonesProbe } from '../../../agent/probes/thermal-zones.js';
import { fixtureConfig, readProbe } from '../support/fixtures.js';

describe('thermal-zones probe', () => {
  it('takes warning and critical limits from passive/hot and critical trip points', async () => {
    const { output, problems } = await readProbe(thermalZonesProbe);
    expect(problems).toEqual([]);
    expect(output.health?.temperatures).toEqual([
      { sensor: 'thermal_zone0/x86_pkg_temp', celsius: 52, warnC: 95, critC: 105 },
      { sensor: 'thermal_zone1/acpitz', celsius: 27.8, warnC: null, critC: 119 },
    ]);
    expect(output.conditions!.every((c) => !c.active)).toBe(true);
  });

  it('holds a warning until the temperature is below the threshold by the hysteresis', async () => {
    const config = fixtureConfig({ detect: { thermal: { warnC: 27, hysteresisC: 2 } } });
    const { output } = await readProbe(thermalZonesProbe, { config });
    const acpi = output.conditions!.find(
      (c) => c.component.id === 'thermal_zone1/acpitz' && c.signal === 'thermal.warning',
    );
    expect(acpi).toMatchObject({ active: true, holdWhile: true, evidence: { threshold: 27 } });
  });
});
