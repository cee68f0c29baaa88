import type { HealthMessage } from '../../shared/messages/index.js';
import { milliToCelsius, temperatureConditions } from './temperature.js';
import type { ConditionReading, Probe } from './types.js';

const THERMAL = 'class/thermal';

/**
 * ACPI/platform thermal zones: the temperature against the zone's trip points (the lowest
 * `passive` or `hot` trip warns, the `critical` trip is critical; `active` trips only start fans).
 */
export const thermalZonesProbe: Probe = {
  name: 'thermal-zones',
  defaultEnabled: true,
  read(ctx) {
    const conditions: ConditionReading[] = [];
    const temperatures: HealthMessage['temperatures'] = [];
    for (const zone of ctx.sys.list(THERMAL, /^thermal_zone\d+$/)) {
      const base = `${THERMAL}/${zone}`;
      if (ctx.sys.line(`${base}/mode`) === 'disabled') continue;
      const celsius = milliToCelsius(ctx.sys.int(`${base}/temp`));
      if (celsius === null) continue;
      const type = ctx.sys.line(`${base}/type`) || 'zone';
      let warnC: number | null = null;
      let critC: number | null = null;
      for (const trip of ctx.sys.list(base, /^trip_point_\d+_type$/)) {
        const kind = ctx.sys.line(`${base}/${trip}`);
        const temp = milliToCelsius(ctx.sys.int(`${base}/${trip.replace('_type', '_temp')}`));
        if (temp === null || temp <= 0) continue;
        if (kind === 'critical') critC = critC === null ? temp : Math.min(critC, temp);
        if (kind === 'passive' || kind === 'hot')
          warnC = warnC === null ? temp : Math.min(warnC, temp);
      }
      const sensor = `${zone}/${type}`;
      temperatures.push({ sensor, celsius, warnC, critC });
      conditions.push(
        ...temperatureConditions(
          {
            sensor,
            celsius,
            warnC,
            critC,
            component: { kind: 'sensor', id: sensor, location: type },
          },
          ctx.config.detect.thermal,
          'thermal',
        ),
      );
    }
    return { conditions, health: { temperatures } };
  },
};
