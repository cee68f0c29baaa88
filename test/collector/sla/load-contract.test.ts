import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadContract, parseContract } from '../../../collector/sla/load-contract.js';
import { termMonths } from '../../../shared/config/contract.js';
import { BladeframeError } from '../../../shared/errors.js';
import { HOUR, MINUTE, contractInput } from './fixtures.js';

// Tests write wrong values on purpose, past the input type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bf-contract-')), 'contract.yaml');
  writeFileSync(path, text);
  return path;
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BladeframeError);
    expect((error as BladeframeError).code).toBe('BF_CONFIG_INVALID');
    return (error as BladeframeError).details;
  }
  throw new Error('expected the contract to be refused');
}

describe('contract file', () => {
  it('loads the example contract with every figure as milliseconds', () => {
    const contract = loadContract();
    expect(contract.program).toBe('enterprise-ii');
    expect(termMonths(contract)).toBe(24);
    expect(contract.businessHours).toMatchObject({
      zone: 'America/New_York',
      open: '08:00',
      close: '20:00',
    });
    expect(contract.severities[1].onsiteResponse.businessHours).toBe(2 * HOUR);
    expect(contract.severities[1].calendar).toBe('continuous');
    expect(contract.severities[4]).toEqual({ response: 12 * HOUR, calendar: 'business' });
    expect(contract.replacementBlade).toBe(4 * HOUR);
    expect(contract.softwareResponse).toBe(HOUR);
    expect(contract.escalation[1]['ceo-coo']).toBe(24 * HOUR);
    expect(contract.detection.maxSkew).toBe(5 * MINUTE);
    expect(contract.sites).toHaveLength(2);
    expect(contract.sites[0]!.address.city).toBe('Weehawken');
  });

  it('fills the defaults the contract fixes', () => {
    const contract = parseContract(contractInput());
    expect(contract.businessHours.zone).toBe('America/New_York');
    expect(contract.replacementBlade).toBe(4 * HOUR);
    expect(contract.replacementSeverities).toEqual([1, 2]);
    expect(contract.softwareResponse).toBe(HOUR);
    expect(contract.softwareUpdates.until).toBe('closed');
    expect(contract.clocks).toEqual({
      warnFraction: 0.75,
      raisedTargetsFrom: 'raise',
      softwareKnownLater: 'diagnosis',
    });
    expect(contract.detection.maxSkew).toBe(5 * MINUTE);
  });

  it('names every bad field as path: message', () => {
    const input = contractInput() as Loose;
    input.program = 'enterprise-iii';
    input.severities[1].onsiteResponse.businessHours = 'two hours';
    input.severities[3].calendar = 'lunar';
    input.softwareUpdates.every = '0m';
    input.escalation[3]['ceo-coo'] = '1h';
    input.slr.thresholdPercent = 120;
    input.businessHours.zone = 'Mars/Olympus';
    input.businessHours.open = '8am';
    input.businessHours.extraClosures.push({ date: '2025-02-30', name: 'nope' });
    input.clocks = { warnFraction: 1.5 };
    input.sites[0].address = {};
    const lines = problems(() => parseContract(input));
    const paths = lines.map((l) => l.split(': ')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'program',
        'severities.1.onsiteResponse.businessHours',
        'severities.3.calendar',
        'softwareUpdates.every',
        'escalation.3',
        'slr.thresholdPercent',
        'businessHours.zone',
        'businessHours.open',
        'businessHours.extraClosures.1.date',
        'clocks.warnFraction',
        'sites.0.address.street',
      ]),
    );
    expect(lines.find((l) => l.startsWith('severities.1.onsiteResponse.businessHours'))).toMatch(
      /duration like 90m/,
    );
    expect(lines.find((l) => l.startsWith('escalation.3'))).toMatch(/ceo-coo/);
  });

  it('refuses a missing section', () => {
    const input = contractInput() as Loose;
    delete input.escalation;
    expect(problems(() => parseContract(input))).toEqual([expect.stringMatching(/^escalation: /)]);
  });

  it('refuses duplicate sites and closures, and an inverted business day', () => {
    const input = contractInput() as Loose;
    input.sites.push({ ...input.sites[0] });
    input.businessHours.extraClosures.push({ date: '2025-01-09', name: 'again' });
    input.businessHours.open = '20:00';
    input.businessHours.close = '08:00';
    const lines = problems(() => parseContract(input));
    expect(lines.some((l) => l.startsWith('businessHours.close: '))).toBe(true);
    input.businessHours.open = '08:00';
    input.businessHours.close = '20:00';
    const rest = problems(() => parseContract(input));
    expect(rest).toEqual([
      expect.stringMatching(/^sites\.1\.id: duplicate site id "nj1"/),
      expect.stringMatching(/^businessHours\.extraClosures\.1\.date: duplicate closure 2025-01-09/),
    ]);
  });

  it('reads a file and reports its problems with the file named', () => {
    const good = file(stringify(contractInput()));
    expect(loadContract(good).severities[5].response).toBe(36 * HOUR);
    const bad = file('program: enterprise-i\n');
    try {
      loadContract(bad);
      expect.unreachable();
    } catch (error) {
      expect((error as BladeframeError).message).toContain(bad);
      expect((error as BladeframeError).details).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^startsOn: /),
          expect.stringMatching(/^severities: /),
        ]),
      );
    }
    expect(() => loadContract(file('program: [\n'))).toThrow(/not valid YAML/);
    expect(() => loadContract('/nonexistent/contract.yaml')).toThrow(/cannot be read/);
  });
});
