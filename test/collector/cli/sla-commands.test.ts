import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliOutput } from '../../../collector/cli/cli-output.js';
import { registerSlaCommands } from '../../../collector/cli/sla-commands.js';
import { projectFile } from '../../../shared/paths.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs the collector CLI in-process, capturing what it prints and its exit status. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const io: CliOutput = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  const program = new Command('bladeframe-collector').exitOverride();
  registerSlaCommands(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, code: 0 };
  } catch (error) {
    if (error instanceof Exit) return { out, err, code: error.code };
    throw error;
  }
}

describe('calendar command', () => {
  it('prints a year’s closures as JSON', async () => {
    const { out, code } = await run('calendar', '--year', '2027', '--json');
    expect(code).toBe(0);
    const closures = JSON.parse(out) as { date: string; name: string }[];
    expect(closures).toHaveLength(10);
    expect(closures[9]).toEqual({ date: '2027-12-24', name: 'Christmas Day (observed)' });
  });

  it('includes the contract’s extra closures', async () => {
    const { out } = await run('calendar', '--year', '2025', '--json');
    expect(JSON.parse(out)).toContainEqual({
      date: '2025-01-09',
      name: 'National Day of Mourning for President Jimmy Carter',
    });
  });

  it('prints a readable table', async () => {
    const { out } = await run('calendar', '--year', '2026');
    expect(out).toContain('08:00-20:00 America/New_York');
    expect(out).toMatch(/2026-07-03\s+Fri\s+Independence Day \(observed\)/);
  });

  it('refuses a bad year with exit status 2', async () => {
    const { err, code } = await run('calendar', '--year', 'twenty');
    expect(code).toBe(2);
    expect(err).toMatch(/--year must be a four-digit year/);
    expect((await run('calendar')).code).toBe(2);
  });
});

describe('due command', () => {
  it('prints the clocks of a new ticket as JSON', async () => {
    // Friday 19:30 EST: a severity 1 fault inside business hours.
    const { out, code } = await run(
      'due',
      '--severity',
      '1',
      '--detected',
      '2026-03-06T19:30:00-05:00',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.detectedInBusinessHours).toBe(true);
    expect(result.clocks).toEqual([
      {
        kind: 'onsite-response',
        startedAt: '2026-03-07T00:30:00.000Z',
        dueAt: '2026-03-07T02:30:00.000Z',
        calendar: 'continuous',
        warnAt: '2026-03-07T02:00:00.000Z',
      },
    ]);
    expect(result.later.map((l: { kind: string }) => l.kind)).toContain('diagnosis');
    expect(result.escalations[0]).toMatchObject({ role: 'customer-engineer', after: '1h' });
  });

  it('reads a time without an offset in the business zone, and serves QA at severity 3', async () => {
    const { out } = await run(
      'due',
      '--severity',
      '2',
      '--detected',
      '2026-03-06T19:30',
      '--environment',
      'qa',
      '--domain',
      'software',
      '--json',
    );
    const result = JSON.parse(out);
    expect(result.serviceSeverity).toBe(3);
    expect(result.clocks.map((c: { kind: string }) => c.kind)).toEqual([
      'response',
      'software-updates',
    ]);
    // 4 business hours from Fri 19:30 EST: 30m Friday, 3h30 Monday → Mon 11:30 EDT.
    expect(result.clocks[0]).toMatchObject({
      startedAt: '2026-03-07T00:30:00.000Z',
      dueAt: '2026-03-09T15:30:00.000Z',
    });
  });

  it('prints a readable table in the business zone', async () => {
    const { out } = await run(
      'due',
      '--severity',
      '4',
      '--detected',
      '2026-03-06T19:30',
      '--domain',
      'software',
    );
    expect(out).toMatch(
      /response\s+business\s+Fri 2026-03-06 19:30 EST\s+Mon 2026-03-09 16:30 EDT\s+Mon 2026-03-09 19:30 EDT/,
    );
    expect(out).toContain('software-response');
    expect(out).toMatch(/customer-engineer\s+24h business/);
  });

  it('uses another contract file and reports its problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-due-'));
    const bad = join(dir, 'contract.yaml');
    writeFileSync(bad, 'program: enterprise-i\nstartsOn: 2026-13-01\n');
    const { err, code } = await run(
      'due',
      '--severity',
      '1',
      '--detected',
      '2026-03-06T19:30',
      '--contract',
      bad,
    );
    expect(code).toBe(2);
    expect(err).toContain('the configuration is invalid');
    expect(err).toMatch(/startsOn: /);
  });

  it('refuses bad arguments with a clear message and exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--severity', '6', '--detected', '2026-03-06T19:30'], /--severity must be 1, 2, 3, 4 or 5/],
      [['--severity', '1', '--detected', 'yesterday'], /--detected must be an ISO 8601 time/],
      [
        ['--severity', '1', '--detected', '2026-03-06T19:30', '--environment', 'lab'],
        /--environment must be production or qa/,
      ],
      [
        ['--severity', '1', '--detected', '2026-03-06T19:30', '--domain', 'network'],
        /--domain must be hardware, software/,
      ],
      [['--detected', '2026-03-06T19:30'], /required option '--severity <N>'/],
      [
        ['--severity', '1', '--detected', '2026-03-06T19:30', '--frobnicate'],
        /unknown option '--frobnicate'/,
      ],
    ];
    for (const [args, message] of cases) {
      const { err, code } = await run('due', ...args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(message);
    }
  });
});

describe('the installed command', () => {
  const exec = promisify(execFile);
  const bin = projectFile('bin/bladeframe-collector.js');

  it('prints the calendar as JSON and exits 2 on bad arguments', async () => {
    const { stdout } = await exec(process.execPath, [bin, 'calendar', '--year', '2028', '--json']);
    expect((JSON.parse(stdout) as { date: string }[])[0]!.date).toBe('2028-01-17');
    const failed = await exec(process.execPath, [
      bin,
      'due',
      '--severity',
      '9',
      '--detected',
      'x',
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/--severity must be/);
  });
});
