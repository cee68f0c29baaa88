import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api.js';
import { CLOCK_LABELS, SEVERITY_LABELS } from '../lib/clocks.js';
import { refreshTicket } from '../lib/dashboard.js';
import { capitalise, formatFull, formatWhen, words } from '../lib/format.js';
import { ticketHref } from '../lib/router.js';
import type { AnyTicketEvent, EscalationStatus, Me, TicketDetail as Detail } from '../lib/types.js';
import { ActionsPanel } from './Actions.js';
import { CountdownBar } from './CountdownBar.js';
import { ErrorBox, place, SeverityBadge, StateChip } from './bits.js';

const ROLE_NAMES: Record<string, string> = {
  'ceo-coo': 'CEO / COO',
  vp: 'Vice President',
  'enterprise-services-engineering': 'Enterprise Services Engineering',
  'technical-service-management': 'Technical Service Management',
  'customer-engineer': 'Customer Engineer / Technical Support',
};

export function TicketDetailPanel({
  id,
  detail,
  me,
  now,
  onClose,
}: {
  id: string;
  detail: Detail | undefined;
  me: Me;
  now: number;
  onClose(): void;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setError(null);
    refreshTicket(id)
      .then((found) => {
        if (!found) setError(new ApiError(404, 'BF_NOT_FOUND', `There is no ticket #${id}.`));
      })
      .catch((e: unknown) =>
        setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e))),
      );
  }, [id]);

  // Focus moves to the ticket when it opens, so keyboard and screen reader follow.
  const loaded = detail !== undefined;
  useEffect(() => {
    if (loaded) heading.current?.focus({ preventScroll: true });
  }, [id, loaded]);

  return (
    <section class="panel detail" aria-labelledby="detail-heading" id="detail">
      <header class="panel-head detail-head">
        {detail ? (
          <h2 id="detail-heading" tabIndex={-1} ref={heading}>
            <SeverityBadge severity={detail.ticket.severity} />{' '}
            <span class="ticket-id">#{detail.ticket.id}</span> {detail.ticket.opened.summary}
          </h2>
        ) : (
          <h2 id="detail-heading">Ticket #{id}</h2>
        )}
        <button
          type="button"
          class="icon-button"
          onClick={onClose}
          aria-label="Close ticket (Escape)"
          title="Close (Esc)"
        >
          ✕
        </button>
      </header>
      <div class="detail-body">
        <ErrorBox error={error} />
        {!detail && !error && <p class="notice">Loading ticket #{id}…</p>}
        {detail && <DetailBody detail={detail} me={me} now={now} />}
      </div>
    </section>
  );
}

