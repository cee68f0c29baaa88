import { DateTime } from 'luxon';
import type { Contract } from '../../shared/config/contract.js';
import { formatDuration } from '../../shared/duration.js';
import type { ClockKind, ClockStatus, EscalationRole } from '../domain/ticket-events.js';
import type { TicketNotice } from './ticket-notice.js';

/** A rendered email, as queued (the sender adds From and the recipient). */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export const CLOCK_LABELS: Record<ClockKind, string> = {
  'onsite-response': 'On-site response',
  diagnosis: 'Diagnosis (hardware or software)',
  replacement: 'Replacement blade',
  response: 'Response',
  'software-response': 'Software response',
  'software-updates': 'Software call update',
};

/** What the engineer does to meet each clock, as the dashboard names the action. */
const CLOCK_ACTIONS: Record<ClockKind, string> = {
  'onsite-response': 'get an engineer on site and record "Arrive on site"',
  diagnosis: 'record the diagnosis: hardware or software ("Diagnose")',
  replacement: 'dispatch the replacement blade from the site\'s spare set ("Dispatch")',
  response: 'respond to the call ("Respond")',
  'software-response': 'have an engineer respond to the software call ("Respond")',
  'software-updates': 'send the customer a progress update ("Send update")',
};

export const ROLE_LABELS: Record<EscalationRole, string> = {
  'ceo-coo': 'CEO/COO',
  vp: 'V.P.',
  'enterprise-services-engineering': 'Enterprise Services Engineering',
  'technical-service-management': 'Technical Service Management',
  'customer-engineer': 'Customer Engineer / Technical Support',
};

const EVENT_LABELS: Record<string, string> = {
  opened: 'new call',
  occurrence: 'repeated',
  cleared: 'condition cleared at the source',
  'severity-raised': 'severity raised',
  acknowledged: 'acknowledged',
  responded: 'engineer responded',
  'arrived-on-site': 'engineer on site',
  diagnosed: 'diagnosed',
  'replacement-dispatched': 'replacement blade dispatched',
  'update-sent': 'update sent',
  note: 'note added',
  fixed: 'fixed',
  closed: 'closed',
  'child-attached': 'blade added to the storm',
  'parent-attached': 'joined a storm call',
  'clock-warning': 'clock warning',
  'clock-breached': 'CLOCK BREACHED',
  escalated: 'escalated',
};

function clockName(clock: Pick<ClockStatus, 'kind' | 'iteration'>): string {
  const label = CLOCK_LABELS[clock.kind];
  return clock.kind === 'software-updates' ? `${label} #${clock.iteration}` : label;
}

/** A time as people at the site read it: `Mon 5 Jan 2026 11:00 EST`. */
export function siteTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ');
}

function relative(dueAt: string, at: string): string {
  const ms = Date.parse(dueAt) - Date.parse(at);
  return ms >= 0
    ? `in ${formatDuration(roundMinute(ms))}`
    : `overdue by ${formatDuration(roundMinute(-ms))}`;
}

function roundMinute(ms: number): number {
  return Math.round(ms / 60_000) * 60_000;
}

function place(notice: TicketNotice): string {
  const { ticket } = notice;
  return [ticket.siteId, ticket.frameId, ticket.bladeId].filter(Boolean).join('/');
}

/** The subject: severity, ticket, what happened, and the one fact to act on. */
function subjectOf(notice: TicketNotice, prefix: string): string {
  const { ticket, event, clock, escalation } = notice;
  const head = [prefix, ticket.test ? '[TEST]' : '', `S${ticket.serviceSeverity}`, `#${ticket.id}`]
    .filter(Boolean)
    .join(' ');
  const zone = notice.site.zone;
  let what: string;
  switch (event.type) {
    case 'opened':
      what = `new call at ${place(notice)}: ${ticket.summary}`;
      break;
    case 'clock-warning':
      what = `warning: ${clockName(clock!)} due ${siteTime(clock!.dueAt, zone)} (${relative(clock!.dueAt, event.at)})`;
      break;
    case 'clock-breached':
      what = `BREACHED: ${clockName(clock!)} was due ${siteTime(clock!.dueAt, zone)}`;
      break;
    case 'escalated':
      what = `escalated to ${ROLE_LABELS[escalation!.role]}: no fix after ${escalation!.after}`;
      break;
    case 'closed':
      what = `closed: ${ticket.summary}`;
      break;
    default:
      what = `${EVENT_LABELS[event.type] ?? event.type}: ${ticket.summary}`;
  }
  return `${head} ${what}`.replace(/\s+/g, ' ').slice(0, 250);
}

