import { describe, expect, it } from 'vitest';
import { classify, UNMATCHED_RULE_ID } from '../../../collector/classify/classify.js';
import { loadRules } from '../../../collector/classify/load-rules.js';
import type { Observation } from '../../../collector/classify/observation.js';
import type { Component, Evidence } from '../../../shared/messages/event.js';
import { SIGNAL_NAMES, SIGNALS } from '../../../shared/signals.js';

const rules = loadRules();

function observation(
  signal: string,
  evidence: Evidence = {},
  component: Partial<Component> = {},
  environment: Observation['environment'] = 'production',
): Observation {
  return {
    signal,
    component: { kind: 'blade', id: 'b1', location: null, ...component },
    evidence,
    summary: `${signal} seen`,
    siteId: 'nyc1',
    frameId: 'f1',
    bladeId: 'b07',
    environment,
  };
}

// Every default rule with an observation that should fire it and what it must yield.
const cases: {
  rule: string;
  signal: string;
  evidence?: Evidence;
  component?: Partial<Component>;
  domain: string;
  severity: number;
  replaceable: 'FRU' | 'CRU' | null;
  mentions?: string[];
}[] = [
  {
    rule: 'test-call',
    signal: 'test.call',
    domain: 'undetermined',
    severity: 4,
    replaceable: null,
  },
  {
    rule: 'frame-silent',
    signal: 'frame.silent',
    component: { kind: 'frame', id: 'f1' },
    domain: 'undetermined',
    severity: 1,
    replaceable: null,
    mentions: ['frame f1', 'site nyc1'],
  },
  {
    rule: 'panic-machine-check',
    signal: 'kernel.panic',
    evidence: { machineCheck: true },
    domain: 'hardware',
    severity: 1,
    replaceable: 'FRU',
    mentions: ['b07'],
  },
  {
    rule: 'frame-storm',
    signal: 'frame.storm',
    evidence: { blades: 6, window: '5m' },
    domain: 'undetermined',
    severity: 2,
    replaceable: null,
    mentions: ['6 blades', 'within 5m'],
  },
  {
    rule: 'blade-offline',
    signal: 'blade.offline',
    domain: 'undetermined',
    severity: 2,
    replaceable: null,
  },
  {
    rule: 'blade-silent',
    signal: 'blade.silent',
    domain: 'undetermined',
    severity: 2,
    replaceable: null,
  },
  {
    rule: 'kernel-panic',
    signal: 'kernel.panic',
    evidence: { machineCheck: false },
    domain: 'software',
    severity: 2,
    replaceable: null,
  },
  {
    rule: 'memory-uncorrectable',
    signal: 'memory.ecc.uncorrectable',
    component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: 'CPU0_DIMM_A1' },
    domain: 'hardware',
    severity: 2,
    replaceable: 'FRU',
    mentions: ['CPU0_DIMM_A1'],
  },
  {
    rule: 'machine-check',
    signal: 'cpu.machine_check',
    evidence: { count: 3, delta: 1 },
    domain: 'hardware',
    severity: 2,
    replaceable: 'FRU',
    mentions: ['3 in all', '1 new'],
  },
  {
    rule: 'pcie-fatal',
    signal: 'pcie.aer.fatal',
    evidence: { delta: 1 },
    domain: 'hardware',
    severity: 2,
    replaceable: 'FRU',
  },
  {
    rule: 'disk-failing',
    signal: 'disk.smart.failing',
    domain: 'hardware',
    severity: 2,
    replaceable: 'CRU',
  },
  { rule: 'fan-failed', signal: 'fan.failed', domain: 'hardware', severity: 2, replaceable: 'CRU' },
  {
    rule: 'power-supply-failed',
    signal: 'power.supply.failed',
    domain: 'hardware',
    severity: 2,
    replaceable: 'CRU',
  },
  {
    rule: 'thermal-critical',
    signal: 'thermal.critical',
    evidence: { celsius: 97, threshold: 95 },
    domain: 'hardware',
    severity: 2,
    replaceable: 'FRU',
    mentions: ['97 °C', '95 °C'],
  },
  {
    rule: 'filesystem-readonly',
    signal: 'filesystem.readonly',
    domain: 'software',
    severity: 2,
    replaceable: null,
  },
  {
    rule: 'memory-correctable-burst',
    signal: 'memory.ecc.correctable',
    evidence: { count: 120, previous: 100, delta: 20, ratePerHour: 20, threshold: 10 },
    domain: 'hardware',
    severity: 3,
    replaceable: 'FRU',
    mentions: ['20 an hour', 'threshold of 10'],
  },
  {
    rule: 'pcie-correctable-burst',
    signal: 'pcie.aer.correctable',
    evidence: { ratePerHour: 50, threshold: 12 },
    domain: 'hardware',
    severity: 3,
    replaceable: 'FRU',
  },
  {
    rule: 'pcie-nonfatal',
    signal: 'pcie.aer.nonfatal',
    domain: 'hardware',
    severity: 3,
    replaceable: 'FRU',
  },
  {
    rule: 'disk-prefail',
    signal: 'disk.smart.prefail',
    domain: 'hardware',
    severity: 3,
    replaceable: 'CRU',
  },
  {
    rule: 'thermal-warning',
    signal: 'thermal.warning',
    evidence: { celsius: 86, threshold: 85 },
    domain: 'hardware',
    severity: 3,
    replaceable: 'FRU',
    mentions: ['86 °C'],
  },
  {
    rule: 'oom-kill',
    signal: 'kernel.oom_kill',
    evidence: { delta: 2 },
    domain: 'software',
    severity: 3,
    replaceable: null,
  },
  {
    rule: 'service-failed',
    signal: 'service.failed',
    component: { kind: 'service', id: 'nginx.service' },
    domain: 'software',
    severity: 3,
    replaceable: null,
    mentions: ['nginx.service'],
  },
  {
    rule: 'kernel-oops',
    signal: 'kernel.oops',
    domain: 'software',
    severity: 3,
    replaceable: null,
  },
  {
    rule: 'memory-correctable',
    signal: 'memory.ecc.correctable',
    evidence: { count: 1, previous: 0, delta: 1, ratePerHour: 1, threshold: 10 },
    domain: 'hardware',
    severity: 4,
    replaceable: 'FRU',
  },
  {
    rule: 'pcie-correctable',
    signal: 'pcie.aer.correctable',
    evidence: { delta: 1, ratePerHour: 1, threshold: 12 },
    domain: 'hardware',
    severity: 4,
    replaceable: 'FRU',
  },
  {
    rule: 'filesystem-full',
    signal: 'filesystem.full',
    evidence: { usedPercent: 93 },
    component: { kind: 'filesystem', id: '/var' },
    domain: 'software',
    severity: 4,
    replaceable: null,
    mentions: ['/var', '93%'],
  },
  {
    rule: 'probe-failed',
    signal: 'agent.probe_failed',
    evidence: { probe: 'edac', error: 'EACCES' },
    domain: 'software',
    severity: 4,
    replaceable: null,
    mentions: ['edac', 'EACCES'],
  },
  {
    rule: 'customer-report',
    signal: 'customer.report',
    domain: 'undetermined',
    severity: 3,
    replaceable: null,
  },
  {
    rule: 'feature-request',
    signal: 'feature.request',
    domain: 'undetermined',
    severity: 5,
    replaceable: null,
  },
];

