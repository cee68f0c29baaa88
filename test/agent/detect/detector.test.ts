import { describe, expect, it } from 'vitest';
import { adoptState, emptyDetectState } from '../../../agent/detect/detect-state.js';
import { Detector } from '../../../agent/detect/detector.js';
import type { ProbeRun } from '../../../agent/probes/runner.js';
import type { ConditionReading, CounterReading, ProbeOutput } from '../../../agent/probes/types.js';
import { fixtureConfig } from '../support/fixtures.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-03-02T14:00:00Z');
const at = (ms: number) => new Date(t0 + ms);

function run(output: ProbeOutput, extra: Partial<ProbeRun> = {}): ProbeRun {
  return { name: 'edac', ok: true, threw: false, durationMs: 1, output, ...extra };
}

const ue = (value: number): CounterReading => ({
  key: 'edac:mc0/csrow1:ue',
  signal: 'memory.ecc.uncorrectable',
  component: { kind: 'dimm', id: 'mc0/csrow1', location: 'CPU0_DIMM_A2' },
  value,
  evidence: { mc: 'mc0', csrow: 'csrow1', label: 'CPU0_DIMM_A2' },
  summary: 'Uncorrectable ECC error on DIMM CPU0_DIMM_A2',
});

const ce = (value: number): CounterReading => ({
  ...ue(value),
  key: 'edac:mc0/csrow1/ch0:ce',
  signal: 'memory.ecc.correctable',
  bucket: 'memoryCorrectable',
});

const fan = (active: boolean): ConditionReading => ({
  key: 'hwmon:nct/FAN2:fan',
  signal: 'fan.failed',
  component: { kind: 'fan', id: 'nct/FAN2', location: 'FAN2' },
  active,
  evidence: { rpm: active ? 0 : 4000 },
  summary: 'Fan nct/FAN2',
});

function detector(config = fixtureConfig()) {
  return new Detector(config, emptyDetectState('boot-1'));
}

describe('detector: counters', () => {
  it('reports each increase once, with count, previous and delta', () => {
    const d = detector();
    expect(d.observe([run({ counters: [ue(0)] })], at(0))).toEqual([]);
    const [first, ...rest] = d.observe([run({ counters: [ue(2)] })], at(15_000));
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      signal: 'memory.ecc.uncorrectable',
      status: 'active',
      evidence: { count: 2, previous: 0, delta: 2, label: 'CPU0_DIMM_A2' },
    });
    expect(d.observe([run({ counters: [ue(2)] })], at(30_000))).toEqual([]);
    expect(d.observe([run({ counters: [ue(3)] })], at(45_000))[0]?.evidence).toMatchObject({
      count: 3,
      previous: 2,
      delta: 1,
    });
  });

  it('measures a counter first seen in a boot from zero, and a reset counter from zero', () => {
    const d = detector();
    expect(d.observe([run({ counters: [ue(4)] })], at(0))[0]?.evidence).toMatchObject({
      previous: 0,
      delta: 4,
    });
    expect(d.observe([run({ counters: [ue(1)] })], at(1000))[0]?.evidence).toMatchObject({
      count: 1,
      previous: 0,
      delta: 1,
    });
  });

  it('alerts on a correctable burst above the rate, once, and clears when the bucket drains', () => {
    // 10 per 24 h: drains 10/24 ≈ 0.42 per hour.
    const d = detector();
    expect(d.observe([run({ counters: [ce(0)] })], at(0))).toEqual([]);
    expect(d.observe([run({ counters: [ce(6)] })], at(HOUR))).toEqual([]);
    const burst = d.observe([run({ counters: [ce(12)] })], at(2 * HOUR));
    expect(burst).toHaveLength(1);
    expect(burst[0]).toMatchObject({
      signal: 'memory.ecc.correctable',
      status: 'active',
      evidence: { count: 12, previous: 6, delta: 6, threshold: 10, windowS: 86_400 },
    });
    expect(burst[0]!.evidence.ratePerHour).toBeCloseTo(0.48, 2);
    // More errors while active are not news.
    expect(d.observe([run({ counters: [ce(14)] })], at(3 * HOUR))).toEqual([]);
    // 13.x errors in the bucket drain in about 32 hours.
    expect(d.observe([run({ counters: [ce(14)] })], at(20 * HOUR))).toEqual([]);
    const cleared = d.observe([run({ counters: [ce(14)] })], at(40 * HOUR));
    expect(cleared).toMatchObject([
      { status: 'cleared', evidence: { count: 14, delta: 0, ratePerHour: 0 } },
    ]);
  });

  it('never alerts on a steady trickle below the rate', () => {
    const d = detector();
    let out = 0;
    for (let h = 0; h <= 24 * 7; h++) {
      out += d.observe([run({ counters: [ce(Math.floor(h / 4))] })], at(h * HOUR)).length;
    }
    expect(out).toBe(0);
  });
});

