import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../collector/notify/backoff.js';
import {
  claimDue,
  listDeliveries,
  recordFailure,
} from '../../../collector/notify/delivery-store.js';
import { notifyHarness, type NotifyHarness } from '../../support/notify.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation } from '../../support/tickets.js';
import { until } from '../../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = 'worker-test-shared-secret';

describe('backoff', () => {
  const settings = { initialBackoff: 30_000, maxBackoff: 600_000, jitter: 0.2 };
  it('doubles from the initial delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, settings, 0.5))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000,
    ]);
  });
  it('spreads each delay by at most the jitter fraction', () => {
    expect(backoffDelay(2, settings, 0)).toBe(48_000);
    expect(backoffDelay(2, settings, 0.999999)).toBe(72_000);
    expect(backoffDelay(2, { ...settings, jitter: 0 }, 0.9)).toBe(60_000);
  });
});

describe.each(storeTargets)('delivery worker on $name', (target) => {
  let h: NotifyHarness;
  let receiver: WebhookReceiver;
  afterEach(async () => {
    await h.close();
    await receiver.stop();
  });

  async function setup(delivery: Record<string, unknown> = {}) {
    receiver = await startReceiver(200);
    h = await notifyHarness(target, {
      webhooks: [{ name: 'ops', url: receiver.url, secret: SECRET, events: ['*'] }],
      // Pokes run at the next turn here (timing tests); gathering has its own test.
      delivery: { pollInterval: '1h', gather: '0ms', ...delivery },
    });
  }

  const open = async (blade: string) =>
    (await h.service.recordObservation(observation(h.clock, { bladeId: blade }))).ticketId!;

  /** Moves the manual clock and lets the timers' runs (real HTTP) finish. */
  async function advance(ms: number) {
    h.clock.advance(ms);
    await h.notifier.idle();
  }

  it('sends at once when a ticket event is appended, driven by its timers', async () => {
    await setup();
    await h.notifier.start();
    await open('b01');
    await advance(0);
    await until(() => receiver.delivered.length === 1, { what: 'the opened event' });
  });

  it('gathers the events of `gather` into one run, and a later event never puts it off', async () => {
    await setup({ gather: '20ms' });
    await h.notifier.start();
    await open('b01');
    await advance(15);
    await open('b02');
    await advance(4);
    expect(receiver.requests).toHaveLength(0);
    // 20 ms after the first event, not after the second: both go in that run.
    await advance(1);
    await until(() => receiver.delivered.length === 2, { what: 'both opened events' });
    const blades = receiver.delivered.map(
      (r) => (JSON.parse(r.body) as { ticket: { bladeId: string } }).ticket.bladeId,
    );
    expect(blades).toEqual(['b01', 'b02']);
  });

  it('retries on the backoff schedule of the injected clock', async () => {
    await setup();
    receiver.behaviour = 503;
    await h.notifier.start();
    await open('b01');
    await advance(0);
    expect(receiver.requests).toHaveLength(1);
    const schedule = [30_000, 60_000, 120_000, 240_000];
    for (const delay of schedule) {
      await advance(delay - 1);
      expect(receiver.requests.length, `not before ${delay} ms`).toBe(schedule.indexOf(delay) + 1);
      await advance(1);
      expect(receiver.requests.length, `at ${delay} ms`).toBe(schedule.indexOf(delay) + 2);
    }
    receiver.behaviour = 200;
    await advance(480_000);
    expect(receiver.delivered).toHaveLength(1);
    const [d] = await listDeliveries(h.store.db, {});
    expect(d).toMatchObject({ status: 'delivered', attempts: 6, lastError: null });
  });

  it('honours a longer Retry-After', async () => {
    await setup();
    receiver.behaviour = { status: 429, headers: { 'retry-after': '300' } };
    await h.notifier.start();
    await open('b01');
    await advance(0);
    receiver.behaviour = 200;
    await advance(299_000);
    expect(receiver.delivered).toHaveLength(0);
    await advance(1_000);
    expect(receiver.delivered).toHaveLength(1);
  });

  it('loses nothing when the collector stopped between a ticket event and its notification', async () => {
    await setup();
    // Events land while no notifier runs (a crash right after the ticket transaction committed).
    const a = await open('b01');
    await h.service.respond(a, engineer, {});
    const b = await open('b02');
    const restarted = h.another('after-restart');
    await restarted.runDue();
    expect(receiver.delivered.map((r) => r.headers['x-bladeframe-event-type'])).toEqual([
      'opened',
      'responded',
      'opened',
    ]);
    expect(JSON.parse(receiver.delivered[2]!.body).ticket.id).toBe(b);
  });

  it('resumes a queue after a restart: what was pending is sent once, in order', async () => {
    await setup();
    receiver.behaviour = 503;
    for (const blade of ['b01', 'b02', 'b03']) await open(blade);
    await h.notifier.runDue();
    await h.notifier.stop();
    expect(receiver.requests).toHaveLength(1);

    receiver.behaviour = 200;
    const restarted = h.another('after-restart');
    h.clock.advance(30_000);
    await restarted.runDue();
    const blades = receiver.delivered.map((r) => JSON.parse(r.body).ticket.bladeId as string);
    expect(blades).toEqual(['b01', 'b02', 'b03']);
    expect(await listDeliveries(h.store.db, { status: ['pending'] })).toEqual([]);
  });

  it('a collector that died mid-send holds its delivery only until the lease ends', async () => {
    await setup({ timeout: '5s' });
    await open('b01');
    await h.notifier.queueNew();
    // A collector leased the delivery and died before recording anything.
    const now = h.clock.now().getTime();
    const leased = await claimDue(h.store.db, {
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + 40_000).toISOString(),
      owner: 'dead-collector',
      limit: 10,
    });
    expect(leased).toHaveLength(1);

    await h.notifier.runDue();
    expect(receiver.requests).toHaveLength(0); // still leased
    h.clock.advance(40_000);
    await h.notifier.runDue();
    expect(receiver.delivered).toHaveLength(1);
    expect(receiver.delivered[0]!.headers['x-bladeframe-delivery']).toBe(leased[0]!.id);
    const [d] = await listDeliveries(h.store.db, {});
    expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
    // The dead collector's late answer would change nothing: the lease is no longer its own.
    expect(
      await recordFailure(h.store.db, d!.id, 'dead-collector', {
        now: h.clock.now().toISOString(),
        code: null,
        error: 'late',
        retryAt: null,
      }),
    ).toBe(false);
  });

  it('a request the receiver never answers times out on the clock and is retried', async () => {
    await setup({ timeout: '5s' });
    receiver.behaviour = (_r, i) => (i === 0 ? 'hang' : 200);
    await open('b01');
    const run = h.notifier.runDue();
    await until(() => receiver.requests.length === 1, { what: 'the first attempt' });
    h.clock.advance(5_000);
    await run;
    const [d] = await listDeliveries(h.store.db, {});
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    expect(d!.lastError).toContain('no answer within 5000 ms');
    h.clock.advance(30_000);
    await h.notifier.runDue();
    expect(receiver.delivered).toHaveLength(1);
  });

  it('two collectors sharing the queue send each delivery once, in order per target', async () => {
    await setup();
    for (const blade of ['b01', 'b02', 'b03', 'b04', 'b05', 'b06']) {
      await open(blade);
      h.clock.advance(60_000);
    }
    const b = h.another('collector-b');
    await Promise.all([h.notifier.runDue(), b.runDue(), h.notifier.runDue(), b.runDue()]);
    await Promise.all([h.notifier.runDue(), b.runDue()]);
    const keys = receiver.delivered.map((r) => r.headers['x-bladeframe-event'] as string);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = keys.map((k) => Number(k.split(':')[1]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const log = await listDeliveries(h.store.db, {});
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    expect(keys).toHaveLength(log.length);
  });

  it('keeps the log to its retention: old finished deliveries go, pending ones stay', async () => {
    await setup({ retention: '30d' });
    await open('b01');
    await h.notifier.runDue();
    receiver.behaviour = 503;
    await open('b02');
    h.clock.advance(3_600_000);
    await h.notifier.runDue();
    expect((await listDeliveries(h.store.db, {})).map((d) => d.status)).toEqual([
      'pending',
      'delivered',
    ]);
    h.clock.advance(30 * 86_400_000);
    await h.notifier.runDue();
    expect((await listDeliveries(h.store.db, {})).map((d) => d.status)).toEqual(['pending']);
  });
});
