import type { AgentConfig } from '../../shared/config/agent-config.js';
import type { Component } from '../../shared/messages/index.js';
import type { ConditionReading } from './types.js';

export interface TemperatureSample {
  /** Stable key suffix and display name, e.g. `coretemp/Package id 0`. */
  sensor: string;
  celsius: number;
  warnC: number | null;
  critC: number | null;
  /** Alarm flags raised by the chip itself (`temp1_max_alarm`...), when it has them. */
  warnAlarm?: boolean;
  critAlarm?: boolean;
  component: Component;
}

/**
 * Warning and critical conditions of one temperature sensor. The sensor's own limits win; the
 * configured ones fill in for sensors without limits. A condition clears only once the
 * temperature is `hysteresisC` below its threshold, so a sensor hovering at the limit does not
 * flap.
 */
export function temperatureConditions(
  sample: TemperatureSample,
  thermal: AgentConfig['detect']['thermal'],
  keyPrefix: string,
): ConditionReading[] {
  const out: ConditionReading[] = [];
  const levels = [
    {
      signal: 'thermal.warning' as const,
      threshold: sample.warnC ?? thermal.warnC ?? null,
      alarm: sample.warnAlarm,
      word: 'above its warning threshold',
    },
    {
      signal: 'thermal.critical' as const,
      threshold: sample.critC ?? thermal.critC ?? null,
      alarm: sample.critAlarm,
      word: 'above its critical threshold',
    },
  ];
  for (const level of levels) {
    if (level.threshold === null && level.alarm === undefined) continue;
    const over = level.threshold !== null && sample.celsius >= level.threshold;
    out.push({
      key: `${keyPrefix}:${sample.sensor}:${level.signal}`,
      signal: level.signal,
      component: sample.component,
      active: over || level.alarm === true,
      holdWhile: level.threshold !== null && sample.celsius > level.threshold - thermal.hysteresisC,
      evidence: {
        celsius: sample.celsius,
        threshold: level.threshold,
        sensor: sample.sensor,
        ...(level.alarm !== undefined ? { alarm: level.alarm } : {}),
      },
      summary: `${sample.sensor} at ${sample.celsius} °C, ${level.word}${
        level.threshold !== null ? ` (${level.threshold} °C)` : ''
      }`,
    });
  }
  return out;
}

/** Millidegrees as sysfs gives them, to degrees with one decimal. */
export function milliToCelsius(value: number | null): number | null {
  return value === null ? null : Math.round(value / 100) / 10;
}