function DetailBody({ detail, me, now }: { detail: Detail; me: Me; now: number }) {
  const t = detail.ticket;
  const o = t.opened;
  const occurrences = detail.events.filter((e) => e.type === 'occurrence');
  return (
    <>
      <dl class="facts">
        <div>
          <dt>State</dt>
          <dd>
            <StateChip state={t.state} />
            {t.clearedAt && (
              <span class="chip chip-ok" title={`cleared at the source ${formatFull(t.clearedAt)}`}>
                condition cleared
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>{place(o)}</dd>
        </div>
        <div>
          <dt>Component</dt>
          <dd>
            {o.component.kind} {o.component.id}
            {o.component.location ? ` (${o.component.location})` : ''}
          </dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            S{t.severity} {SEVERITY_LABELS[t.severity]}
            {t.serviceSeverity !== t.severity && (
              <span class="muted"> · served at S{t.serviceSeverity} (QA)</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Domain</dt>
          <dd>
            {capitalise(t.domain)}
            {t.softwareClass &&
              ` · ${t.softwareClass === 'oem-error' ? 'OEM Error' : 'Reproducible Error'}`}
          </dd>
        </div>
        <div>
          <dt>Detected</dt>
          <dd title={formatFull(o.detectedAt)}>
            {formatWhen(o.detectedAt, now)} <span class="muted">via {words(o.source)}</span>
          </dd>
        </div>
        <div>
          <dt>Environment</dt>
          <dd>
            {o.environment === 'qa' ? 'QA' : 'Production'}
            {t.test && <span class="chip chip-test">test call</span>}
          </dd>
        </div>
        {o.contact && (
          <div>
            <dt>Contact</dt>
            <dd>{o.contact}</dd>
          </div>
        )}
        {t.parentId && (
          <div>
            <dt>Storm</dt>
            <dd>
              child of <a href={ticketHref(t.parentId)}>#{t.parentId}</a>
            </dd>
          </div>
        )}
        {t.children.length > 0 && (
          <div>
            <dt>Children</dt>
            <dd class="children">
              {t.children.map((c) => (
                <a key={c} href={ticketHref(c)}>
                  #{c}
                </a>
              ))}
            </dd>
          </div>
        )}
        {t.resolution && (
          <div class="wide">
            <dt>Resolution</dt>
            <dd>{t.resolution}</dd>
          </div>
        )}
        {t.consent && (
          <div class="wide">
            <dt>Consent</dt>
            <dd>
              “{t.consent.text}” — {t.consent.by}, {formatFull(t.consent.at)}
            </dd>
          </div>
        )}
      </dl>

      <section class="detail-section" aria-labelledby="clocks-heading">
        <h3 id="clocks-heading">Clocks</h3>
        {detail.clocksCarriedBy ? (
          <p class="muted">
            The storm’s parent{' '}
            <a href={ticketHref(detail.clocksCarriedBy)}>#{detail.clocksCarriedBy}</a> carries the
            clocks.
          </p>
        ) : detail.clocks.length === 0 ? (
          <p class="muted">No contract clock applies.</p>
        ) : (
          <ul class="clock-list">
            {detail.clocks.map((c) => (
              <li key={`${c.kind}:${c.iteration}`}>
                <CountdownBar clock={c} now={now} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <ActionsPanel detail={detail} me={me} />

      <section class="detail-section" aria-labelledby="classification-heading">
        <h3 id="classification-heading">Classification</h3>
        <p>
          Rule <code class="rule-id">{detail.classification.ruleId}</code> →{' '}
          {detail.classification.domain}, severity {detail.classification.severity}
          {detail.classification.replaceable && `, ${detail.classification.replaceable}`}
        </p>
        <p class="explanation">{detail.classification.explanation}</p>
        {detail.classification.because && detail.classification.because.length > 0 && (
          <>
            <h4>Why it fired</h4>
            <ul class="because">
              {detail.classification.because.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          </>
        )}
        {detail.classification.rule === null && (
          <p class="muted small">
            This rule is no longer in the collector’s rules; the ticket keeps what it said.
          </p>
        )}
      </section>

      <section class="detail-section" aria-labelledby="evidence-heading">
        <h3 id="evidence-heading">Evidence</h3>
        <Evidence evidence={o.evidence} />
      </section>

      <section class="detail-section" aria-labelledby="occurrences-heading">
        <h3 id="occurrences-heading">
          Occurrences <span class="muted">({t.occurrences})</span>
        </h3>
        <table class="mini-table">
          <thead>
            <tr>
              <th scope="col">Observed</th>
              <th scope="col">Summary</th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td title={formatFull(o.observedAt)}>{formatWhen(o.observedAt, now)}</td>
              <td>{o.summary}</td>
              <td class="evidence-inline">{inlineEvidence(o.evidence)}</td>
            </tr>
            {occurrences
              .slice(-20)
              .reverse()
              .map((e) =>
                e.type === 'occurrence' ? (
                  <tr key={e.seq}>
                    <td title={formatFull(e.data.observedAt)}>
                      {formatWhen(e.data.observedAt, now)}
                    </td>
                    <td>{e.data.summary}</td>
                    <td class="evidence-inline">{inlineEvidence(e.data.evidence)}</td>
                  </tr>
                ) : null,
              )}
          </tbody>
        </table>
        {occurrences.length > 20 && (
          <p class="muted small">
            The last 20 repeats are shown; the log holds all {occurrences.length}.
          </p>
        )}
      </section>

      {detail.escalations.length > 0 && (
        <section class="detail-section" aria-labelledby="escalations-heading">
          <h3 id="escalations-heading">Escalations</h3>
          <Escalations rows={detail.escalations} now={now} />
        </section>
      )}

      <section class="detail-section" aria-labelledby="log-heading">
        <h3 id="log-heading">Event log</h3>
        <EventLog events={detail.events} now={now} />
      </section>
    </>
  );
}

function inlineEvidence(evidence: unknown): string {
  if (!evidence || typeof evidence !== 'object') return '';
  return Object.entries(evidence as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

function Evidence({ evidence }: { evidence: unknown }) {
  const entries =
    evidence && typeof evidence === 'object'
      ? Object.entries(evidence as Record<string, unknown>)
      : [];
  if (entries.length === 0)
    return <p class="muted">No evidence recorded (a call placed by hand).</p>;
  return (
    <dl class="evidence">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Escalations({ rows, now }: { rows: EscalationStatus[]; now: number }) {
  return (
    <table class="mini-table">
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">After</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.role} class={`esc-${r.state}`}>
            <td>{ROLE_NAMES[r.role] ?? r.role}</td>
            <td title={formatFull(r.dueAt)}>{formatWhen(r.dueAt, now)}</td>
            <td>
              {r.state === 'escalated'
                ? `escalated${r.escalatedAt ? ` ${formatWhen(r.escalatedAt, now)}` : ''}`
                : r.state === 'pending'
                  ? 'pending'
                  : 'not needed'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function who(event: AnyTicketEvent): string {
  return event.actor.kind === 'system' ? 'collector' : `${event.actor.id} (${event.actor.role})`;
}

function describe(event: AnyTicketEvent): string {
  switch (event.type) {
    case 'opened':
      return `opened: ${event.data.summary} (rule ${event.data.classification.ruleId})`;
    case 'occurrence':
      return `seen again: ${event.data.summary}`;
    case 'cleared':
      return 'condition cleared at the source';
    case 'severity-raised':
      return `severity raised S${event.data.from} → S${event.data.to}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'acknowledged':
      return `acknowledged: ${event.data.note}`;
    case 'responded':
      return `responded${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'arrived-on-site':
      return `arrived on site${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'diagnosed':
      return `diagnosed ${event.data.domain}${event.data.softwareClass ? ` (${event.data.softwareClass === 'oem-error' ? 'OEM Error' : 'Reproducible Error'})` : ''}${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'replacement-dispatched':
      return `replacement blade dispatched${event.data.serial ? ` (serial ${event.data.serial})` : ''}${event.data.spareSetId ? ` from ${event.data.spareSetId}` : ''}${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'update-sent':
      return `update sent: ${event.data.note}`;
    case 'note':
      return `note: ${event.data.text}`;
    case 'fixed':
      return `marked fixed: ${event.data.resolution}`;
    case 'closed':
      return `closed with consent of ${event.data.consent.by}: “${event.data.consent.text}”`;
    case 'child-attached':
      return `ticket #${event.data.childId} joined this storm`;
    case 'parent-attached':
      return `became part of storm #${event.data.parentId}`;
    case 'clock-warning':
      return `warning: ${CLOCK_LABELS[event.data.clock] ?? event.data.clock} due ${formatFull(event.data.dueAt)}`;
    case 'clock-breached':
      return `breached: ${CLOCK_LABELS[event.data.clock] ?? event.data.clock} was due ${formatFull(event.data.dueAt)}`;
    case 'escalated':
      return `escalated to ${ROLE_NAMES[event.data.role] ?? event.data.role}`;
  }
}

function EventLog({ events, now }: { events: AnyTicketEvent[]; now: number }) {
  // Repeats can number thousands: the log shows them folded, the occurrences table shows them.
  const shown = events.filter((e) => e.type !== 'occurrence');
  return (
    <ol class="event-log" reversed>
      {[...shown].reverse().map((e) => (
        <li key={e.seq} class={`ev ev-${e.type}`}>
          <time dateTime={e.at} title={formatFull(e.at)}>
            {formatWhen(e.at, now)}
          </time>
          <span class="ev-who">{who(e)}</span>
          <span class="ev-what">{describe(e)}</span>
        </li>
      ))}
    </ol>
  );
}
