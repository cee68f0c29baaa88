import type { Generated } from 'kysely';
import type { Role } from '../domain/ticket-events.js';

/** People who use the API and dashboard, and their bearer tokens (stored only as hashes). */
export interface AuthTables {
  users: {
    id: string;
    name: string;
    role: Role;
    email: string | null;
    created_at: string;
    disabled_at: string | null;
  };
  api_tokens: {
    id: string;
    user_id: string;
    token_hash: string;
    label: string;
    created_at: string;
    expires_at: string | null;
    last_used_at: string | null;
    revoked_at: string | null;
    row: Generated<number>;
  };
}
