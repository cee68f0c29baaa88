import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../../collector/notify/signature.js';
import type { CollectorRuntime } from '../../../collector/runtime.js';
import { FakeAgent } from '../../support/agent.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { injectAs, startTestCollector, testCollectorConfig } from '../../support/collector.js';
import { startSmtp, type TestSmtpServer } from '../../support/smtp.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';
import { until } from '../../support/wait.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = 'end-to-end-shared-secret';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

describe.each(collectorStoreTargets)('notifications, end to end, on $name', (target) => {
  let location: TestDataLocation;
  let runtime: CollectorRuntime | undefined;
  let agent: FakeAgent | undefined;
  let receiver: WebhookReceiver;
  let smtp: TestSmtpServer;
  afterEach(async () => {
    await agent?.stop();
    await runtime?.stop();
    await receiver.stop();
    await smtp.stop();
    await location.drop();
  });

  function config(site: string) {
    return testCollectorConfig(broker, site, location, {
      notify: {
        dashboardUrl: 'https://callhome.example.net',
        delivery: { initialBackoff: '100ms', maxBackoff: '200ms', pollInterval: '100ms' },
        webhooks: [{ name: 'ops', url: receiver.url, secret: SECRET, events: ['opened'] }],
        smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'callhome@example.net' },
      },
    });
  }

  async function fault(site: string, blade: string) {
    agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade });
    await agent.send('birth', agent.blade.birth());
    await agent.send('event', agent.blade.event('memory.ecc.uncorrectable'));
    await agent.stop();
    agent = undefined;
  }

  it('a fault published over MQTT reaches the webhook and the escalation lists', async () => {
    const site = uniqueSite('notify');
    location = await target.create();
    receiver = await startReceiver(200);
    smtp = await startSmtp();
    runtime = await startTestCollector(config(site));
    await until(() => runtime!.ingest!.status().subscribed, { what: 'subscription' });
    await fault(site, 'b1');

    const [hook] = await until(() => (receiver.delivered.length > 0 ? receiver.delivered : null), {
      what: 'the webhook',
    });
    expect(verifySignature(hook!.body, hook!.headers['x-signature'] as string, SECRET)).toBe(true);
    const body = JSON.parse(hook!.body);
    expect(body.ticket).toMatchObject({ siteId: site, bladeId: 'b1', severity: 2 });
    await until(() => smtp.mails.length === 2, { what: 'two emails' });
    expect(smtp.mails.flatMap((m) => m.envelopeTo).sort()).toEqual([
      'ce-dispatch@egenera.example',
      'tsm-ny@egenera.example',
    ]);

    const read = await injectAs(runtime, 'operations');
    // The log catches up once each answer is recorded.
    const counts = await until(
      async () => {
        const log = (await read('/api/notifications/deliveries')).json();
        return log.counts.delivered === 3 ? log.counts : null;
      },
      { what: 'three deliveries recorded' },
    );
    expect(counts).toEqual({ pending: 0, delivered: 3, failed: 0 });
    const health = (await runtime.app!.inject({ url: '/healthz' })).json();
    expect(health.notify).toMatchObject({
      pending: 0,
      delivered: 3,
      failed: 0,
      oldestPendingAt: null,
      webhooks: ['ops'],
      email: true,
    });
  });

  it('what the collector could not send before it stopped goes out after its restart', async () => {
    const site = uniqueSite('notify');
    location = await target.create();
    receiver = await startReceiver(503);
    smtp = await startSmtp();
    await smtp.stop();
    runtime = await startTestCollector(config(site));
    await until(() => runtime!.ingest!.status().subscribed, { what: 'subscription' });
    await fault(site, 'b2');
    await until(() => receiver.requests.length > 0, { what: 'a first attempt' });
    await runtime.stop();

    receiver.behaviour = 200;
    await smtp.start();
    runtime = await startTestCollector(config(site));
    await until(() => receiver.delivered.length === 1 && smtp.mails.length === 2, {
      what: 'the queued webhook and emails',
    });
    expect(JSON.parse(receiver.delivered[0]!.body).ticket.bladeId).toBe('b2');
  });
});
