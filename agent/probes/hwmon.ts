import type { HealthMessage } from '../../shared/messages/index.js';
import { milliToCelsius, temperatureConditions } from './temperature.js';
import type { ConditionReading, Probe, ProbeContext } from './types.js';

const HWMON = 'class/hwmon';

/**
 * hwmon chips: temperatures (against the chip's own max/crit limits and alarms), fans (alarm,
 * fault, or below their minimum speed) and power-supply alarms (any power alarm; voltage and
 * current alarms too on chips named like a PSU, see `detect.psuChips`).
 */
export const hwmonProbe: Probe = {
  name: 'hwmon',
  defaultEnabled: true,
  read(ctx) {
    const conditions: ConditionReading[] = [];
    const temperatures: HealthMessage['temperatures'] = [];
    const fans: HealthMessage['fans'] = [];
    const psuPattern = new RegExp(ctx.config.detect.psuChips, 'i');
    for (const chip of chips(ctx)) {
      readTemperatures(ctx, chip, conditions, temperatures);
      readFans(ctx, chip, conditions, fans);
      readPower(ctx, chip, psuPattern, conditions);
    }
    return { conditions, health: { temperatures, fans } };
  },
};

interface Chip {
  /** Directory holding the attributes (the chip, or its `device/` on old drivers). */
  dir: string;
  /** Display name: the chip's `name`, numbered when several chips share it. */
  name: string;
  files: string[];
}

function chips(ctx: ProbeContext): Chip[] {
  const found: { dir: string; name: string; files: string[] }[] = [];
  for (const hwmon of ctx.sys.list(HWMON, /^hwmon\d+$/)) {
    let dir = `${HWMON}/${hwmon}`;
    let files = ctx.sys.list(dir);
    if (!files.some((f) => f.endsWith('_input'))) {
      dir = `${dir}/device`;
      files = ctx.sys.list(dir);
    }
    const name = ctx.sys.line(`${HWMON}/${hwmon}/name`) || ctx.sys.line(`${dir}/name`) || hwmon;
    found.push({ dir, name, files });
  }
  const total = new Map<string, number>();
  for (const chip of found) total.set(chip.name, (total.get(chip.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return found.map((chip) => {
    if ((total.get(chip.name) ?? 0) < 2) return chip;
    const n = seen.get(chip.name) ?? 0;
    seen.set(chip.name, n + 1);
    return { ...chip, name: `${chip.name}.${n}` };
  });
}

function indices(files: string[], pattern: RegExp): string[] {
  return files.flatMap((f) => pattern.exec(f)?.[1] ?? []);
}

function flag(ctx: ProbeContext, chip: Chip, file: string): boolean | undefined {
  if (!chip.files.includes(file)) return undefined;
  const value = ctx.sys.int(`${chip.dir}/${file}`);
  return value === null ? undefined : value !== 0;
}

function readTemperatures(
  ctx: ProbeContext,
  chip: Chip,
  conditions: ConditionReading[],
  temperatures: HealthMessage['temperatures'],
): void {
  for (const n of indices(chip.files, /^temp(\d+)_input$/)) {
    const celsius = milliToCelsius(ctx.sys.int(`${chip.dir}/temp${n}_input`));
    if (celsius === null) continue;
    const label = ctx.sys.line(`${chip.dir}/temp${n}_label`) || null;
    const sensor = `${chip.name}/${label ?? `temp${n}`}`;
    const warnC = chip.files.includes(`temp${n}_max`)
      ? milliToCelsius(ctx.sys.int(`${chip.dir}/temp${n}_max`))
      : null;
    const critC = chip.files.includes(`temp${n}_crit`)
      ? milliToCelsius(ctx.sys.int(`${chip.dir}/temp${n}_crit`))
      : null;
    temperatures.push({ sensor, celsius, warnC, critC });
    conditions.push(
      ...temperatureConditions(
        {
          sensor,
          celsius,
          warnC,
          critC,
          warnAlarm: flag(ctx, chip, `temp${n}_max_alarm`) ?? flag(ctx, chip, `temp${n}_alarm`),
          critAlarm: flag(ctx, chip, `temp${n}_crit_alarm`),
          component: { kind: 'sensor', id: sensor, location: label },
        },
        ctx.config.detect.thermal,
        'hwmon',
      ),
    );
  }
}

function readFans(
  ctx: ProbeContext,
  chip: Chip,
  conditions: ConditionReading[],
  fans: HealthMessage['fans'],
): void {
  for (const n of indices(chip.files, /^fan(\d+)_input$/)) {
    const rpm = ctx.sys.int(`${chip.dir}/fan${n}_input`);
    const label = ctx.sys.line(`${chip.dir}/fan${n}_label`) || null;
    const sensor = `${chip.name}/${label ?? `fan${n}`}`;
    const min = chip.files.includes(`fan${n}_min`) ? ctx.sys.int(`${chip.dir}/fan${n}_min`) : null;
    const alarm = flag(ctx, chip, `fan${n}_alarm`) ?? false;
    const fault = flag(ctx, chip, `fan${n}_fault`) ?? false;
    const slow = min !== null && min > 0 && rpm !== null && rpm < min;
    const failed = alarm || fault || slow;
    fans.push({ sensor, rpm, alarm: failed });
    conditions.push({
      key: `hwmon:${sensor}:fan`,
      signal: 'fan.failed',
      component: { kind: 'fan', id: sensor, location: label },
      active: failed,
      evidence: { sensor, rpm, min, alarm, fault },
      summary: failed
        ? `Fan ${sensor} ${fault ? 'reports a fault' : slow ? `at ${rpm} rpm, below its minimum ${min}` : 'alarm'}`
        : `Fan ${sensor} at ${rpm ?? '?'} rpm`,
    });
  }
}

const POWER_ALARM = /^power\d+_(?:\w+_)?alarm$/;
const PSU_ALARM = /^(?:in|curr|power|fan|temp)\d+_(?:\w+_)?alarm$/;

function readPower(
  ctx: ProbeContext,
  chip: Chip,
  psuPattern: RegExp,
  conditions: ConditionReading[],
): void {
  const isPsu = psuPattern.test(chip.name);
  const alarmFiles = chip.files.filter((f) => (isPsu ? PSU_ALARM : POWER_ALARM).test(f));
  if (alarmFiles.length === 0) return;
  const raised = alarmFiles.filter((f) => flag(ctx, chip, f) === true);
  const watts = chip.files.includes('power1_input')
    ? ctx.sys.int(`${chip.dir}/power1_input`)
    : null;
  conditions.push({
    key: `hwmon:${chip.name}:psu`,
    signal: 'power.supply.failed',
    component: { kind: 'psu', id: chip.name, location: null },
    active: raised.length > 0,
    evidence: {
      sensor: chip.name,
      alarms: raised.join(' ') || null,
      watts: watts === null ? null : Math.round(watts / 1000) / 1000,
    },
    summary:
      raised.length > 0
        ? `Power supply ${chip.name} alarm: ${raised.join(', ')}`
        : `Power supply ${chip.name} normal`,
  });
}
