import { BladeframeError } from '../../shared/errors.js';
import type { TicketView } from '../domain/fold.js';
import { roleAllows, type Permission } from '../auth/permissions.js';
import type { Actor, TicketState } from '../domain/ticket-events.js';

/** The lifecycle actions people take on a ticket. */
export const ACTIONS = [
  'respond',
  'arrive-on-site',
  'diagnose',
  'dispatch-replacement',
  'send-update',
  'add-note',
  'mark-fixed',
  'close',
  'raise-severity',
  'open-call',
] as const;
export type Action = (typeof ACTIONS)[number];

export type UserActor = Extract<Actor, { kind: 'user' }>;

/**
 * Who may do what, as permissions of the auth roles (collector/auth/permissions.ts): engineers
 * work tickets; the customer raises severities, places calls and consents to closing.
 */
export const PERMISSIONS_FOR: Record<Action, readonly Permission[]> = {
  respond: ['engineer'],
  'arrive-on-site': ['engineer'],
  diagnose: ['engineer'],
  'dispatch-replacement': ['engineer'],
  'send-update': ['engineer'],
  'mark-fixed': ['engineer'],
  'add-note': ['engineer', 'customer'],
  // An engineer may record the customer's written consent; the consent itself is the customer's.
  close: ['customer', 'engineer'],
  'raise-severity': ['customer'],
  // A call placed by hand: by the customer, or taken by an engineer on the telephone.
  'open-call': ['customer', 'engineer'],
};

const NOT_CLOSED: TicketState[] = [
  'open',
  'responded',
  'on-site',
  'diagnosed',
  'replacement-dispatched',
  'fixed',
];

/** The states each action may be taken from. */
export const ALLOWED_FROM: Record<Exclude<Action, 'open-call'>, readonly TicketState[]> = {
  respond: ['open'],
  'arrive-on-site': ['open', 'responded'],
  // A diagnosis needs an engineer engaged; it may be revised until a replacement is sent.
  diagnose: ['responded', 'on-site', 'diagnosed'],
  'dispatch-replacement': ['diagnosed'],
  'send-update': NOT_CLOSED,
  'add-note': [...NOT_CLOSED, 'closed'],
  'mark-fixed': ['responded', 'on-site', 'diagnosed', 'replacement-dispatched'],
  close: ['fixed'],
  'raise-severity': NOT_CLOSED,
};

/** What to do first when an action comes too early, for the error's details. */
const HINTS: Partial<Record<Action, string>> = {
  diagnose: 'respond or arrive on site first',
  'dispatch-replacement': 'diagnose the fault as hardware first',
  'mark-fixed': 'respond first',
  close: 'mark the ticket fixed first',
};

export function authorize(actor: UserActor, action: Action): void {
  const permissions = PERMISSIONS_FOR[action];
  if (!permissions.some((p) => roleAllows(actor.role, p))) {
    throw new BladeframeError('BF_FORBIDDEN', `the ${actor.role} role cannot ${action}`, [
      `role: ${actor.role} may not ${action}; it takes the ${permissions.join(' or ')} permission`,
    ]);
  }
}

/** Throws the coded error for an action the ticket's state does not allow. */
export function checkTransition(view: TicketView, action: Exclude<Action, 'open-call'>): void {
  const allowed = ALLOWED_FROM[action];
  if (
    action === 'dispatch-replacement' &&
    view.state === 'diagnosed' &&
    view.domain === 'software'
  ) {
    throw new BladeframeError(
      'BF_REPLACEMENT_SOFTWARE',
      `ticket ${view.id} is diagnosed as software`,
      [
        `domain: software (${view.softwareClass ?? 'unclassified'}); a replacement blade is for hardware alone`,
      ],
    );
  }
  if (allowed.includes(view.state)) return;
  if (view.state === 'closed') {
    throw new BladeframeError(
      'BF_TICKET_CLOSED',
      `ticket ${view.id} was closed at ${view.closedAt}`,
      [`state: closed; ${action} is not allowed`],
    );
  }
  const hint = HINTS[action];
  throw new BladeframeError(
    'BF_TICKET_TRANSITION',
    `cannot ${action} ticket ${view.id} in state ${view.state}`,
    [
      `state: ${view.state}; ${action} is allowed from ${allowed.join(', ')}`,
      ...(hint && STATE_RANK[view.state] < STATE_RANK[allowed[0]!] ? [`next: ${hint}`] : []),
    ],
  );
}

const STATE_RANK: Record<TicketState, number> = {
  open: 0,
  responded: 1,
  'on-site': 2,
  diagnosed: 3,
  'replacement-dispatched': 4,
  fixed: 5,
  closed: 6,
};
