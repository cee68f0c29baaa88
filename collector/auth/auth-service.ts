import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { BladeframeError } from '../../shared/errors.js';
import type { Role } from '../domain/ticket-events.js';
import { ROLES } from '../domain/ticket-events.js';
import type { Database } from '../store/schema.js';
import { generateToken, hashToken, looksLikeToken } from './tokens.js';

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  tokenId: string;
}

export interface UserRecord {
  id: string;
  name: string;
  role: Role;
  email: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface TokenRecord {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Recording every use would be a write per request; a minute's precision is enough. */
const LAST_USED_PRECISION_MS = 60_000;

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

export class AuthService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async createUser(input: {
    name: string;
    role: Role;
    email?: string | null;
  }): Promise<UserRecord> {
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw new BladeframeError('BF_BAD_REQUEST', `role must be one of ${ROLES.join(', ')}`, [
        `role: must be one of ${ROLES.join(', ')}`,
      ]);
    }
    const name = input.name.trim();
    if (!name) throw new BladeframeError('BF_BAD_REQUEST', 'name is empty', ['name: required']);
    const existing = await this.db
      .selectFrom('users')
      .select('id')
      .where('name', '=', name)
      .executeTakeFirst();
    if (existing) {
      throw new BladeframeError('BF_CONFLICT', `a user named "${name}" exists`, [
        `name: "${name}" is taken`,
      ]);
    }
    const user = {
      id: newId('u'),
      name,
      role: input.role,
      email: input.email ?? null,
      created_at: this.clock.now().toISOString(),
      disabled_at: null,
    };
    await this.db.insertInto('users').values(user).execute();
    return toUser(user);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').execute();
    return rows.map(toUser);
  }

  async findUser(idOrName: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async disableUser(id: string): Promise<void> {
    const now = this.clock.now().toISOString();
    const result = await this.db
      .updateTable('users')
      .set({ disabled_at: now })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0)
      throw new BladeframeError('BF_NOT_FOUND', `user ${id}`);
  }

  /** Issues a token; the clear text is returned once and never stored. */
  async issueToken(
    userId: string,
    options: { label?: string; expiresAt?: Date | null } = {},
  ): Promise<{ token: string; record: TokenRecord }> {
    const user = await this.findUser(userId);
    if (!user || user.disabledAt) throw new BladeframeError('BF_NOT_FOUND', `user ${userId}`);
    const token = generateToken();
    const row = {
      id: newId('tok'),
      user_id: user.id,
      token_hash: hashToken(token),
      label: options.label ?? 'api',
      created_at: this.clock.now().toISOString(),
      expires_at: options.expiresAt?.toISOString() ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { token, record: toToken(row) };
  }

  async listTokens(userId?: string): Promise<TokenRecord[]> {
    let query = this.db.selectFrom('api_tokens').selectAll().orderBy('created_at');
    if (userId) query = query.where('user_id', '=', userId);
    return (await query.execute()).map(toToken);
  }

  async revokeToken(tokenId: string): Promise<void> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: this.clock.now().toISOString() })
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new BladeframeError('BF_NOT_FOUND', `active token ${tokenId}`);
    }
  }

  /** Resolves a presented token to its user, or undefined when unknown, revoked or expired. */
  async authenticate(token: string | undefined): Promise<Principal | undefined> {
    if (!token || !looksLikeToken(token)) return undefined;
    const row = await this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id as tokenId',
        'api_tokens.expires_at as expiresAt',
        'api_tokens.revoked_at as revokedAt',
        'api_tokens.last_used_at as lastUsedAt',
        'users.id as userId',
        'users.name as name',
        'users.role as role',
        'users.disabled_at as disabledAt',
      ])
      .where('api_tokens.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    const now = this.clock.now();
    if (!row || row.revokedAt || row.disabledAt) return undefined;
    if (row.expiresAt && row.expiresAt <= now.toISOString()) return undefined;
    if (!row.lastUsedAt || now.getTime() - Date.parse(row.lastUsedAt) > LAST_USED_PRECISION_MS) {
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.tokenId)
        .execute();
    }
    return { userId: row.userId, name: row.name, role: row.role, tokenId: row.tokenId };
  }

  /**
   * First start: with no admin, create one and return a token for it (printed once by the
   * caller). `presetToken` (ADMIN_TOKEN) lets a deployment choose it instead.
   */
  async ensureBootstrapAdmin(presetToken?: string): Promise<string | undefined> {
    const admin = await this.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (presetToken) {
      if (!looksLikeToken(presetToken)) {
        throw new BladeframeError('BF_CONFIG_INVALID', 'ADMIN_TOKEN is not a bladeframe token', [
          'ADMIN_TOKEN: must start with bft_ and hold at least 40 characters after it',
        ]);
      }
      const known = await this.authenticate(presetToken);
      if (known) return undefined;
      const user = admin
        ? { id: admin.id }
        : await this.createUser({ name: 'admin', role: 'admin' });
      await this.db
        .insertInto('api_tokens')
        .values({
          id: newId('tok'),
          user_id: user.id,
          token_hash: hashToken(presetToken),
          label: 'ADMIN_TOKEN',
          created_at: this.clock.now().toISOString(),
          expires_at: null,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      return undefined;
    }
    if (admin) return undefined;
    const user = await this.createUser({ name: 'admin', role: 'admin' });
    return (await this.issueToken(user.id, { label: 'bootstrap' })).token;
  }
}

function toUser(row: Database['users']): UserRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    email: row.email,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

function toToken(row: Omit<Database['api_tokens'], 'row'>): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
