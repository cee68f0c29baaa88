import type { DailyReport } from '../daily-report.js';
import type { MonthlyReport } from '../monthly-report.js';
import type { RequirementsReport } from '../requirements.js';
import { clockName, offsetTime } from './words.js';

/**
 * The reports as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or
 * line break). A report of several tables gives each a section: a `section,<name>` row, the
 * header, the rows, then a blank line. Times are ISO 8601 with the contract zone's offset.
 */
type Value = string | number | boolean | null | undefined;

function field(value: Value): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rows(lines: Value[][]): string {
  return lines.map((line) => line.map(field).join(',')).join('\r\n') + '\r\n';
}

function section(name: string, header: string[], body: Value[][]): string {
  return rows([['section', name], header, ...body]);
}

const minutes = (ms: number) => Math.round(ms / 60_000);

export function monthlyCsv(r: MonthlyReport): string {
  const z = r.zone;
  const t = (iso: string | null) => offsetTime(iso, z);
  return [
    section(
      'calls',
      [
        'ticket_id',
        'site_id',
        'site_name',
        'severity',
        'service_severity',
        'environment',
        'domain',
        'state',
        'contact',
        'detected_at',
        'opened_at',
        'responded_at',
        'fixed_at',
        'closed_at',
        'slr',
        'response_clocks',
        'description',
        'resolution',
      ],
      r.calls.map((c) => [
        c.ticketId,
        c.siteId,
        c.siteName,
        c.severity,
        c.serviceSeverity,
        c.environment,
        c.domain,
        c.state,
        c.contact,
        t(c.detectedAt),
        t(c.openedAt),
        t(c.respondedAt),
        t(c.fixedAt),
        t(c.closedAt),
        c.slr,
        c.responseClocks
          .map(
            (k) => `${k.kind} ${k.state} due ${t(k.dueAt)}${k.metAt ? ` met ${t(k.metAt)}` : ''}`,
          )
          .join('; '),
        c.description,
        c.resolution,
      ]),
    ),
    section(
      'missed',
      [
        'ticket_id',
        'site_id',
        'severity',
        'clock',
        'decides_slr',
        'started_at',
        'due_at',
        'met_at',
        'overdue_minutes',
        'calendar',
        'periods_missed',
      ],
      r.missed.flatMap((m) =>
        m.clocks.map((c) => [
          m.ticketId,
          m.siteId,
          m.severity,
          c.kind,
          c.decidesSlr,
          t(c.startedAt),
          t(c.dueAt),
          t(c.metAt),
          minutes(c.overdueMs),
          c.calendar,
          c.count,
        ]),
      ),
    ),
    section(
      'slr',
      [
        'site_id',
        'site_name',
        'month',
        'calls',
        'met',
        'missed',
        'pending',
        'percent',
        'threshold_percent',
        'below_threshold',
        'final',
        'credit_months',
        'term_ends_on',
      ],
      r.slr.map((s) => [
        s.siteId,
        s.siteName,
        s.month,
        s.calls,
        s.met,
        s.missed,
        s.pending,
        s.percent,
        s.thresholdPercent,
        s.belowThreshold,
        s.final,
        s.credit?.months ?? 0,
        s.credit ? s.credit.endsOn : r.term.endsOn,
      ]),
    ),
  ].join('\r\n');
}

export function dailyCsv(r: DailyReport): string {
  const z = r.zone;
  const t = (iso: string | null) => offsetTime(iso, z);
  return [
    section(
      'outstanding',
      [
        'ticket_id',
        'site_id',
        'severity',
        'service_severity',
        'state',
        'detected_at',
        'responded_at',
        'fixed_at',
        'next_clock',
        'next_due_at',
        'breached',
        'clocks',
        'summary',
        'contact',
      ],
      r.outstanding.map((c) => [
        c.ticketId,
        c.siteId,
        c.severity,
        c.serviceSeverity,
        c.state,
        t(c.detectedAt),
        t(c.respondedAt),
        t(c.fixedAt),
        c.nextDue?.kind,
        t(c.nextDue?.dueAt ?? null),
        c.breached,
        c.clocks
          .map(
            (k) =>
              `${clockName(k.kind)}${k.kind === 'software-updates' ? ` #${k.iteration}` : ''} ${k.state} due ${t(k.dueAt)}`,
          )
          .join('; '),
        c.summary,
        c.contact,
      ]),
    ),
    section(
      'closed',
      [
        'ticket_id',
        'site_id',
        'severity',
        'detected_at',
        'fixed_at',
        'closed_at',
        'consent_by',
        'breached_clocks',
        'resolution',
      ],
      r.closed.map((c) => [
        c.ticketId,
        c.siteId,
        c.severity,
        t(c.detectedAt),
        t(c.fixedAt),
        t(c.closedAt),
        c.consent?.by,
        [...new Set(c.breaches.map((k) => k.kind))].join('; '),
        c.resolution,
      ]),
    ),
    section(
      'spares',
      ['site_id', 'site_name', 'below_since', 'spare_set_id', 'part', 'missing', 'reason'],
      r.spares.flatMap((s) =>
        (s.missing.length > 0 ? s.missing : [null]).map((m) => [
          s.siteId,
          s.siteName,
          t(s.belowSince),
          m?.spareSetId,
          m?.part,
          m?.missing,
          s.reason,
        ]),
      ),
    ),
  ].join('\r\n');
}

export function requirementsCsv(r: RequirementsReport): string {
  const z = r.zone;
  const t = (iso: string | null) => offsetTime(iso, z);
  return rows([
    [
      'ticket_id',
      'in_review',
      'new_this_week',
      'state',
      'site_id',
      'requested_by',
      'logged_at',
      'logged_week',
      'response_state',
      'response_due_at',
      'summary',
      'last_note',
      'closed_at',
    ],
    ...r.matrix.map((q) => [
      q.ticketId,
      r.review.includes(q),
      q.isNew,
      q.state,
      q.siteId,
      q.requestedBy,
      t(q.loggedAt),
      q.loggedWeek,
      q.response?.state,
      t(q.response?.dueAt ?? null),
      q.summary,
      q.notes.at(-1)?.text,
      t(q.closedAt),
    ]),
  ]);
}
