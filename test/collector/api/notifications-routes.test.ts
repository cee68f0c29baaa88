import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../../collector/api/errors.js';
import notificationRoutes from '../../../collector/api/routes/notifications.js';
import { AuthService } from '../../../collector/auth/auth-service.js';
import { ROLES } from '../../../collector/domain/ticket-events.js';
import { listDeliveries } from '../../../collector/notify/delivery-store.js';
import { notifyHarness, type NotifyHarness } from '../../support/notify.js';
import { storeTargets } from '../../support/stores.js';
import { observation } from '../../support/tickets.js';
import { until } from '../../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

interface Listed {
  counts: Record<string, number>;
  deliveries: {
    id: string;
    status: string;
    target: string;
    ticketId: string;
    eventType: string;
    attempts: number;
    lastCode: number | null;
  }[];
  next: number | null;
}

describe.each(storeTargets)('notification delivery API on $name', (target) => {
  let h: NotifyHarness;
  let app: FastifyInstance;
  let ok: WebhookReceiver;
  let gone: WebhookReceiver;
  const tokens: Record<string, string> = {};
  let pokes = 0;

  beforeEach(async () => {
    ok = await startReceiver(200);
    gone = await startReceiver(410);
    h = await notifyHarness(target, {
      webhooks: [
        { name: 'ops', url: ok.url, secret: 'a-secret-of-16-chars', events: ['opened'] },
        { name: 'legacy', url: gone.url, secret: 'a-secret-of-16-chars', events: ['opened'] },
      ],
    });
    const auth = new AuthService(h.store.db, h.clock);
    for (const role of ROLES) {
      const user = await auth.createUser({ name: `${role}-user`, role });
      tokens[role] = (await auth.issueToken(user.id)).token;
    }
    app = Fastify();
    installErrorHandling(app);
    pokes = 0;
    await app.register(notificationRoutes, {
      db: h.store.db,
      clock: h.clock,
      auth,
      poke: () => pokes++,
    });
    await app.ready();
    await h.service.recordObservation(observation(h.clock, { bladeId: 'b01' }));
    await h.service.recordObservation(observation(h.clock, { bladeId: 'b02', siteId: 'ny2' }));
    // On a shared PostgreSQL the event feed may wait at a hole in the ids for other sessions'
    // transactions to end, so one run can leave the second ticket's deliveries for the next.
    await until(
      async () => {
        await h.notifier.runDue();
        const settled = await listDeliveries(h.store.db, { status: ['delivered', 'failed'] });
        return settled.length === 4 ? true : undefined;
      },
      { what: 'both tickets delivered to both webhooks' },
    );
  });
  afterEach(async () => {
    await app.close();
    await h.close();
    await ok.stop();
    await gone.stop();
  });

  const get = (url: string, role = 'operations') =>
    app.inject({ url, headers: { authorization: `Bearer ${tokens[role]}` } });
  const retry = (id: string, role = 'admin') =>
    app.inject({
      method: 'POST',
      url: `/api/notifications/deliveries/${id}/retry`,
      headers: { authorization: `Bearer ${tokens[role]}` },
    });

  it('lists deliveries newest first with counts, filtered by status, target, ticket and event', async () => {
    const all = (await get('/api/notifications/deliveries')).json() as Listed;
    expect(all.counts).toEqual({ pending: 0, delivered: 2, failed: 2 });
    expect(all.deliveries).toHaveLength(4);
    expect(Number(all.deliveries[0]!.id)).toBeGreaterThan(Number(all.deliveries[3]!.id));

    const failed = (await get('/api/notifications/deliveries?status=failed')).json() as Listed;
    expect(failed.deliveries.map((d) => [d.target, d.lastCode])).toEqual([
      ['legacy', 410],
      ['legacy', 410],
    ]);
    const ticket = all.deliveries.at(-1)!.ticketId;
    const one = (
      await get(`/api/notifications/deliveries?ticket=${ticket}&target=ops`)
    ).json() as Listed;
    expect(one.deliveries).toHaveLength(1);
    const mails = (await get('/api/notifications/deliveries?channel=email')).json() as Listed;
    expect(mails.deliveries).toEqual([]);
    const paged = (await get('/api/notifications/deliveries?limit=3')).json() as Listed;
    expect(paged.next).toBe(Number(paged.deliveries[2]!.id));
    const rest = (await get(`/api/notifications/deliveries?before=${paged.next}`)).json() as Listed;
    expect(rest.deliveries).toHaveLength(1);
    const events = (
      await get('/api/notifications/deliveries?event=opened,closed')
    ).json() as Listed;
    expect(events.deliveries).toHaveLength(4);
  });

  it('shows one delivery with its payload', async () => {
    const [latest] = await listDeliveries(h.store.db, { limit: 1 });
    const res = await get(`/api/notifications/deliveries/${latest!.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().payload).toMatchObject({ type: 'ticket.event', event: { type: 'opened' } });
    expect((await get('/api/notifications/deliveries/99999')).statusCode).toBe(404);
  });

  it('answers malformed filters and ids with 400 and the path', async () => {
    for (const url of [
      '/api/notifications/deliveries?status=lost',
      '/api/notifications/deliveries?limit=0',
      '/api/notifications/deliveries?since=yesterday',
      '/api/notifications/deliveries?channel=pigeon',
      '/api/notifications/deliveries?colour=red',
      '/api/notifications/deliveries/abc',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('BF_BAD_REQUEST');
      expect(res.json().details.length).toBeGreaterThan(0);
    }
    expect((await retry('x1')).statusCode).toBe(400);
  });

  it('lets an admin retry a failed delivery; it is sent again from a fresh start', async () => {
    const [failed] = await listDeliveries(h.store.db, { status: ['failed'], limit: 1 });
    gone.behaviour = 200;
    const res = await retry(failed!.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: failed!.id, status: 'pending', attempts: 0 });
    // Who sent it again is on the record.
    expect(res.json().retriedBy).toMatch(/^u_/);
    expect(res.json().retriedAt).toBe(h.clock.now().toISOString());
    expect(pokes).toBe(1);
    await h.notifier.runDue();
    const after = (await get(`/api/notifications/deliveries/${failed!.id}`)).json();
    expect(after).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(gone.delivered).toHaveLength(1);

    const again = await retry(failed!.id);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('BF_CONFLICT');
    expect((await retry('99999')).statusCode).toBe(404);
  });

  it('needs a token to read, and the admin role to retry', async () => {
    expect((await app.inject({ url: '/api/notifications/deliveries' })).statusCode).toBe(401);
    for (const role of ROLES) {
      expect((await get('/api/notifications/deliveries', role)).statusCode, role).toBe(200);
    }
    const [failed] = await listDeliveries(h.store.db, { status: ['failed'], limit: 1 });
    for (const role of ['operations', 'engineer', 'customer']) {
      const res = await retry(failed!.id, role);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().code).toBe('BF_FORBIDDEN');
    }
    const unauthenticated = await app.inject({
      method: 'POST',
      url: `/api/notifications/deliveries/${failed!.id}/retry`,
    });
    expect(unauthenticated.statusCode).toBe(401);
    // Nothing changed by the refused calls.
    const still = await listDeliveries(h.store.db, { status: ['failed'] });
    expect(still).toHaveLength(2);
  });
});