/** The paragraph saying what happened and what the reader is to do about it. */
function callToAction(notice: TicketNotice): string[] {
  const { event, ticket, clock, escalation } = notice;
  const zone = notice.site.zone;
  const data = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'opened': {
      const first = [...notice.clocks].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      const lines = [
        ticket.test
          ? 'A test call arrived end to end and was acknowledged automatically. Nothing to do.'
          : `A severity ${ticket.serviceSeverity} call was opened${ticket.source === 'customer' ? ' by the customer' : ' by call home'}.`,
      ];
      if (first && !ticket.test) {
        lines.push(
          `First deadline: ${clockName(first)} by ${siteTime(first.dueAt, zone)} (${relative(first.dueAt, event.at)}): ${CLOCK_ACTIONS[first.kind]}.`,
        );
      }
      return lines;
    }
    case 'clock-warning':
      return [
        `${clockName(clock!)} is due ${siteTime(clock!.dueAt, zone)} (${relative(clock!.dueAt, event.at)}).`,
        `To meet it, ${CLOCK_ACTIONS[clock!.kind]}.`,
      ];
    case 'clock-breached':
      return [
        `${clockName(clock!)} was due ${siteTime(clock!.dueAt, zone)} and was not met: this call misses its service level.`,
        `Still to do, as soon as possible: ${CLOCK_ACTIONS[clock!.kind]}.`,
      ];
    case 'escalated':
      return [
        `Under the escalation matrix of the contract, ${ROLE_LABELS[escalation!.role]} is notified that no fix has been provided ${escalation!.after} after detection of this severity ${escalation!.severity} call.`,
        'Please make sure the call has the people and parts it needs.',
      ];
    case 'closed': {
      const consent = (data.consent ?? {}) as { by?: string; at?: string; text?: string };
      return [
        `Closed with the customer's written consent by ${consent.by ?? '?'} at ${consent.at ? siteTime(consent.at, zone) : '?'}: "${consent.text ?? ''}".`,
        ...(ticket.resolution ? [`Resolution: ${ticket.resolution}`] : []),
      ];
    }
    case 'severity-raised':
      return [
        `The customer raised the severity from ${String(data.from)} to ${String(data.to)}${data.reason ? `: ${String(data.reason)}` : ''}.`,
      ];
    default:
      return [`${EVENT_LABELS[event.type] ?? event.type}.`];
  }
}

interface Field {
  label: string;
  value: string;
}

function fieldsOf(notice: TicketNotice): Field[] {
  const { ticket, site } = notice;
  const zone = site.zone;
  const severity =
    ticket.serviceSeverity === ticket.severity
      ? String(ticket.severity)
      : `${ticket.severity} (served at ${ticket.serviceSeverity}: ${ticket.environment} system)`;
  const component = `${ticket.component.kind} ${ticket.component.id}${ticket.component.location ? ` (${ticket.component.location})` : ''}`;
  const fields: Field[] = [
    { label: 'Ticket', value: `#${ticket.id} (${ticket.state})${ticket.test ? ' TEST CALL' : ''}` },
    { label: 'Severity', value: severity },
    { label: 'Site', value: `${site.name} (${site.id})${site.address ? `, ${site.address}` : ''}` },
    { label: 'Frame', value: ticket.frameId ?? '-' },
    { label: 'Blade', value: ticket.bladeId ?? '-' },
    { label: 'Component', value: component },
    { label: 'Signal', value: ticket.signal },
    { label: 'Domain', value: ticket.domain },
    { label: 'Assessment', value: `${ticket.explanation} (rule ${ticket.ruleId})` },
    { label: 'Detected', value: siteTime(ticket.detectedAt, zone) },
  ];
  if (ticket.occurrences > 1)
    fields.push({ label: 'Occurrences', value: String(ticket.occurrences) });
  if (ticket.contact) fields.push({ label: 'Contact', value: ticket.contact });
  if (ticket.parentId) fields.push({ label: 'Storm call', value: `#${ticket.parentId}` });
  return fields;
}

