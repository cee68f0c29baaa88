import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../collector/classify/classify.js';
import { loadRules, parseRules } from '../../../collector/classify/load-rules.js';
import type { Observation } from '../../../collector/classify/observation.js';
import { BladeframeError } from '../../../shared/errors.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BladeframeError);
    return (error as BladeframeError).details;
  }
  throw new Error('expected the rules to be refused');
}

const base: Observation = {
  signal: 'thermal.warning',
  component: { kind: 'sensor', id: 'cpu0', location: null },
  evidence: { celsius: 90 },
  summary: 'hot',
  siteId: 's',
  frameId: 'f',
  bladeId: 'b',
  environment: 'production',
};

describe('rules files', () => {
  it('loads an override file named in configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const file = join(dir, 'rules.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - id: hot-qa',
        '    signal: thermal.warning',
        '    environment: qa',
        '    domain: hardware',
        '    severity: 4',
        '    explanation: QA blade warm at {evidence.celsius}',
        '  - id: hot',
        '    signal: [thermal.warning, thermal.critical]',
        '    component: sensor',
        '    when:',
        '      - { evidence: celsius, atLeast: 90 }',
        '    domain: hardware',
        '    severity: 2',
        '    replaceable: FRU',
        '    explanation: "{component.id} at {evidence.celsius}"',
        '  - id: anything-else',
        "    signal: '*'",
        '    domain: undetermined',
        '    severity: 4',
        '    explanation: "{title}: {summary}"',
      ].join('\n'),
    );
    const rules = loadRules(file);
    expect(rules.map((r) => r.id)).toEqual(['hot-qa', 'hot', 'anything-else']);
    expect(classify({ ...base, environment: 'qa' }, rules)).toMatchObject({
      ruleId: 'hot-qa',
      severity: 4,
      explanation: 'QA blade warm at 90',
    });
    expect(classify(base, rules)).toMatchObject({
      ruleId: 'hot',
      severity: 2,
      explanation: 'cpu0 at 90',
      because: [
        'signal is thermal.warning',
        'component kind is sensor',
        'celsius (90) at least 90',
      ],
    });
    expect(classify({ ...base, evidence: { celsius: 80 } }, rules)).toMatchObject({
      ruleId: 'anything-else',
      domain: 'undetermined',
      severity: 4,
      explanation: 'Temperature above warning threshold: hot',
    });
    expect(classify({ ...base, signal: 'no.such' }, rules).ruleId).toBe('anything-else');
  });

  it('lists every problem of an invalid file as path: message', () => {
    const details = problems(() =>
      parseRules(
        [
          'rules:',
          '  - id: Bad Id',
          '    signal: disk.melting',
          '    domain: firmware',
          '    severity: 7',
          '    explanation: x',
          '  - id: dup',
          '    signal: fan.failed',
          '    when: [{ evidence: rpm, above: 1, below: 5 }]',
          '    domain: hardware',
          '    severity: 2',
          '    explanation: x',
          '  - id: dup',
          '    signal: fan.failed',
          '    domain: hardware',
          '    severity: 5',
          '    explanation: x',
        ].join('\n'),
      ),
    );
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rules\.0\.id: /),
        expect.stringMatching(/^rules\.0\.signal: .*not a known signal/),
        expect.stringMatching(/^rules\.0\.domain: /),
        expect.stringMatching(/^rules\.0\.severity: /),
        expect.stringMatching(/^rules\.1\.when\.0: give exactly one of/),
        expect.stringMatching(/^rules\.2\.severity: severity 5 .* placed by hand/),
      ]),
    );
  });

  it('reports duplicate ids and unknown placeholders', () => {
    const rule = (id: string, explanation: string) =>
      `  - { id: ${id}, signal: fan.failed, domain: hardware, severity: 2, explanation: "${explanation}" }`;
    expect(
      problems(() => parseRules(['rules:', rule('a', 'x'), rule('a', 'y')].join('\n'))),
    ).toEqual(['rules.1.id: duplicate rule id "a"']);
    expect(
      problems(() => parseRules(['rules:', rule('a', 'fan {fan} {evidence.rpm}')].join('\n'))),
    ).toEqual(['rules.0.explanation: unknown placeholder {fan}']);
  });

  it('refuses an empty or unreadable file clearly', () => {
    expect(problems(() => parseRules(''))).toEqual([
      'rules: Invalid input: expected array, received undefined',
    ]);
    expect(() => loadRules('/nonexistent/rules.yaml')).toThrow(/cannot be read/);
    expect(() => parseRules('rules: [')).toThrow(/not valid YAML/);
  });
});
