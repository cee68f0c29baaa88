import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliOutput } from '../../../collector/cli/cli-output.js';
import { registerReportCommand } from '../../../collector/cli/report-command.js';
import { openStore } from '../../../collector/store/open-store.js';
import { TicketService } from '../../../collector/tickets/ticket-service.js';
import { ManualClock } from '../../../shared/clock.js';
import { projectRoot } from '../../../shared/paths.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';
import { contract, customer, engineer } from '../../support/tickets.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * The `report` commands over the store `run` would use, named by a configuration file. The
 * environment given to the command is empty, so DATABASE_URL of the machine running the tests
 * does not point the SQLite case elsewhere.
 */
describe.each(collectorStoreTargets)('report commands on $name', (target) => {
  let location: TestDataLocation;
  afterEach(async () => location?.drop());

  /** February 2026 at nj1: one call answered in time, one an hour late (as in the API tests). */
  async function february(): Promise<string> {
    location = await target.create();
    const store = await openStore({ dataDir: location.dataDir, databaseUrl: location.databaseUrl });
    try {
      const clock = new ManualClock('2026-02-02T14:00:00Z');
      const tickets = new TicketService({ db: store.db, clock, contract });
      const a = await tickets.openByCustomer(customer, {
        siteId: 'nj1',
        severity: 3,
        summary: 'Blade b04 reboots under load',
        contact: 'Dana Whitfield',
      });
      clock.set('2026-02-02T15:00:00Z');
      await tickets.respond(a.id, engineer);
      clock.set('2026-02-03T14:00:00Z');
      const b = await tickets.openByCustomer(customer, {
        siteId: 'nj1',
        severity: 3,
        summary: 'Frame f2 management network flaps',
      });
      clock.set('2026-02-03T19:00:00Z');
      await tickets.respond(b.id, engineer);
    } finally {
      await store.close();
    }
    const config = join(location.dataDir, 'collector.yaml');
    writeFileSync(
      config,
      `store:\n  dataDir: ${location.dataDir}\n${location.databaseUrl ? `  databaseUrl: '${location.databaseUrl}'\n` : ''}`,
    );
    return config;
  }

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
    registerReportCommand(program, io, {});
    try {
      await program.parseAsync(args, { from: 'user' });
      return { out, err, code: 0 };
    } catch (error) {
      if (error instanceof Exit) return { out, err, code: error.code };
      throw error;
    }
  }

  it('prints the monthly report in each format', async () => {
    const config = await february();
    const asOf = ['--as-of', '2026-03-02T08:00-05:00', '--config', config];
    const md = await run('report', 'monthly', '--month', '2026-02', ...asOf);
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^# Monthly service report, 2026-02\n/);
    expect(md.out).toContain(
      '| nj1 Weehawken primary data center | 2 | 1 | 1 | 0 | 50.00 % | below | +1 month(s): term to 2028-01-31 |',
    );
    const json = JSON.parse(
      (await run('report', 'monthly', '--month', '2026-02', '--format', 'json', ...asOf)).out,
    );
    expect(json).toMatchObject({ kind: 'monthly', month: '2026-02', final: true });
    expect(json.calls.map((c: { contact: string }) => c.contact)).toEqual([
      'Dana Whitfield',
      'cust-dana',
    ]);
    const csv = await run(
      'report',
      'monthly',
      '--month',
      '2026-02',
      '--site',
      'ny2',
      '--format',
      'csv',
      ...asOf,
    );
    expect(csv.out).toContain(
      'ny2,Lower Manhattan secondary data center,2026-02,0,0,0,0,,95,false,true,0,2028-01-31',
    );
    const file = join(location.dataDir, 'february.html');
    const html = await run(
      'report',
      'monthly',
      '--month',
      '2026-02',
      '--format',
      'html',
      '--out',
      file,
      ...asOf,
    );
    expect([html.code, html.out, html.err]).toEqual([0, '', `wrote ${file}\n`]);
    expect(readFileSync(file, 'utf8')).toContain('<svg class="slr-chart"');
  });

  it('prints the daily report, the requirements review and the SLR table', async () => {
    const config = await february();
    const daily = await run(
      'report',
      'daily',
      '--date',
      '2026-02-03',
      '--as-of',
      '2026-02-04T07:00-05:00',
      '--config',
      config,
    );
    expect(daily.out).toContain('## Outstanding calls (2)');
    expect(daily.out).toContain('## Spare parts below one full set (0)');
    const review = await run(
      'report',
      'requirements',
      '--week',
      '2026-W06',
      '--format',
      'json',
      '--as-of',
      '2026-02-09T09:00-05:00',
      '--config',
      config,
    );
    expect(JSON.parse(review.out)).toMatchObject({
      kind: 'requirements',
      week: '2026-W06',
      matrix: [],
    });
    const slr = await run(
      'report',
      'slr',
      '--month',
      '2026-02',
      '--as-of',
      '2026-03-02T08:00-05:00',
      '--config',
      config,
    );
    expect(slr.out).toMatch(
      /^site\s+calls\s+met\s+missed\s+pending\s+response time\s+result\s+credit\n/,
    );
    expect(slr.out).toMatch(
      /nj1\s+2\s+1\s+1\s+0\s+50\.00 %\s+below 95 %\s+\+1 month, to 2028-01-31/,
    );
    expect(slr.out).toContain(
      'Term: 2026-01-01 to 2028-01-31 (originally 2027-12-31; 1 month(s) of credit: 2026-02)',
    );
  });

  it('refuses bad arguments with status 2 and a clear message', async () => {
    const config = await february();
    const month = await run('report', 'monthly', '--month', '2026-13', '--config', config);
    expect([month.code, month.err]).toEqual([
      2,
      expect.stringContaining('month: "2026-13" is not a month YYYY-MM'),
    ]);
    const format = await run(
      'report',
      'daily',
      '--date',
      '2026-02-03',
      '--format',
      'pdf',
      '--config',
      config,
    );
    expect(format.code).toBe(2);
    expect(format.err).toContain('--format: "pdf" is not json, csv, md, html');
    const site = await run(
      'report',
      'monthly',
      '--month',
      '2026-02',
      '--site',
      'zz9',
      '--config',
      config,
    );
    expect([site.code, site.err]).toEqual([2, expect.stringContaining('unknown site zz9')]);
    const asOf = await run('report', 'slr', '--as-of', 'yesterday', '--config', config);
    expect(asOf.err).toContain('--as-of: "yesterday" is not an ISO 8601 time');
  });
});

describe('the installed command', () => {
  it('runs `bladeframe-collector report` against DATA_DIR', async () => {
    const location = await collectorStoreTargets[0]!.create();
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(projectRoot(), 'bin/bladeframe-collector.js'),
          'report',
          'slr',
          '--month',
          '2026-02',
          '--json',
          '--as-of',
          '2026-03-02T12:00Z',
        ],
        { env: { PATH: process.env.PATH, DATA_DIR: location.dataDir }, timeout: 60_000 },
      );
      const body = JSON.parse(stdout);
      expect(body.sites.map((s: { siteId: string }) => s.siteId)).toEqual(['nj1', 'ny2']);
      expect(body.term.endsOn).toBe('2027-12-31');
    } finally {
      await location.drop();
    }
  });
});