function clockLines(notice: TicketNotice): string[] {
  const zone = notice.site.zone;
  const at = notice.event.at;
  return [...notice.clocks]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .map((c) => `${clockName(c)}: due ${siteTime(c.dueAt, zone)} (${relative(c.dueAt, at)})`);
}

function supportLine(contract: Contract): string | null {
  const provider = contract.provider;
  if (!provider) return null;
  const ways = [provider.supportPhone, provider.supportEmail].filter(Boolean).join(', ');
  return ways ? `${provider.name} support: ${ways}` : null;
}

/** Plain text and HTML bodies a support engineer can act on, and the subject. */
export function renderEmail(
  notice: TicketNotice,
  options: { subjectPrefix: string; contract: Contract },
): EmailContent {
  const subject = subjectOf(notice, options.subjectPrefix);
  const action = callToAction(notice);
  const fields = fieldsOf(notice);
  const clocks = clockLines(notice);
  const support = supportLine(options.contract);
  const when = `${EVENT_LABELS[notice.event.type] ?? notice.event.type} at ${siteTime(notice.event.at, notice.site.zone)}`;
  const width = Math.max(...fields.map((f) => f.label.length)) + 1;

  const text = [
    notice.ticket.summary,
    '',
    ...action,
    '',
    ...fields.map((f) => `${`${f.label}:`.padEnd(width + 1)}${f.value}`),
    `${'Event:'.padEnd(width + 1)}${when}`,
    ...(clocks.length > 0 ? ['', 'Clocks running:', ...clocks.map((c) => `  - ${c}`)] : []),
    '',
    `Open the ticket: ${notice.link}`,
    ...(support ? ['', support] : []),
    '',
  ].join('\n');

  const row = (label: string, value: string) =>
    `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;font-weight:normal;vertical-align:top">${esc(label)}</th><td style="padding:2px 0">${esc(value)}</td></tr>`;
  const alert =
    notice.event.type === 'clock-breached'
      ? '#b42318'
      : notice.event.type === 'clock-warning' || notice.event.type === 'escalated'
        ? '#b54708'
        : '#1d4ed8';
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:14px;color:#111;line-height:1.4">',
    `<p style="margin:0 0 4px;color:${alert};font-weight:600">${esc(when)}</p>`,
    `<h2 style="margin:0 0 12px;font-size:18px">${esc(notice.ticket.summary)}</h2>`,
    ...action.map((line) => `<p style="margin:0 0 8px">${esc(line)}</p>`),
    `<p style="margin:12px 0"><a href="${esc(notice.link)}" style="background:#1d4ed8;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open ticket #${esc(notice.ticket.id)}</a></p>`,
    '<table cellspacing="0" cellpadding="0" style="border-collapse:collapse">',
    ...fields.map((f) => row(f.label, f.value)),
    '</table>',
    ...(clocks.length > 0
      ? [
          '<p style="margin:12px 0 4px;font-weight:600">Clocks running</p><ul style="margin:0;padding-left:20px">',
          ...clocks.map((c) => `<li>${esc(c)}</li>`),
          '</ul>',
        ]
      : []),
    ...(support ? [`<p style="margin:16px 0 0;color:#555">${esc(support)}</p>`] : []),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