describe('default classification rules', () => {
  it.each(cases)('$rule: $signal → $domain, severity $severity', (c) => {
    const result = classify(observation(c.signal, c.evidence, c.component), rules);
    expect(result.ruleId).toBe(c.rule);
    expect(result.domain).toBe(c.domain);
    expect(result.severity).toBe(c.severity);
    expect(result.replaceable).toBe(c.replaceable);
    expect(result.because?.[0]).toBe(`signal is ${c.signal}`);
    expect(result.explanation).not.toMatch(/\{[a-z.]+\}/i);
    for (const text of c.mentions ?? []) expect(result.explanation).toContain(text);
  });

  it('has a case above for every default rule', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(rules.map((r) => r.id)));
  });

  it('classifies every signal of the taxonomy by a rule of its own', () => {
    for (const signal of SIGNAL_NAMES) {
      expect(classify(observation(signal), rules).ruleId, signal).not.toBe(UNMATCHED_RULE_ID);
    }
  });

  it('never yields severity 5 for a signal that a machine sends', () => {
    for (const signal of SIGNAL_NAMES.filter((s) => SIGNALS[s].origin !== 'api')) {
      expect(classify(observation(signal), rules).severity, signal).toBeLessThan(5);
    }
  });

  it('says why a burst rule fired, with the figures it compared', () => {
    const result = classify(
      observation('memory.ecc.correctable', { ratePerHour: 20, threshold: 10 }),
      rules,
    );
    expect(result.because).toEqual([
      'signal is memory.ecc.correctable',
      'ratePerHour (20) above threshold (10)',
    ]);
  });

  it('treats a rate equal to the threshold as no burst', () => {
    const result = classify(
      observation('memory.ecc.correctable', { ratePerHour: 10, threshold: 10 }),
      rules,
    );
    expect(result.ruleId).toBe('memory-correctable');
  });

  it('renders evidence the observation lacks as n/a', () => {
    const result = classify(observation('filesystem.full', {}), rules);
    expect(result.explanation).toContain('n/a% full');
  });
});

describe('bad and unknown observations', () => {
  it('classifies an unknown signal as undetermined instead of dropping it', () => {
    const result = classify(observation('psu.on_fire', { celsius: 400 }), rules);
    expect(result).toMatchObject({
      ruleId: UNMATCHED_RULE_ID,
      domain: 'undetermined',
      severity: 3,
      replaceable: null,
    });
    expect(result.explanation).toContain('psu.on_fire');
    expect(result.because).toEqual(['unknown signal psu.on_fire']);
  });

  it('does not let evidence of the wrong type satisfy a comparison', () => {
    for (const evidence of [
      { ratePerHour: '20', threshold: 10 },
      { ratePerHour: null, threshold: 10 },
      { ratePerHour: 20 },
      { ratePerHour: 20, threshold: 'ten' },
      { ratePerHour: true, threshold: 0 },
    ] as Evidence[]) {
      const result = classify(observation('memory.ecc.correctable', evidence), rules);
      expect(result.ruleId, JSON.stringify(evidence)).toBe('memory-correctable');
    }
  });

  it('falls back to a kernel-panic software call when machineCheck is not strictly true', () => {
    for (const evidence of [{}, { machineCheck: 'true' }, { machineCheck: 1 }] as Evidence[]) {
      expect(classify(observation('kernel.panic', evidence), rules).ruleId).toBe('kernel-panic');
    }
  });

  it('classifies a known signal no rule covers as undetermined', () => {
    const only = rules.filter((r) => r.id === 'fan-failed');
    const result = classify(observation('disk.smart.failing'), only);
    expect(result.ruleId).toBe(UNMATCHED_RULE_ID);
    expect(result.explanation).toContain('No classification rule matched disk.smart.failing');
  });

  it('survives evidence with prototype-like keys', () => {
    const evidence = JSON.parse('{"__proto__": 5, "constructor": 1}') as Evidence;
    expect(classify(observation('kernel.panic', evidence), rules).ruleId).toBe('kernel-panic');
  });
});
