import { roleAllows } from '../../auth/permissions.js';
import type { Role } from '../../domain/ticket-events.js';
import type { StreamMessage } from './stream-messages.js';

/**
 * The one place that decides which stream messages a role sees. Today everyone who may read
 * sees everything (the customer is entitled to review every service ticket and parts status);
 * a narrower rule, such as a customer seeing only its own sites, belongs here and nowhere else.
 */
export function visibleTo(role: Role, _message: Pick<StreamMessage, 'type' | 'data'>): boolean {
  return roleAllows(role, 'read');
}
