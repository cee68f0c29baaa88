import { buildDailyReport, type DailyReport } from '../../../collector/reports/daily-report.js';
import {
  buildMonthlyReport,
  type MonthlyReport,
} from '../../../collector/reports/monthly-report.js';
import { dayPeriod, monthPeriod } from '../../../collector/reports/period.js';
import { judgeCall, siteSlr } from '../../../collector/reports/slr.js';
import { computeTerm } from '../../../collector/reports/term.js';
import { BusinessCalendar } from '../../../collector/sla/calendar.js';
import { computeStock, shortfallsOf } from '../../../collector/spares/spare-stock.js';
import {
  buildRequirementsReport,
  type RequirementsReport,
} from '../../../collector/reports/requirements.js';
import { weekPeriod } from '../../../collector/reports/period.js';
import { march2026Logs } from './march-2026.js';
import { Call, reportContract, slrContext } from './support.js';

const NY = 'America/New_York';

/** The March 2026 monthly report (all sites), as generated on Monday 6 April 2026 at 08:00 EDT. */
export async function marchReport(siteId?: string): Promise<MonthlyReport> {
  const contract = reportContract((c) => {
    c.customer = { name: 'Example Securities LLC' };
  });
  const asOf = new Date('2026-04-06T12:00:00Z');
  const ctx = slrContext(asOf.toISOString(), contract);
  const logs = march2026Logs();
  const calls = logs.map((events) => ({ judgement: judgeCall(events, ctx), events }));
  const term = await computeTerm(contract, '2026-04', async (month) =>
    siteSlr(
      calls.map((c) => c.judgement),
      contract,
      month,
      asOf,
    ),
  );
  return buildMonthlyReport({
    contract,
    period: monthPeriod('2026-03', NY),
    siteId,
    generatedAt: asOf,
    calls,
    term,
  });
}

/** The daily report of Thursday 5 March 2026, generated at 07:00 EST on Friday 6 March. */
export function march5Report(): DailyReport {
  const contract = reportContract();
  const period = dayPeriod('2026-03-05', NY);
  const logs = march2026Logs();
  const dispatches = logs.flatMap((log) =>
    log
      .filter((e) => e.type === 'replacement-dispatched')
      .map((e) => ({
        ticketId: e.ticketId,
        siteId: log[0]!.type === 'opened' ? log[0]!.data.siteId : '',
        spareSetId: e.type === 'replacement-dispatched' ? e.data.spareSetId : null,
        serial: null,
        at: e.at,
      })),
  );
  return buildDailyReport({
    contract,
    calendar: new BusinessCalendar(contract.businessHours),
    period,
    generatedAt: new Date('2026-03-06T12:00:00Z'),
    logs,
    spares: shortfallsOf(computeStock(contract, dispatches, [], period.end)),
  });
}

/** Feature requests around ISO week 2026-W11 (Monday 9 to Sunday 15 March 2026). */
export function featureRequests(): Call[] {
  const request = (id: string, at: string, summary: string, contact: string, site = 'nj1') =>
    new Call({
      id,
      severity: 5,
      detectedAt: at,
      site,
      source: 'customer',
      signal: 'feature.request',
      domain: 'undetermined',
      summary,
      contact,
    });
  return [
    request('21', '2026-02-20T15:00:00Z', 'Export the SLR as CSV', 'Dana Whitfield')
      .responded('2026-02-23T14:00:00Z')
      .fixed('2026-03-04T15:00:00Z', 'Shipped in 5.1.2')
      .closed('2026-03-05T15:00:00Z', 'Dana Whitfield'),
    request(
      '22',
      '2026-03-02T16:00:00Z',
      'Per-blade power capping from the console',
      'Marcus Oyelaran',
    )
      .responded('2026-03-03T14:00:00Z')
      .note('2026-03-06T15:00:00Z', 'Accepted for PAN Manager 6.1'),
    request(
      '23',
      '2026-03-10T13:30:00Z',
      'SNMP traps for frame fan faults',
      'Tomás Ferreira',
      'ny2',
    ),
    request('24', '2026-03-16T13:00:00Z', 'Dark mode', 'Priya Raman'),
  ];
}

/** The review list of 2026-W11, generated on Monday 16 March at 09:00 EDT. */
export function week11Report(): RequirementsReport {
  const contract = reportContract();
  return buildRequirementsReport({
    contract,
    calendar: new BusinessCalendar(contract.businessHours),
    period: weekPeriod('2026-W11', NY),
    generatedAt: new Date('2026-03-16T13:00:00Z'),
    logs: featureRequests().map((c) => c.events),
  });
}
