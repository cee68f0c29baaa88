import type { ClockStatus } from '../../domain/ticket-events.js';
import type { DailyReport } from '../daily-report.js';
import type { MonthlyReport } from '../monthly-report.js';
import type { RequirementsReport } from '../requirements.js';
import type { Term } from '../term.js';
import { escapeHtml as h } from './escape.js';
import { slrChart } from './slr-chart.js';
import {
  clockLine,
  clockName,
  clockSpan,
  clockState,
  localTime,
  percent,
  SLR_WORDS,
} from './words.js';

/**
 * The reports as one printable HTML page each: inline CSS (US Letter, headers repeated on every
 * printed page, rows never split), the SLR chart as inline SVG; no script, no external asset.
 */
const STYLE = `
@page { size: letter; margin: 12mm; }
* { box-sizing: border-box; }
html { color-scheme: light; }
body { margin: 0 auto; max-width: 200mm; padding: 8mm 6mm; color: #101828;
  font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 2px solid #101828; margin-bottom: 4mm; padding-bottom: 2mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #d0d5dd;
  break-after: avoid; }
h3 { font-size: 10pt; margin: 0 0 1mm; }
p { margin: 1mm 0 2mm; }
.meta { color: #475467; font-size: 9pt; }
.status { display: inline-block; padding: 0 2mm; border-radius: 2mm; font-size: 8.5pt; font-weight: 600; }
.status.final { background: #ecfdf3; color: #067647; }
.status.provisional { background: #fffaeb; color: #b54708; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 8.5pt; margin: 1mm 0 3mm; }
thead { display: table-header-group; }
th { text-align: left; font-weight: 600; background: #f2f4f7; }
th, td { padding: 1.2mm 1.5mm; border-bottom: 1px solid #eaecf0; vertical-align: top;
  overflow-wrap: anywhere; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #067647; font-weight: 600; }
.missed, .below { color: #b42318; font-weight: 600; }
.pending, .provisional-text { color: #b54708; font-weight: 600; }
.none { color: #667085; font-style: italic; }
.call { border-left: 3px solid #d0d5dd; padding: 1mm 0 1mm 3mm; margin: 0 0 3mm; break-inside: avoid; }
.call.missed-call { border-left-color: #d92d20; }
.call dl { display: grid; grid-template-columns: 26mm 1fr; gap: 0.5mm 3mm; margin: 0; font-size: 9pt; }
.call dt { color: #475467; }
.call dd { margin: 0; overflow-wrap: anywhere; }
.call ul, td ul { margin: 0; padding-left: 4mm; }
.chart { margin: 2mm 0 4mm; }
.slr-chart { display: block; max-width: 100%; height: auto; }
.term { background: #f9fafb; border: 1px solid #eaecf0; padding: 2mm 3mm; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
`.trim();

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

interface Column {
  title: string;
  width: number;
  num?: boolean;
}

