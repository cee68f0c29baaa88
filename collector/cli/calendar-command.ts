import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { BusinessHours } from '../../shared/config/contract.js';
import { BusinessCalendar } from '../sla/calendar.js';
import { loadContract } from '../sla/load-contract.js';
import { fail, processOutput, table, withOutput, type CliOutput } from './cli-output.js';

/** `calendar --year YYYY [--contract FILE] [--json]`: the year's business-day closures. */
export function registerCalendarCommand(program: Command, io: CliOutput = processOutput): Command {
  const command = program
    .command('calendar')
    .description(
      "List a year's closures of the business calendar: NYSE holidays by rule plus the contract's extra closures",
    )
    .requiredOption('--year <YYYY>', 'calendar year, e.g. 2026')
    .option('--contract <file>', 'contract file (default: the example contract)')
    .option('--json', 'print JSON: [{"date": "YYYY-MM-DD", "name": ...}]')
    .action((options: { year: string; contract?: string; json?: boolean }) => {
      if (!/^\d{4}$/.test(options.year)) {
        return fail(io, new Error(`--year must be a four-digit year, not "${options.year}"`));
      }
      let hours: BusinessHours;
      try {
        hours = loadContract(options.contract).businessHours;
      } catch (error) {
        return fail(io, error);
      }
      const calendar = new BusinessCalendar(hours);
      const closures = calendar.closures(Number(options.year));
      if (options.json) {
        io.out(JSON.stringify(closures, null, 2) + '\n');
        return;
      }
      io.out(
        `Business hours ${hours.open}-${hours.close} ${hours.zone}, Monday to Friday; ` +
          `closed in ${options.year} on:\n\n`,
      );
      io.out(
        table(
          ['date', 'day', 'closed for'],
          closures.map((c) => [c.date, DateTime.fromISO(c.date).toFormat('ccc'), c.name]),
        ),
      );
    });
  return withOutput(command, io);
}
