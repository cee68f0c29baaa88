import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { loadCollectorConfig, type CollectorConfig } from '../../shared/config/collector-config.js';
import type { Contract } from '../../shared/config/contract.js';
import type { Clock } from '../../shared/clock.js';
import { systemClock } from '../../shared/clock.js';
import { BladeframeError } from '../../shared/errors.js';
import { parseFormat, renderReport, type AnyReport } from '../reports/render/render-report.js';
import { percent } from '../reports/render/words.js';
import { ReportService } from '../reports/report-service.js';
import { loadContract } from '../sla/load-contract.js';
import { SparesService } from '../spares/spares-service.js';
import { openStore, type Store } from '../store/open-store.js';
import { fail, processOutput, table, withOutput, type CliOutput } from './cli-output.js';

interface CommonOptions {
  config?: string;
  format?: string;
  out?: string;
  asOf?: string;
}

/** A clock fixed at `--as-of` (the report as it stood then), else the system clock. */
function clockAt(asOf: string | undefined): Clock {
  if (asOf === undefined) return systemClock;
  const at = DateTime.fromISO(asOf, { setZone: true });
  if (!at.isValid) {
    throw new BladeframeError('BF_BAD_REQUEST', '--as-of must be an ISO time', [
      `--as-of: "${asOf}" is not an ISO 8601 time such as 2026-04-06T08:00-04:00`,
    ]);
  }
  const fixed = at.toJSDate();
  return { now: () => new Date(fixed), setTimeout: systemClock.setTimeout };
}

/**
 * Opens the store and contract the collector's `run` would (the same `--config` file and
 * environment: DATABASE_URL, DATA_DIR, CONTRACT_FILE ...), runs `fn`, and closes the store.
 */
async function withReports<T>(
  options: CommonOptions,
  env: NodeJS.ProcessEnv,
  fn: (reports: ReportService, contract: Contract) => Promise<T>,
): Promise<T> {
  const config: CollectorConfig = loadCollectorConfig(options.config, env);
  const contract = loadContract(config.contractFile);
  const clock = clockAt(options.asOf);
  const store: Store = await openStore({
    databaseUrl: config.store.databaseUrl,
    dataDir: config.store.dataDir,
    sqliteSync: config.store.sqliteSync,
    // A short-lived command: gone before a checkpoint thread would have anything to do.
    sqliteCheckpoint: 'inline',
  });
  try {
    const spares = new SparesService({ db: store.db, contract, clock });
    return await fn(new ReportService({ db: store.db, contract, clock, spares }), contract);
  } finally {
    await store.close();
  }
}

function emit(io: CliOutput, report: AnyReport, options: CommonOptions): void {
  const rendered = renderReport(report, parseFormat(options.format, '--format'));
  if (options.out) {
    writeFileSync(options.out, rendered.body);
    io.err(`wrote ${options.out}\n`);
  } else {
    io.out(rendered.body);
  }
}

function common(command: Command): Command {
  return command
    .option('--format <format>', 'json, csv, md or html (a printable page)', 'md')
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--as-of <iso-time>', 'the report as it stood at that moment (default: now)')
    .option(
      '--config <file>',
      'collector configuration (as for `run`; the environment overrides it)',
    );
}

/**
 * `report daily|monthly|requirements|slr`: the contract's reports from the collector's store,
 * computed from the ticket logs as the API computes them.
 */
export function registerReportCommand(
  program: Command,
  io: CliOutput = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const report = program
    .command('report')
    .description('Contract reports from the store: daily, monthly, requirements, slr')
    .addHelpText(
      'after',
      '\nThe store and contract are those of `run`: --config FILE, DATABASE_URL or DATA_DIR, CONTRACT_FILE.',
    );
  withOutput(report, io);

  const run =
    (action: (options: CommonOptions & Record<string, string>) => Promise<void>) =>
    async (options: CommonOptions & Record<string, string>) => {
      try {
        await action(options);
      } catch (error) {
        fail(io, error);
      }
    };

  withOutput(
    common(
      report
        .command('daily')
        .description(
          'The daily report: calls not closed with their clocks, calls closed that day, spare shortfalls',
        )
        .option('--date <YYYY-MM-DD>', 'the day (default: yesterday, in the contract zone)'),
    ).action(
      run(async (options) => {
        await withReports(options, env, async (reports) => {
          const date =
            options.date ??
            DateTime.fromISO(reports.today(), { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
          emit(io, await reports.daily(date), options);
        });
      }),
    ),
    io,
  );

  withOutput(
    common(
      report
        .command('monthly')
        .description(
          'The monthly report: every call, the calls that missed their SLR, the SLR per site and credits',
        )
        .option('--month <YYYY-MM>', 'the month (default: the previous one)')
        .option('--site <id>', 'one site only'),
    ).action(
      run(async (options) => {
        await withReports(options, env, async (reports) => {
          emit(
            io,
            await reports.monthly(options.month ?? reports.previousMonth(), options.site),
            options,
          );
        });
      }),
    ),
    io,
  );

  withOutput(
    common(
      report
        .command('requirements')
        .description(
          'The product requirements matrix (severity 5 requests) and the week’s review list',
        )
        .option('--week <YYYY-Www>', 'the ISO week (default: the previous one)'),
    ).action(
      run(async (options) => {
        await withReports(options, env, async (reports) => {
          const week =
            options.week ??
            DateTime.fromISO(`${reports.currentWeek()}-1`, { zone: 'utc' })
              .minus({ weeks: 1 })
              .toFormat("kkkk-'W'WW");
          emit(io, await reports.requirements(week), options);
        });
      }),
    ),
    io,
  );

  withOutput(
    report
      .command('slr')
      .description('The SLR per site for a month, and the term with its credits')
      .option('--month <YYYY-MM>', 'the month (default: the current one)')
      .option('--site <id>', 'one site only')
      .option('--json', 'print JSON')
      .option('--as-of <iso-time>', 'as it stood at that moment (default: now)')
      .option('--config <file>', 'collector configuration (as for `run`)')
      .action(
        run(async (options) => {
          await withReports(options, env, async (reports) => {
            const month = options.month ?? reports.currentMonth();
            const sites = await reports.slr(month, options.site);
            const term = await reports.term();
            if (options.json) {
              io.out(JSON.stringify({ month, sites, term }, null, 2) + '\n');
              return;
            }
            io.out(
              table(
                ['site', 'calls', 'met', 'missed', 'pending', 'response time', 'result', 'credit'],
                sites.map((s) => [
                  s.siteId,
                  String(s.calls),
                  String(s.met),
                  String(s.missed),
                  String(s.pending),
                  percent(s.percent),
                  s.percent === null
                    ? 'no calls'
                    : `${s.belowThreshold ? 'below' : 'met'} ${s.thresholdPercent} %${s.final ? '' : ' (provisional)'}`,
                  s.credit ? `+${s.credit.months} month, to ${s.credit.endsOn}` : '',
                ]),
              ),
            );
            io.out(
              `\nTerm: ${term.startsOn} to ${term.endsOn}` +
                (term.extensionMonths > 0
                  ? ` (originally ${term.originalEndsOn}; ${term.extensionMonths} month(s) of credit: ${term.credits.map((c) => c.month).join(', ')})`
                  : '') +
                '\n',
            );
          });
        }),
      ),
    io,
  );
  return report;
}