function table(columns: Column[], rows: string[][], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="none">${h(empty)}</p>`;
  const cols = columns.map((c) => `<col style="width:${c.width}%">`).join('');
  const head = columns
    .map((c) => `<th scope="col"${c.num ? ' class="num"' : ''}>${h(c.title)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((cell, i) => `<td${columns[i]?.num ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function clockList(clocks: readonly ClockStatus[], zone: string): string {
  if (clocks.length === 0) return '<span class="none">no clock</span>';
  return `<ul>${clocks.map((c) => `<li class="${c.state === 'breached' ? 'missed' : ''}">${h(clockLine(c, zone))}</li>`).join('')}</ul>`;
}

function statusBadge(final: boolean): string {
  return final
    ? '<span class="status final">final</span>'
    : '<span class="status provisional">provisional</span>';
}

function termBlock(term: Term): string {
  const program = term.program === 'enterprise-i' ? 'Enterprise I' : 'Enterprise II';
  const credits = term.credits
    .map(
      (c) =>
        `<li>${h(c.month)}: ${h(c.sites.map((s) => `${s.siteId} ${percent(s.percent)}`).join(', '))} → +${c.months} month(s), term to <strong>${h(c.endsOn)}</strong></li>`,
    )
    .join('');
  return `<div class="term"><p>${h(program)}, ${term.months} months from ${h(term.startsOn)}: originally to ${h(term.originalEndsOn)}, now to <strong>${h(term.endsOn)}</strong>${term.extensionMonths > 0 ? ` (extended ${term.extensionMonths} month(s) at no charge)` : ''}.</p>${credits ? `<ul>${credits}</ul>` : '<p class="none">No credit so far.</p>'}</div>`;
}

export function monthlyHtml(r: MonthlyReport): string {
  const z = r.zone;
  const parties = [r.parties.customer, r.parties.provider].filter(Boolean).join(' — ');
  const out: string[] = [];
  out.push(
    `<header><h1>${h(r.title)}</h1><p class="meta">${parties ? `${h(parties)} · ` : ''}calls detected ${h(localTime(r.from, z))} to ${h(localTime(r.to, z))} · times in ${h(z)} · generated ${h(localTime(r.generatedAt, z))} ${statusBadge(r.final)}</p></header>`,
  );

  out.push('<section id="slr"><h2>SLR per site</h2>');
  out.push(
    `<p>Response time = calls responded to within SLR ÷ calls; met at ${r.settings.thresholdPercent} % or more. Below it, the term of service is extended by one month.</p>`,
  );
  out.push(`<div class="chart">${slrChart(r.slr, r.settings.thresholdPercent)}</div>`);
  out.push(
    table(
      [
        { title: 'Site', width: 26 },
        { title: 'Calls', width: 8, num: true },
        { title: 'Met', width: 8, num: true },
        { title: 'Missed', width: 9, num: true },
        { title: 'Pending', width: 9, num: true },
        { title: 'Response time', width: 13, num: true },
        { title: 'Result', width: 12 },
        { title: 'Credit', width: 15 },
      ],
      r.slr.map((s) => [
        `<strong>${h(s.siteId)}</strong>${s.siteName ? ` ${h(s.siteName)}` : ''}`,
        String(s.calls),
        String(s.met),
        String(s.missed),
        String(s.pending),
        h(percent(s.percent)),
        s.percent === null
          ? '<span class="none">no calls</span>'
          : `<span class="${s.belowThreshold ? 'below' : 'met'}">${s.belowThreshold ? 'below' : 'met'}</span>${s.final ? '' : ' <span class="provisional-text">(provisional)</span>'}`,
        s.credit ? `+${s.credit.months} month(s): term to ${h(s.credit.endsOn)}` : '—',
      ]),
    ),
  );
  out.push(`<h3>Term of service</h3>${termBlock(r.term)}</section>`);

  out.push(`<section id="calls"><h2>Service calls (${r.calls.length})</h2>`);
  if (r.excluded.test + r.excluded.stormChildren > 0) {
    out.push(
      `<p class="meta">Not listed: ${r.excluded.test} test call(s), ${r.excluded.stormChildren} fault(s) folded into a storm's call.</p>`,
    );
  }
  out.push(
    table(
      [
        { title: 'Call', width: 7 },
        { title: 'Site', width: 8 },
        { title: 'Sev', width: 9, num: true },
        { title: 'Contact', width: 18 },
        { title: 'Opened', width: 16 },
        { title: 'Fixed', width: 16 },
        { title: 'Closed', width: 16 },
        { title: 'SLR', width: 10 },
      ],
      r.calls.map((c) => [
        `<a href="#call-${h(c.ticketId)}">${h(c.ticketId)}</a>`,
        h(c.siteId),
        c.serviceSeverity === c.severity
          ? String(c.severity)
          : `${c.severity} (QA ${c.serviceSeverity})`,
        h(c.contact ?? '—'),
        h(localTime(c.openedAt, z)),
        h(localTime(c.fixedAt, z)),
        h(localTime(c.closedAt, z)),
        `<span class="${c.slr === 'not-counted' ? 'none' : c.slr}">${SLR_WORDS[c.slr]}</span>`,
      ]),
      'No service call this month.',
    ),
  );
  for (const c of r.calls) {
    out.push(
      `<article class="call${c.slr === 'missed' ? ' missed-call' : ''}" id="call-${h(c.ticketId)}"><h3>Call ${h(c.ticketId)} · ${h(c.siteId)} · severity ${c.severity}${c.serviceSeverity !== c.severity ? ` (served at ${c.serviceSeverity})` : ''} · ${h(c.domain)} · <span class="${c.slr === 'not-counted' ? 'none' : c.slr}">${SLR_WORDS[c.slr]}</span></h3><dl>` +
        `<dt>Contact</dt><dd>${h(c.contact ?? '—')}</dd>` +
        `<dt>Times</dt><dd>detected ${h(localTime(c.detectedAt, z))} · opened ${h(localTime(c.openedAt, z))} · fixed ${h(localTime(c.fixedAt, z))} · closed ${h(localTime(c.closedAt, z))}</dd>` +
        `<dt>Response</dt><dd>${clockList(c.responseClocks, z)}</dd>` +
        `<dt>Malfunction</dt><dd>${h(c.description)}</dd>` +
        `<dt>Resolution</dt><dd>${h(c.resolution ?? 'not yet resolved')}</dd></dl></article>`,
    );
  }
  out.push('</section>');

  out.push(`<section id="missed"><h2>Calls that did not meet the SLR (${r.missed.length})</h2>`);
  out.push(
    table(
      [
        { title: 'Call', width: 7 },
        { title: 'Site', width: 8 },
        { title: 'Sev', width: 6, num: true },
        { title: 'Clock', width: 21 },
        { title: 'Due', width: 17 },
        { title: 'Met', width: 17 },
        { title: 'Late by', width: 14 },
        { title: 'Decides SLR', width: 10 },
      ],
      r.missed.flatMap((m) =>
        m.clocks.map((c) => [
          `<a href="#call-${h(m.ticketId)}">${h(m.ticketId)}</a>`,
          h(m.siteId),
          String(m.severity),
          h(c.count > 1 ? `${clockName(c.kind)} (${c.count} missed)` : clockName(c.kind)),
          h(localTime(c.dueAt, z)),
          c.metAt ? h(localTime(c.metAt, z)) : '<span class="missed">not met</span>',
          `<span class="missed">${h(clockSpan(c.overdueMs, c.calendar))}</span>`,
          c.decidesSlr ? 'yes' : 'no',
        ]),
      ),
      'Every call met its SLR.',
    ),
  );
  out.push('</section>');
  return page(r.title, out.join('\n'));
}

