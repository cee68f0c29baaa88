import { describe, expect, it } from 'vitest';
import { hwmonProbe } from '../../../agent/probes/hwmon.js';
import { fixtureConfig, readProbe } from '../support/fixtures.js';

describe('hwmon probe', () => {
  it('reports temperatures with their limits, and a sensor over its max as a warning', async () => {
    const { output, problems } = await readProbe(hwmonProbe);
    expect(problems).toEqual([]);
    expect(output.health?.temperatures).toContainEqual({
      sensor: 'coretemp/Package id 0',
      celsius: 52,
      warnC: 84,
      critC: 94,
    });
    const active = output.conditions!.filter((c) => c.active);
    expect(active.find((c) => c.signal === 'thermal.warning')).toMatchObject({
      component: { kind: 'sensor', id: 'nct6779/SYSTIN' },
      evidence: { celsius: 88, threshold: 85, sensor: 'nct6779/SYSTIN', alarm: true },
    });
    expect(active.some((c) => c.signal === 'thermal.critical')).toBe(false);
  });

  it('finds a stalled fan and a power supply alarm, and numbers chips that share a name', async () => {
    const { output } = await readProbe(hwmonProbe);
    expect(output.health?.fans).toEqual([
      { sensor: 'nct6779/FAN1', rpm: 5200, alarm: false },
      { sensor: 'nct6779/FAN2', rpm: 0, alarm: true },
    ]);
    const active = output.conditions!.filter((c) => c.active);
    expect(active.find((c) => c.signal === 'fan.failed')?.evidence).toEqual({
      sensor: 'nct6779/FAN2',
      rpm: 0,
      min: 1000,
      alarm: true,
      fault: false,
    });
    const psus = output.conditions!.filter((c) => c.signal === 'power.supply.failed');
    expect(psus.map((p) => [p.component.id, p.active])).toEqual([
      ['dps800.0', false],
      ['dps800.1', true],
    ]);
    expect(psus[1]!.evidence.alarms).toBe('in1_lcrit_alarm power1_alarm');
  });

  it('uses the configured limits for sensors without their own', async () => {
    const config = fixtureConfig({ detect: { thermal: { critC: 50 } } });
    const { output } = await readProbe(hwmonProbe, { config });
    const critical = output.conditions!.filter((c) => c.signal === 'thermal.critical' && c.active);
    // coretemp has its own crit (94); nct6779/SYSTIN has none, so 50 applies.
    expect(critical.map((c) => c.component.id)).toEqual(['nct6779/SYSTIN']);
  });
});
