import type { Contract } from '../../shared/config/contract.js';
import type { TicketView } from '../domain/fold.js';
import type { AnyTicketEvent } from '../domain/ticket-events.js';

/**
 * The words of the monthly report: "Customer contact, time opened, time fixed and a detailed
 * description of the malfunction and final resolution", taken from the call's log.
 */

/** Who the customer's contact for the call is: the caller, else the site's first contact. */
export function contactOf(view: TicketView, contract: Contract): string | null {
  if (view.opened.contact) return view.opened.contact;
  const site = contract.sites.find((s) => s.id === view.opened.siteId);
  const first = site?.contacts[0];
  if (!first) return null;
  const reach = [first.email, first.phone].filter(Boolean).join(', ');
  return reach ? `${first.name} (${reach})` : first.name;
}

function where(view: TicketView): string {
  const o = view.opened;
  const place = [o.siteId, o.frameId, o.bladeId].filter(Boolean).join('/');
  const component =
    o.component.kind === 'blade' || o.component.kind === 'frame'
      ? ''
      : ` ${o.component.kind} ${o.component.id}${o.component.location ? ` (${o.component.location})` : ''}`;
  return `${place}${component}`;
}

/** The malfunction: what was seen, where, how it was classified and what the engineer found. */
export function describeMalfunction(view: TicketView, events: readonly AnyTicketEvent[]): string {
  const o = view.opened;
  const parts = [`${o.summary.replace(/\.$/, '')}.`];
  parts.push(
    `${o.source === 'customer' ? 'Reported by the customer' : `Signal ${o.signal}`} on ${where(view)}.`,
  );
  if (o.source !== 'customer') parts.push(`${o.classification.explanation.replace(/\.$/, '')}.`);
  if (view.occurrences > 1) parts.push(`Seen ${view.occurrences} times.`);
  if (view.children.length > 0) parts.push(`${view.children.length} related faults in the frame.`);
  for (const e of events) {
    if (e.type === 'severity-raised') {
      parts.push(
        `Severity raised ${e.data.from} → ${e.data.to} by the customer${e.data.reason ? `: ${e.data.reason}` : ''}.`,
      );
    }
    if (e.type === 'diagnosed') {
      const kind =
        e.data.domain === 'software' && e.data.softwareClass
          ? `software (${e.data.softwareClass})`
          : e.data.domain;
      parts.push(`Diagnosed ${kind}${e.data.note ? `: ${e.data.note.replace(/\.$/, '')}` : ''}.`);
    }
  }
  return parts.join(' ');
}

/** The final resolution: the fix, any replacement blade, and the customer's consent to close. */
export function describeResolution(
  view: TicketView,
  events: readonly AnyTicketEvent[],
): string | null {
  const parts: string[] = [];
  for (const e of events) {
    if (e.type === 'replacement-dispatched') {
      const what = [e.data.serial ? `serial ${e.data.serial}` : null, e.data.spareSetId]
        .filter(Boolean)
        .join(', from ');
      parts.push(`Replacement blade dispatched${what ? ` (${what})` : ''}.`);
    }
  }
  if (view.resolution) parts.push(`${view.resolution.replace(/\.$/, '')}.`);
  if (view.consent) {
    parts.push(`Closed with the written consent of ${view.consent.by}: "${view.consent.text}"`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}