export function dailyHtml(r: DailyReport): string {
  const z = r.zone;
  const out: string[] = [];
  out.push(
    `<header><h1>${h(r.title)}</h1><p class="meta">as of ${h(localTime(r.asOf, z))} · times in ${h(z)} · generated ${h(localTime(r.generatedAt, z))}</p><p>${r.required ? h(`Report due: ${r.reasons.join('; ')}.`) : 'No report due: every call is closed.'}</p></header>`,
  );
  out.push(`<section id="outstanding"><h2>Outstanding calls (${r.outstanding.length})</h2>`);
  out.push(
    table(
      [
        { title: 'Call', width: 7 },
        { title: 'Site', width: 8 },
        { title: 'Sev', width: 6, num: true },
        { title: 'State', width: 11 },
        { title: 'Detected', width: 15 },
        { title: 'Summary', width: 20 },
        { title: 'Clocks', width: 33 },
      ],
      r.outstanding.map((c) => [
        h(c.ticketId),
        h(c.siteId),
        String(c.severity),
        h(c.state),
        h(localTime(c.detectedAt, z)),
        h(c.summary),
        clockList(c.clocks, z),
      ]),
      'No call is outstanding.',
    ),
  );
  out.push('</section>');
  out.push(`<section id="closed"><h2>Closed this day (${r.closed.length})</h2>`);
  out.push(
    table(
      [
        { title: 'Call', width: 7 },
        { title: 'Site', width: 8 },
        { title: 'Sev', width: 6, num: true },
        { title: 'Fixed', width: 15 },
        { title: 'Closed', width: 15 },
        { title: 'Consent', width: 14 },
        { title: 'Resolution', width: 35 },
      ],
      r.closed.map((c) => [
        h(c.ticketId),
        h(c.siteId),
        String(c.severity),
        h(localTime(c.fixedAt, z)),
        h(localTime(c.closedAt, z)),
        h(c.consent?.by ?? '—'),
        h(c.resolution ?? '—'),
      ]),
      'No call was closed this day.',
    ),
  );
  out.push('</section>');
  out.push(`<section id="spares"><h2>Spare parts below one full set (${r.spares.length})</h2>`);
  out.push(
    table(
      [
        { title: 'Site', width: 30 },
        { title: 'Since', width: 20 },
        { title: 'Shortfall', width: 50 },
      ],
      r.spares.map((s) => [
        `<strong>${h(s.siteId)}</strong> ${h(s.siteName)}`,
        h(localTime(s.belowSince, z)),
        `<span class="below">${h(s.reason)}</span>`,
      ]),
      'Every site holds at least one full set of replacement parts.',
    ),
  );
  out.push('</section>');
  return page(r.title, out.join('\n'));
}

export function requirementsHtml(r: RequirementsReport): string {
  const z = r.zone;
  const columns: Column[] = [
    { title: '#', width: 6 },
    { title: 'Status', width: 8 },
    { title: 'Site', width: 7 },
    { title: 'Requested by', width: 16 },
    { title: 'Logged', width: 15 },
    { title: 'Response', width: 14 },
    { title: 'Request', width: 20 },
    { title: 'Last note', width: 14 },
  ];
  const rows = (list: RequirementsReport['review']) =>
    list.map((q) => [
      h(q.ticketId),
      q.isNew ? '<strong>new</strong>' : q.closedAt ? 'closed' : 'open',
      h(q.siteId),
      h(q.requestedBy ?? '—'),
      h(localTime(q.loggedAt, z)),
      q.response
        ? `<span class="${q.response.state === 'breached' ? 'missed' : ''}">${h(clockState(q.response))}</span>`
        : '—',
      h(q.summary),
      h(q.notes.at(-1)?.text ?? '—'),
    ]);
  const out = [
    `<header><h1>${h(r.title)}</h1><p class="meta">${h(localTime(r.from, z))} to ${h(localTime(r.to, z))} · ${r.counts.logged} request(s) in the matrix, ${r.counts.new} new, ${r.counts.open} open</p></header>`,
    `<section id="review"><h2>To review this week (${r.review.length})</h2>`,
    table(columns, rows(r.review), 'Nothing to review this week.'),
    `</section><section id="matrix"><h2>Product requirements matrix (${r.matrix.length})</h2>`,
    table(columns, rows(r.matrix), 'No feature request has been logged.'),
    '</section>',
  ];
  return page(r.title, out.join('\n'));
}
