import type { Environment } from '../../shared/messages/birth.js';
import type { Component, Evidence } from '../../shared/messages/event.js';
import type { Signal } from '../../shared/signals.js';

/**
 * A ticket is its append-only event log: state, clocks and reports are all derived from these
 * events, so a corrected calendar or contract recomputes any past ticket identically.
 */
export type Severity = 1 | 2 | 3 | 4 | 5;
export type Domain = 'hardware' | 'software' | 'undetermined';
export type SoftwareErrorClass = 'oem-error' | 'reproducible-error';

export const ROLES = ['operations', 'engineer', 'customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who did it: the system itself (ingest, clocks) or an authenticated person. */
export type Actor = { kind: 'system'; id: string } | { kind: 'user'; id: string; role: Role };

export interface Classification {
  ruleId: string;
  domain: Domain;
  severity: Severity;
  /** FRU: field-replaceable unit (engineer installs); CRU: customer-replaceable unit. */
  replaceable: 'FRU' | 'CRU' | null;
  explanation: string;
  /** Why the rule fired: each test it made, with the values it saw. */
  because?: string[];
}

export interface OpenedData {
  source: 'call-home' | 'fleet' | 'customer';
  signal: Signal;
  component: Component;
  evidence: Evidence;
  summary: string;
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  environment: Environment;
  /** Observation time at the agent, bounded by the receive time (see docs/DECISIONS.md). */
  detectedAt: string;
  observedAt: string;
  receivedAt: string;
  classification: Classification;
  test: boolean;
  parentId: string | null;
  /** Customer contact for the monthly report (who reported or who is to be told). */
  contact: string | null;
}

export type TicketEventData = {
  opened: OpenedData;
  /** The same fault seen again while the ticket is open. */
  occurrence: { observedAt: string; receivedAt: string; evidence: Evidence; summary: string };
  /** The condition went away at the source; the ticket stays open until fixed and consented. */
  cleared: { observedAt: string };
  'severity-raised': { from: Severity; to: Severity; reason: string };
  /** Automatic acknowledgement (test calls). */
  acknowledged: { note: string };
  /** An engineer engaged: meets `response` and `software-response`. */
  responded: { note: string };
  'arrived-on-site': { note: string };
  diagnosed: {
    domain: 'hardware' | 'software';
    softwareClass: SoftwareErrorClass | null;
    note: string;
  };
  /** A replacement blade provided from the site's spare set: meets `replacement`. */
  'replacement-dispatched': { spareSetId: string | null; serial: string | null; note: string };
  /** A progress update to the customer on a software call: meets one `software-updates` period. */
  'update-sent': { note: string };
  note: { text: string };
  fixed: { resolution: string };
  closed: { consent: { by: string; at: string; text: string } };
  'child-attached': { childId: string };
  /** This ticket became a child of a storm's parent after it opened (the parent's clocks rule). */
  'parent-attached': { parentId: string };
  'clock-warning': { clock: ClockKind; iteration: number; dueAt: string };
  'clock-breached': { clock: ClockKind; iteration: number; dueAt: string };
  escalated: { role: EscalationRole; severity: Severity; after: string };
};

export type TicketEventType = keyof TicketEventData;

export interface TicketEvent<T extends TicketEventType = TicketEventType> {
  ticketId: string;
  /** Position in the ticket's log, from 1. */
  seq: number;
  at: string;
  actor: Actor;
  type: T;
  data: TicketEventData[T];
}

export type AnyTicketEvent = { [T in TicketEventType]: TicketEvent<T> }[TicketEventType];

export const TICKET_STATES = [
  'open',
  'responded',
  'on-site',
  'diagnosed',
  'replacement-dispatched',
  'fixed',
  'closed',
] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const CLOCK_KINDS = [
  'onsite-response',
  'diagnosis',
  'replacement',
  'response',
  'software-response',
  'software-updates',
] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export const ESCALATION_ROLES = [
  'ceo-coo',
  'vp',
  'enterprise-services-engineering',
  'technical-service-management',
  'customer-engineer',
] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

/** A clock's state at a moment, derived from the event log. */
export interface ClockStatus {
  kind: ClockKind;
  /** For the recurring `software-updates` clock, the period number (from 1); else 1. */
  iteration: number;
  calendar: 'business' | 'continuous';
  startedAt: string;
  dueAt: string;
  warnAt: string;
  metAt: string | null;
  state: 'running' | 'met' | 'breached';
  /** Positive: time left; negative: overdue by. Milliseconds, at `now` or at `metAt`. */
  marginMs: number;
}
