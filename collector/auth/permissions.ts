import type { Role } from '../domain/ticket-events.js';

/**
 * What each role may do. Operations watch; engineers work tickets; the customer raises
 * severities, places calls and consents to closing; admins manage people, tokens and the
 * contract. Everyone who can log in may read.
 */
export const PERMISSIONS = ['read', 'engineer', 'customer', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  operations: ['read'],
  engineer: ['read', 'engineer'],
  customer: ['read', 'customer'],
  admin: ['read', 'admin'],
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
