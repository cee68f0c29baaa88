import type { ConditionReading, Probe } from './types.js';

/**
 * Disk SMART health (through the host adapter: systeminformation and smartctl, on a slow
 * schedule). `disk.smart.failing`: the drive's overall self-assessment failed.
 * `disk.smart.prefail`: a pre-failure attribute is at or below its threshold, or failing now.
 */
export const smartProbe: Probe = {
  name: 'smart',
  defaultEnabled: true,
  async read(ctx) {
    const conditions: ConditionReading[] = [];
    for (const disk of await ctx.host.disks()) {
      const id = disk.serial ?? disk.device;
      const component = { kind: 'disk' as const, id, location: disk.device };
      const base = { device: disk.device, model: disk.model, serial: disk.serial };
      conditions.push({
        key: `smart:${id}:failing`,
        signal: 'disk.smart.failing',
        component,
        active: disk.smart === 'failing',
        evidence: { ...base, smartStatus: disk.smart },
        summary: `Disk ${disk.device} SMART health ${disk.smart}`,
      });
      const failing = disk.attributes.filter(
        (a) => a.prefailure && ((a.thresh > 0 && a.value <= a.thresh) || a.whenFailed === 'now'),
      );
      const worst = failing[0];
      conditions.push({
        key: `smart:${id}:prefail`,
        signal: 'disk.smart.prefail',
        component,
        active: worst !== undefined,
        evidence: worst
          ? {
              ...base,
              attribute: worst.name,
              attributeId: worst.id,
              value: worst.value,
              worst: worst.worst,
              threshold: worst.thresh,
              raw: worst.raw,
              failingAttributes: failing.length,
            }
          : { ...base, failingAttributes: 0 },
        summary: worst
          ? `Disk ${disk.device} SMART attribute ${worst.name} at ${worst.value} (threshold ${worst.thresh})`
          : `Disk ${disk.device} SMART attributes within thresholds`,
      });
    }
    return { conditions };
  },
};
