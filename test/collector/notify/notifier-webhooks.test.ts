import { afterEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../collector/notify/delivery-store.js';
import { verifySignature } from '../../../collector/notify/signature.js';
import { notifyHarness, type NotifyHarness } from '../../support/notify.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation } from '../../support/tickets.js';
import { until } from '../../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = 'ops-bridge-shared-secret';

interface Body {
  key: string;
  event: { id: string; type: string; ticketId: string; at: string };
  ticket: {
    id: string;
    severity: number;
    siteId: string;
    bladeId: string | null;
    signal: string;
    summary: string;
    state: string;
  };
  clock: { kind: string; dueAt: string } | null;
  clocks: { kind: string; dueAt: string }[];
  link: string;
  delivery: { id: string; attempt: number; sentAt: string };
}

function bodies(receiver: WebhookReceiver): Body[] {
  return receiver.delivered.map((r) => JSON.parse(r.body) as Body);
}

describe.each(storeTargets)('webhook notifications on $name', (target) => {
  let h: NotifyHarness;
  let receiver: WebhookReceiver;
  afterEach(async () => {
    await h.close();
    await receiver.stop();
  });

  async function setup(hook: Record<string, unknown> = {}, delivery: Record<string, unknown> = {}) {
    receiver = await startReceiver(200);
    h = await notifyHarness(target, {
      webhooks: [{ name: 'ops', url: receiver.url, secret: SECRET, ...hook }],
      delivery,
    });
  }

  const open = async (blade = 'b01', overrides = {}) =>
    (await h.service.recordObservation(observation(h.clock, { bladeId: blade, ...overrides })))
      .ticketId!;

  it('posts each ticket event once, signed, with the ticket, its clocks and a link', async () => {
    await setup();
    const id = await open();
    h.clock.advance(60_000);
    await h.service.respond(id, engineer, { note: 'Looking' });
    await h.notifier.runDue();
    await h.notifier.runDue(); // nothing more: each event goes once
    expect(receiver.requests).toHaveLength(2);
    for (const r of receiver.requests) {
      expect(verifySignature(r.body, r.headers['x-signature'] as string, SECRET)).toBe(true);
    }
    const [opened, responded] = bodies(receiver);
    expect(opened!.event.type).toBe('opened');
    expect(opened!.ticket).toMatchObject({
      id,
      severity: 2,
      siteId: 'nj1',
      bladeId: 'b01',
      state: 'open',
    });
    expect(opened!.clocks.map((c) => c.kind)).toContain('onsite-response');
    expect(opened!.link).toBe(`https://callhome.example.net/#/tickets/${id}`);
    expect(responded!.event.type).toBe('responded');
    expect(responded!.ticket.state).toBe('responded');
    expect(receiver.requests[0]!.headers['x-bladeframe-event']).toBe(opened!.key);
    const log = await listDeliveries(h.store.db, {});
    expect(log.map((d) => [d.eventType, d.status, d.attempts])).toEqual([
      ['responded', 'delivered', 1],
      ['opened', 'delivered', 1],
    ]);
  });

  it('carries the clock of a warning and a breach, as the clock engine records them', async () => {
    await setup({ events: ['clock-warning', 'clock-breached'] });
    const { ClockEngine } = await import('../../../collector/tickets/clock-engine.js');
    const engine = new ClockEngine({ tickets: h.service });
    await open();
    // Severity 2 in business hours: on site within 4h; warned at 75 % (3h).
    h.clock.advance(180 * 60_000);
    await engine.runDue();
    h.clock.advance(60 * 60_000 + 1000); // a breach is past the due time
    await engine.runDue();
    await h.notifier.runDue();
    const got = bodies(receiver).filter((b) => b.clock?.kind === 'onsite-response');
    expect(got.map((b) => b.event.type)).toEqual(['clock-warning', 'clock-breached']);
    expect(got[0]!.clock!.dueAt).toBe('2026-01-05T18:00:00.000Z');
  });

  it('filters by event type, severity and test calls', async () => {
    await setup({ events: ['opened'], severities: [1, 2], calls: 'real' });
    await open('b01'); // severity 2
    await open('b02', { signal: 'pcie.aer.nonfatal', summary: 'AER non-fatal' }); // severity 3
    await h.service.recordObservation(
      observation(h.clock, { bladeId: 'b03', signal: 'test.call', summary: 'Test call' }),
    );
    await h.notifier.runDue();
    const got = bodies(receiver);
    expect(got.map((b) => [b.ticket.bladeId, b.ticket.severity])).toEqual([['b01', 2]]);
  });

  it('survives a receiver outage (503, then down): every delivery arrives once, in order', async () => {
    await setup();
    const a = await open('b01');
    await h.notifier.runDue();
    expect(receiver.delivered).toHaveLength(1);

    receiver.behaviour = 503;
    const b = await open('b02');
    h.clock.advance(1000);
    await h.service.respond(a, engineer, {});
    await h.notifier.runDue();
    // B's opening failed; A's response waits behind it (one target, in order).
    expect(receiver.requests.map((r) => r.status)).toEqual([200, 503]);
    let log = await listDeliveries(h.store.db, { status: ['pending'] });
    expect(log).toHaveLength(2);
    const head = log.find((d) => d.eventType === 'opened')!;
    expect(head).toMatchObject({ attempts: 1, lastCode: 503 });
    expect(head.nextAttemptAt).toBe(new Date(h.clock.now().getTime() + 30_000).toISOString());

    await receiver.stop();
    h.clock.advance(30_000);
    await h.notifier.runDue();
    log = await listDeliveries(h.store.db, { status: ['pending'] });
    expect(log.find((d) => d.eventType === 'opened')).toMatchObject({
      attempts: 2,
      lastCode: null,
    });
    expect(log.find((d) => d.eventType === 'opened')!.lastError).toMatch(/ECONNREFUSED/);

    await receiver.start();
    receiver.behaviour = 200;
    h.clock.advance(59_000);
    await h.notifier.runDue();
    expect(receiver.delivered).toHaveLength(1); // not yet due
    h.clock.advance(1_000);
    await h.notifier.runDue();
    const got = bodies(receiver);
    expect(got.map((x) => `${x.ticket.id}:${x.event.type}`)).toEqual([
      `${a}:opened`,
      `${b}:opened`,
      `${a}:responded`,
    ]);
    expect(new Set(got.map((x) => x.key)).size).toBe(3);
    expect(got[1]!.delivery.attempt).toBe(3);
    expect(await listDeliveries(h.store.db, { status: ['pending', 'failed'] })).toEqual([]);
  });

  it('records a permanent refusal as failed and goes on with the next delivery', async () => {
    await setup();
    receiver.behaviour = (_r, index) => (index === 0 ? 410 : 200);
    await open('b01');
    await open('b02');
    await h.notifier.runDue();
    const [second, first] = await listDeliveries(h.store.db, {});
    expect(first).toMatchObject({ status: 'failed', attempts: 1, lastCode: 410 });
    expect(first!.lastError).toContain('HTTP 410');
    expect(second).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('gives up after maxAttempts with the last error', async () => {
    await setup({}, { maxAttempts: 3 });
    receiver.behaviour = 500;
    await open();
    for (let i = 0; i < 5; i++) {
      await h.notifier.runDue();
      h.clock.advance(10 * 60_000);
    }
    expect(receiver.requests).toHaveLength(3);
    const [d] = await listDeliveries(h.store.db, {});
    expect(d).toMatchObject({ status: 'failed', attempts: 3, lastCode: 500 });
    expect(d!.lastError).toContain('gave up after 3 attempts');
  });

  it('serves receivers side by side: one down holds up no other', async () => {
    receiver = await startReceiver(200);
    const down = await startReceiver(503);
    h = await notifyHarness(target, {
      webhooks: [
        { name: 'ops', url: receiver.url, secret: SECRET },
        { name: 'pager', url: down.url, secret: SECRET },
      ],
    });
    await open('b01');
    await open('b02');
    await h.notifier.runDue();
    expect(receiver.delivered).toHaveLength(2);
    expect(down.requests).toHaveLength(1);
    await down.stop();
  });

  it('a receiver that hangs until its timeout holds up no other', async () => {
    receiver = await startReceiver(200);
    const hung = await startReceiver('hang');
    h = await notifyHarness(target, {
      webhooks: [
        { name: 'hung', url: hung.url, secret: SECRET },
        { name: 'ops', url: receiver.url, secret: SECRET },
      ],
      delivery: { timeout: '10s' },
    });
    for (const blade of ['b01', 'b02', 'b03']) await open(blade);
    const run = h.notifier.runDue();
    // At least: a delivery made twice then fails here by its count, not as a timeout. The hung
    // receiver's request is waited for too: under load it can reach that server after the
    // healthy one has served all three, and its timeout must be running before time moves on.
    await until(() => receiver.delivered.length >= 3 && hung.requests.length >= 1, {
      what: 'the healthy receiver served and the hung one reached',
      timeoutMs: 40_000,
    });
    expect(receiver.delivered).toHaveLength(3);
    expect(hung.requests).toHaveLength(1);
    h.clock.advance(10_000);
    await run;
    const [first] = await listDeliveries(h.store.db, { target: 'hung', status: ['pending'] });
    expect(first).toBeDefined();
    await hung.stop();
  });

  it('does not notify storm children unless the webhook asks for them', async () => {
    await setup({ stormChildren: false, events: ['opened'] });
    for (const blade of ['b01', 'b02', 'b03', 'b04', 'b05']) await open(blade);
    await h.notifier.runDue();
    const got = bodies(receiver).map((b) => `${b.ticket.bladeId ?? 'frame'}:${b.ticket.signal}`);
    // Four calls, the fourth making it a storm: the frame's parent call is notified; the fifth
    // blade, opened as the storm's child, is not.
    expect(got).toEqual([
      'b01:memory.ecc.uncorrectable',
      'b02:memory.ecc.uncorrectable',
      'b03:memory.ecc.uncorrectable',
      'b04:memory.ecc.uncorrectable',
      'frame:frame.storm',
    ]);
  });
});
