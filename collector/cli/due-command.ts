import type { Command } from 'commander';
import { DateTime } from 'luxon';
import type { CalendarKind, Contract } from '../../shared/config/contract.js';
import { formatDuration } from '../../shared/duration.js';
import type { Environment } from '../../shared/messages/birth.js';
import type { ClockKind, Domain, Severity } from '../domain/ticket-events.js';
import { BusinessCalendar } from '../sla/calendar.js';
import {
  clocksForNewTicket,
  escalationsForNewTicket,
  type ClockContext,
  type NewTicketInput,
} from '../sla/clocks.js';
import { loadContract } from '../sla/load-contract.js';
import { fail, processOutput, table, withOutput, type CliOutput } from './cli-output.js';

interface DueOptions {
  severity: string;
  detected: string;
  environment: string;
  domain: string;
  contract?: string;
  json?: boolean;
}

/** A clock that starts only when something happens later (arrival, diagnosis). */
interface LaterClock {
  kind: ClockKind;
  startsAt: string;
  target: string;
  calendar: CalendarKind;
}

/** `due`: the clocks and escalations a ticket detected at a given time would get. */
export function registerDueCommand(program: Command, io: CliOutput = processOutput): Command {
  const command = program
    .command('due')
    .description('Show when the clocks of a new ticket would be due ("when is this due?")')
    .requiredOption('--severity <N>', 'severity 1-5')
    .requiredOption(
      '--detected <ISO-TIME>',
      'detection time, ISO 8601 (without an offset: in the business-hours zone)',
    )
    .option('--environment <env>', 'production or qa', 'production')
    .option('--domain <domain>', 'hardware, software or undetermined', 'undetermined')
    .option('--contract <file>', 'contract file (default: the example contract)')
    .option('--json', 'print JSON: {"clocks": [{"kind", "startedAt", "dueAt", "calendar"}], ...}')
    .action((options: DueOptions) => {
      let contract: Contract;
      let input: NewTicketInput;
      try {
        contract = loadContract(options.contract);
        input = parseInput(options, contract.businessHours.zone);
      } catch (error) {
        return fail(io, error);
      }
      const ctx: ClockContext = {
        contract,
        calendar: new BusinessCalendar(contract.businessHours),
        now: input.detectedAt,
      };
      const clocks = clocksForNewTicket(input, ctx).map((c) => ({
        kind: c.kind,
        startedAt: c.startedAt,
        dueAt: c.dueAt,
        calendar: c.calendar,
        warnAt: c.warnAt,
      }));
      const escalations = escalationsForNewTicket(input, ctx)
        .map((e) => ({
          role: e.role,
          severity: e.severity,
          after: formatTarget(e.delayMs, e.calendar),
          dueAt: e.dueAt,
          calendar: e.calendar,
        }))
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
      const later = laterClocks(input, contract);
      const serviceSeverity =
        input.environment === 'qa' ? Math.max(input.severity, 3) : input.severity;
      const detectedInBusinessHours = ctx.calendar.isBusinessTime(input.detectedAt);
      if (options.json) {
        io.out(
          JSON.stringify(
            {
              detectedAt: input.detectedAt.toISOString(),
              severity: input.severity,
              serviceSeverity,
              environment: input.environment,
              domain: input.domain,
              detectedInBusinessHours,
              clocks,
              later,
              escalations,
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const zone = contract.businessHours.zone;
      const local = (iso: string): string =>
        DateTime.fromISO(iso, { zone }).toFormat('ccc yyyy-MM-dd HH:mm ZZZZ');
      io.out(
        `Severity ${input.severity}${serviceSeverity !== input.severity ? ` (served at ${serviceSeverity}, QA)` : ''}, ` +
          `${input.environment}, ${input.domain}; detected ${local(input.detectedAt.toISOString())} ` +
          `(${detectedInBusinessHours ? 'in' : 'outside'} business hours)\n\n`,
      );
      io.out(
        table(
          ['clock', 'calendar', 'starts', 'warns', 'due'],
          clocks.map((c) => [
            c.kind,
            c.calendar,
            local(c.startedAt),
            local(c.warnAt),
            local(c.dueAt),
          ]),
        ),
      );
      if (later.length > 0) {
        io.out('\nLater clocks:\n');
        io.out(
          table(
            ['clock', 'starts at', 'target', 'calendar'],
            later.map((l) => [l.kind, l.startsAt, l.target, l.calendar]),
          ),
        );
      }
      if (escalations.length > 0) {
        io.out('\nEscalation if no fix:\n');
        io.out(
          table(
            ['role', 'after', 'due'],
            escalations.map((e) => [e.role, e.after, local(e.dueAt)]),
          ),
        );
      }
    });
  return withOutput(command, io);
}

function parseInput(options: DueOptions, zone: string): NewTicketInput {
  if (!/^[1-5]$/.test(options.severity)) {
    throw new Error(`--severity must be 1, 2, 3, 4 or 5, not "${options.severity}"`);
  }
  const detected = DateTime.fromISO(options.detected, { zone, setZone: true });
  if (!detected.isValid) {
    throw new Error(
      `--detected must be an ISO 8601 time such as 2026-03-09T07:30-04:00, not "${options.detected}"`,
    );
  }
  if (options.environment !== 'production' && options.environment !== 'qa') {
    throw new Error(`--environment must be production or qa, not "${options.environment}"`);
  }
  if (!['hardware', 'software', 'undetermined'].includes(options.domain)) {
    throw new Error(`--domain must be hardware, software or undetermined, not "${options.domain}"`);
  }
  return {
    severity: Number(options.severity) as Severity,
    detectedAt: detected.toJSDate(),
    environment: options.environment as Environment,
    domain: options.domain as Domain,
  };
}

/** A target as people read it: business time in hours (`36h business`), else compact. */
export function formatTarget(ms: number, calendar: CalendarKind): string {
  if (calendar === 'continuous') return formatDuration(ms);
  const hours = Math.floor(ms / 3_600_000);
  const rest = ms - hours * 3_600_000;
  return `${hours > 0 ? `${hours}h` : ''}${rest > 0 ? formatDuration(rest) : ''} business`;
}

/** Clocks that start on a later event, with their targets, so support sees the whole promise. */
function laterClocks(input: NewTicketInput, contract: Contract): LaterClock[] {
  const later: LaterClock[] = [];
  const service = (
    input.environment === 'qa' ? Math.max(input.severity, 3) : input.severity
  ) as Severity;
  if (service === 1 || service === 2) {
    const s = contract.severities[service];
    later.push({
      kind: 'diagnosis',
      startsAt: 'arrival on site',
      target: formatTarget(s.diagnosis, s.calendar),
      calendar: s.calendar,
    });
  }
  if (input.domain !== 'software' && contract.replacementSeverities.includes(service)) {
    later.push({
      kind: 'replacement',
      startsAt: 'a diagnosis of hardware alone',
      target: formatDuration(contract.replacementBlade),
      calendar: 'continuous',
    });
  }
  if (input.domain !== 'software') {
    if (input.environment !== 'qa' && contract.clocks.softwareKnownLater === 'detection') {
      later.push({
        kind: 'software-response',
        startsAt: 'a diagnosis of software (counted from detection)',
        target: formatDuration(contract.softwareResponse),
        calendar: 'continuous',
      });
    }
    later.push({
      kind: 'software-updates',
      startsAt:
        contract.clocks.softwareKnownLater === 'detection'
          ? `a diagnosis of software, ${formatDuration(contract.softwareUpdates.after)} after detection`
          : `${formatDuration(contract.softwareUpdates.after)} after a diagnosis of software`,
      target: `every ${formatTarget(contract.softwareUpdates.every, contract.severities[service].calendar)}`,
      calendar: contract.severities[service].calendar,
    });
  }
  return later;
}
