// Clock engine cost per ticket: one wake-up (clocks, escalations, pending events and the next
// deadline, `evaluateClocks`) for tickets a day old, and for the same tickets a month old with
// software updates ignored (the worst case: every missed four-hour period is a clock).
import type { AnyTicketEvent, Severity } from '../collector/domain/ticket-events.js';
import { BusinessCalendar } from '../collector/sla/calendar.js';
import { evaluateClocks, syntheticOpened, type ClockContext } from '../collector/sla/clocks.js';
import { loadContract } from '../collector/sla/load-contract.js';

const contract = loadContract();
const calendar = new BusinessCalendar(contract.businessHours);
const HOUR = 3_600_000;
const detected = Date.parse('2026-03-02T15:00:00Z');

/** Mixed tickets: every severity, both domains, some worked on, detected the same day. */
function tickets(count: number): AnyTicketEvent[][] {
  const logs: AnyTicketEvent[][] = [];
  for (let i = 0; i < count; i++) {
    const at0 = detected + (i % 12) * HOUR;
    const opened = syntheticOpened({
      severity: ((i % 5) + 1) as Severity,
      detectedAt: new Date(at0),
      environment: i % 7 === 0 ? 'qa' : 'production',
      domain: i % 2 === 0 ? 'software' : 'hardware',
    });
    const log: AnyTicketEvent[] = [opened];
    const add = (type: string, afterHours: number, data: unknown): void => {
      log.push({
        ...opened,
        seq: log.length + 1,
        at: new Date(at0 + afterHours * HOUR).toISOString(),
        type,
        data,
      } as AnyTicketEvent);
    };
    if (i % 3 !== 0) add('responded', 0.5, { note: '' });
    if (i % 3 === 1) add('arrived-on-site', 2, { note: '' });
    if (i % 3 === 1) add('diagnosed', 3, { domain: 'hardware', softwareClass: null, note: '' });
    logs.push(log);
  }
  return logs;
}

function perSecond(logs: AnyTicketEvent[][], ctx: ClockContext): number {
  for (const log of logs) evaluateClocks(log, ctx); // warm up
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 2000) {
    for (const log of logs) evaluateClocks(log, ctx);
    n += logs.length;
  }
  return n / ((performance.now() - t0) / 1000);
}

const logs = tickets(300);
const dayOld = perSecond(logs, { contract, calendar, now: new Date(detected + 24 * HOUR) });
const monthOld = perSecond(logs, { contract, calendar, now: new Date(detected + 30 * 24 * HOUR) });
const from = new Date('2026-01-05T15:00:00Z');
const rate = (fn: () => void): number => {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
  }
  return n / ((performance.now() - t0) / 1000);
};
const addDay = rate(() => calendar.addBusinessMs(from, 12 * HOUR));
const addYear = rate(() => calendar.addBusinessMs(from, 250 * 12 * HOUR));
const betweenYear = rate(() =>
  calendar.businessMsBetween(from, new Date(from.getTime() + 365 * 24 * HOUR)),
);

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`wake-up, tickets a day old     ${fmt(dayOld)} tickets/s`);
console.log(
  `wake-up, tickets a month old   ${fmt(monthOld)} tickets/s  (${(monthOld / dayOld).toFixed(2)} of a day old)`,
);
console.log(`addBusinessMs, one day         ${fmt(addDay)} /s`);
console.log(
  `addBusinessMs, 250 days        ${fmt(addYear)} /s  (${(addYear / addDay).toFixed(3)} of one day)`,
);
console.log(
  `businessMsBetween, one year    ${fmt(betweenYear)} /s  (${(betweenYear / addDay).toFixed(2)} of adding one day)`,
);
