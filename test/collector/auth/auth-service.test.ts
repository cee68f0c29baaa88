import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from '../../../collector/auth/auth-service.js';
import type { Store } from '../../../collector/store/open-store.js';
import { ManualClock } from '../../../shared/clock.js';
import { isBladeframeError } from '../../../shared/errors.js';
import { storeTargets } from '../../support/stores.js';

describe.each(storeTargets)('auth on $name', (target) => {
  let store: Store;
  let clock: ManualClock;
  let auth: AuthService;

  beforeEach(async () => {
    store = await target.open();
    clock = new ManualClock('2026-03-02T14:00:00Z');
    auth = new AuthService(store.db, clock);
  });
  afterEach(() => store.close());

  it('issues a token that authenticates as its user, stored only as a hash', async () => {
    const user = await auth.createUser({ name: 'alice', role: 'engineer', email: 'a@example.com' });
    const { token, record } = await auth.issueToken(user.id, { label: 'laptop' });
    expect(token).toMatch(/^bft_/);
    const principal = await auth.authenticate(token);
    expect(principal).toEqual({
      userId: user.id,
      name: 'alice',
      role: 'engineer',
      tokenId: record.id,
    });
    const rows = await store.db.selectFrom('api_tokens').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('refuses unknown, revoked, expired tokens and disabled users', async () => {
    const user = await auth.createUser({ name: 'bob', role: 'operations' });
    expect(await auth.authenticate(undefined)).toBeUndefined();
    expect(await auth.authenticate('bft_' + 'x'.repeat(43))).toBeUndefined();
    expect(await auth.authenticate('garbage')).toBeUndefined();

    const revoked = await auth.issueToken(user.id);
    await auth.revokeToken(revoked.record.id);
    expect(await auth.authenticate(revoked.token)).toBeUndefined();

    const expiring = await auth.issueToken(user.id, {
      expiresAt: new Date('2026-03-02T15:00:00Z'),
    });
    expect(await auth.authenticate(expiring.token)).toBeDefined();
    clock.set('2026-03-02T15:00:00Z');
    expect(await auth.authenticate(expiring.token)).toBeUndefined();

    const live = await auth.issueToken(user.id);
    await auth.disableUser(user.id);
    expect(await auth.authenticate(live.token)).toBeUndefined();
  });

  it('records last use at most once a minute', async () => {
    const user = await auth.createUser({ name: 'carol', role: 'customer' });
    const { token, record } = await auth.issueToken(user.id);
    await auth.authenticate(token);
    clock.advance(30_000);
    await auth.authenticate(token);
    expect((await auth.listTokens(user.id))[0]?.lastUsedAt).toBe('2026-03-02T14:00:00.000Z');
    clock.advance(60_000);
    await auth.authenticate(token);
    const [after] = await auth.listTokens(user.id);
    expect(after?.id).toBe(record.id);
    expect(after?.lastUsedAt).toBe('2026-03-02T14:01:30.000Z');
  });

  it('rejects a bad role and a duplicate name with coded errors', async () => {
    await auth.createUser({ name: 'dave', role: 'engineer' });
    await expect(auth.createUser({ name: 'dave', role: 'engineer' })).rejects.toSatisfy((e) =>
      isBladeframeError(e, 'BF_CONFLICT'),
    );
    await expect(
      auth.createUser({ name: 'erin', role: 'root' as unknown as 'admin' }),
    ).rejects.toSatisfy((e) => isBladeframeError(e, 'BF_BAD_REQUEST'));
  });

  it('bootstraps one admin on first start only, or adopts ADMIN_TOKEN', async () => {
    const first = await auth.ensureBootstrapAdmin();
    expect((await auth.authenticate(first))?.role).toBe('admin');
    expect(await auth.ensureBootstrapAdmin()).toBeUndefined();

    const preset = 'bft_' + 'p'.repeat(43);
    await auth.ensureBootstrapAdmin(preset);
    expect((await auth.authenticate(preset))?.role).toBe('admin');
    await auth.ensureBootstrapAdmin(preset);
    expect((await auth.listTokens()).filter((t) => t.label === 'ADMIN_TOKEN')).toHaveLength(1);
    await expect(auth.ensureBootstrapAdmin('short')).rejects.toSatisfy((e) =>
      isBladeframeError(e, 'BF_CONFIG_INVALID'),
    );
  });
});