describe('detector: conditions', () => {
  it('reports a condition when it starts and when it ends, not in between', () => {
    const d = detector();
    expect(d.observe([run({ conditions: [fan(false)] })], at(0))).toEqual([]);
    expect(d.observe([run({ conditions: [fan(true)] })], at(1))).toMatchObject([
      { signal: 'fan.failed', status: 'active', evidence: { rpm: 0 } },
    ]);
    expect(d.observe([run({ conditions: [fan(true)] })], at(2))).toEqual([]);
    expect(d.observe([run({ conditions: [fan(false)] })], at(3))).toMatchObject([
      { signal: 'fan.failed', status: 'cleared', evidence: { rpm: 4000 } },
    ]);
  });

  it('holds an active condition while its hysteresis holds', () => {
    const d = detector();
    d.observe([run({ conditions: [{ ...fan(true), holdWhile: true }] })], at(0));
    expect(d.observe([run({ conditions: [{ ...fan(false), holdWhile: true }] })], at(1))).toEqual(
      [],
    );
    expect(
      d.observe([run({ conditions: [{ ...fan(false), holdWhile: false }] })], at(2)),
    ).toHaveLength(1);
  });

  it('clears a condition that vanished from a clean read, but not after a failed one', () => {
    const d = detector();
    d.observe([run({ conditions: [fan(true)] })], at(0));
    expect(d.observe([run({}, { ok: false, threw: true, error: 'boom' })], at(1))).toMatchObject([
      {
        signal: 'agent.probe_failed',
        status: 'active',
        evidence: { probe: 'edac', error: 'boom' },
      },
    ]);
    const later = d.observe([run({})], at(2));
    expect(later.map((o) => [o.signal, o.status])).toEqual([
      ['agent.probe_failed', 'cleared'],
      ['fan.failed', 'cleared'],
    ]);
  });
});

describe('detector: records and state', () => {
  it('reports a crash record once', () => {
    const d = detector();
    const record = {
      id: 'pstore:dmesg-erst-1',
      signal: 'kernel.panic' as const,
      component: { kind: 'kernel' as const, id: 'panic', location: null },
      evidence: { source: 'pstore' },
      summary: 'Kernel panic',
    };
    expect(d.observe([run({ records: [record] })], at(0))).toHaveLength(1);
    expect(d.observe([run({ records: [record] })], at(1))).toEqual([]);
  });

  it('keeps conditions and records across a reboot but restarts counters', () => {
    const state = emptyDetectState('boot-1');
    const d = new Detector(fixtureConfig(), state);
    d.observe([run({ counters: [ue(3)], conditions: [fan(true)] })], at(0));
    const after = adoptState(JSON.parse(JSON.stringify(state)), 'boot-2');
    expect(after.counters).toEqual({});
    expect(Object.keys(after.conditions)).toEqual(['hwmon:nt/FAN2:fan'.replace('nt', 'nct')]);
    expect(adoptState({ nonsense: true }, 'boot-2')).toEqual(emptyDetectState('boot-2'));
    expect(adoptState(JSON.parse(JSON.stringify(state)), 'boot-1').counters).toHaveProperty(
      'edac:mc0/csrow1:ue',
    );
  });
});
