import type { DailyReport } from '../daily-report.js';
import type { MonthlyReport } from '../monthly-report.js';
import type { RequirementsReport } from '../requirements.js';
import type { Term } from '../term.js';
import {
  clockLine,
  clockName,
  clockSpan,
  clockState,
  localTime,
  percent,
  SLR_WORDS,
} from './words.js';

/** The reports as Markdown: headings, tables for the overviews, lists for the details. */

function cell(text: string | number | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: (string | number | null)[][]): string {
  if (rows.length === 0) return '_None._\n';
  const line = (cells: (string | number | null)[]) => `| ${cells.map(cell).join(' | ')} |`;
  return (
    [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
    '\n'
  );
}

function termLines(term: Term): string {
  const program = term.program === 'enterprise-i' ? 'Enterprise I' : 'Enterprise II';
  const lines = [
    `${program}, ${term.months} months from ${term.startsOn}: originally to ${term.originalEndsOn}, now to **${term.endsOn}**` +
      (term.extensionMonths > 0 ? ` (extended ${term.extensionMonths} month(s)).` : '.'),
  ];
  for (const c of term.credits) {
    lines.push(
      `- Credit for ${c.month}: ${c.sites.map((s) => `${s.siteId} ${percent(s.percent)}`).join(', ')} → +${c.months} month(s), term to ${c.endsOn}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Blocks joined by one blank line. */
function join(blocks: string[]): string {
  return (
    blocks
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

export function monthlyMarkdown(r: MonthlyReport): string {
  const z = r.zone;
  const out: string[] = [];
  out.push(`# ${r.title}\n`);
  const parties = [r.parties.customer, r.parties.provider].filter(Boolean).join(' — ');
  out.push(
    `${parties ? `${parties.replace(/\.$/, '')}. ` : ''}Calls detected ${localTime(r.from, z)} to ${localTime(r.to, z)} (times in ${z}). ` +
      `Generated ${localTime(r.generatedAt, z)}; ${r.final ? 'final' : '**provisional**: some calls are still undecided'}.\n`,
  );
  out.push(`## Service calls (${r.calls.length})\n`);
  if (r.excluded.test + r.excluded.stormChildren > 0) {
    out.push(
      `Not listed: ${r.excluded.test} test call(s), ${r.excluded.stormChildren} fault(s) folded into a storm's call.\n`,
    );
  }
  out.push(
    table(
      ['Call', 'Site', 'Sev', 'Contact', 'Opened', 'Fixed', 'Closed', 'SLR'],
      r.calls.map((c) => [
        c.ticketId,
        c.siteId,
        c.serviceSeverity === c.severity ? c.severity : `${c.severity} (QA: ${c.serviceSeverity})`,
        c.contact,
        localTime(c.openedAt, z),
        localTime(c.fixedAt, z),
        localTime(c.closedAt, z),
        SLR_WORDS[c.slr],
      ]),
    ),
  );
  for (const c of r.calls) {
    out.push(
      `\n### Call ${c.ticketId} · ${c.siteId} · severity ${c.severity} · ${c.domain} · ${SLR_WORDS[c.slr]}\n`,
    );
    out.push(`- Contact: ${c.contact ?? '—'}`);
    out.push(
      `- Detected ${localTime(c.detectedAt, z)}, opened ${localTime(c.openedAt, z)}, fixed ${localTime(c.fixedAt, z)}, closed ${localTime(c.closedAt, z)}`,
    );
    for (const clock of c.responseClocks) out.push(`- ${clockLine(clock, z)}`);
    out.push(`- Malfunction: ${c.description}`);
    out.push(`- Resolution: ${c.resolution ?? 'not yet resolved'}`);
  }
  out.push(`\n## Calls that did not meet the SLR (${r.missed.length})\n`);
  out.push(
    table(
      ['Call', 'Site', 'Sev', 'Clock', 'Due', 'Met', 'Late by', 'Decides SLR'],
      r.missed.flatMap((m) =>
        m.clocks.map((c) => [
          m.ticketId,
          m.siteId,
          m.severity,
          c.count > 1 ? `${clockName(c.kind)} (${c.count} missed)` : clockName(c.kind),
          localTime(c.dueAt, z),
          c.metAt ? localTime(c.metAt, z) : 'not met',
          clockSpan(c.overdueMs, c.calendar),
          c.decidesSlr ? 'yes' : 'no',
        ]),
      ),
    ),
  );
  out.push(`\n## SLR per site\n`);
  out.push(
    `Response time = calls responded to within SLR ÷ calls; met at ${r.settings.thresholdPercent} % or more.\n`,
  );
  out.push(
    table(
      ['Site', 'Calls', 'Met', 'Missed', 'Pending', 'Response time', 'Result', 'Credit'],
      r.slr.map((s) => [
        `${s.siteId}${s.siteName ? ` ${s.siteName}` : ''}`,
        s.calls,
        s.met,
        s.missed,
        s.pending,
        percent(s.percent),
        s.percent === null
          ? 'no calls'
          : `${s.belowThreshold ? 'below' : 'met'}${s.final ? '' : ' (provisional)'}`,
        s.credit ? `+${s.credit.months} month(s): term to ${s.credit.endsOn}` : null,
      ]),
    ),
  );
  out.push(`\n## Term of service\n`);
  out.push(termLines(r.term));
  return join(out);
}

export function dailyMarkdown(r: DailyReport): string {
  const z = r.zone;
  const out: string[] = [`# ${r.title}\n`];
  out.push(
    `As of ${localTime(r.asOf, z)} (times in ${z}); generated ${localTime(r.generatedAt, z)}. ` +
      (r.required
        ? `Report due: ${r.reasons.join('; ')}.`
        : 'No report due: every call is closed.') +
      '\n',
  );
  out.push(`## Outstanding calls (${r.outstanding.length})\n`);
  out.push(
    table(
      ['Call', 'Site', 'Sev', 'State', 'Detected', 'Next due', 'Breached', 'Summary'],
      r.outstanding.map((c) => [
        c.ticketId,
        c.siteId,
        c.severity,
        c.state,
        localTime(c.detectedAt, z),
        c.nextDue
          ? `${clockName(c.nextDue.kind)} ${localTime(c.nextDue.dueAt, z)} (${clockState(c.nextDue)})`
          : null,
        c.breached ? 'yes' : 'no',
        c.summary,
      ]),
    ),
  );
  for (const c of r.outstanding.filter((c) => c.clocks.length > 0)) {
    out.push(`\n### Call ${c.ticketId} clocks\n`);
    for (const clock of c.clocks) out.push(`- ${clockLine(clock, z)}`);
  }
  out.push(`\n## Closed this day (${r.closed.length})\n`);
  out.push(
    table(
      ['Call', 'Site', 'Sev', 'Detected', 'Fixed', 'Closed', 'Consent', 'Resolution'],
      r.closed.map((c) => [
        c.ticketId,
        c.siteId,
        c.severity,
        localTime(c.detectedAt, z),
        localTime(c.fixedAt, z),
        localTime(c.closedAt, z),
        c.consent?.by ?? null,
        c.resolution,
      ]),
    ),
  );
  out.push(`\n## Spare parts below one full set (${r.spares.length})\n`);
  out.push(
    table(
      ['Site', 'Since', 'Shortfall'],
      r.spares.map((s) => [`${s.siteId} ${s.siteName}`, localTime(s.belowSince, z), s.reason]),
    ),
  );
  return join(out);
}

export function requirementsMarkdown(r: RequirementsReport): string {
  const z = r.zone;
  const out: string[] = [`# ${r.title}\n`];
  out.push(
    `Week ${r.week}: ${localTime(r.from, z)} to ${localTime(r.to, z)}. ${r.counts.logged} request(s) in the matrix, ` +
      `${r.counts.new} new this week, ${r.counts.open} open.\n`,
  );
  const rows = (list: RequirementsReport['review']) =>
    list.map((q) => [
      q.ticketId,
      q.isNew ? 'new' : q.closedAt ? 'closed' : 'open',
      q.siteId,
      q.requestedBy,
      localTime(q.loggedAt, z),
      q.response ? clockState(q.response) : null,
      q.summary,
      q.notes.at(-1)?.text ?? null,
    ]);
  const header = [
    '#',
    'Status',
    'Site',
    'Requested by',
    'Logged',
    'Response',
    'Request',
    'Last note',
  ];
  out.push(`## To review this week (${r.review.length})\n`);
  out.push(table(header, rows(r.review)));
  out.push(`\n## Product requirements matrix (${r.matrix.length})\n`);
  out.push(table(header, rows(r.matrix)));
  return join(out);
}
