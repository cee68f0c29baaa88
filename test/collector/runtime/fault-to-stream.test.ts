import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRuntime } from '../../../collector/runtime.js';
import { FakeAgent } from '../../support/agent.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { startTestCollector, testCollectorConfig } from '../../support/collector.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';
import { StreamTestClient } from '../../support/stream.js';
import { until } from '../../support/wait.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

describe.each(collectorStoreTargets)('fault to the live stream, end to end, on $name', (target) => {
  let location: TestDataLocation;
  let runtime: CollectorRuntime | undefined;
  let agent: FakeAgent | undefined;
  let client: StreamTestClient | undefined;
  afterEach(async () => {
    await client?.close();
    await agent?.stop();
    await runtime?.stop();
    await location.drop();
  });

  it('a fault published over MQTT reaches a WebSocket client as it happens', async () => {
    const site = uniqueSite('stream');
    location = await target.create();
    runtime = await startTestCollector(testCollectorConfig(broker, site, location));
    await until(() => runtime!.ingest!.status().subscribed, { what: 'subscription' });
    const user = await runtime.auth!.createUser({ name: 'ops', role: 'operations' });
    const { token } = await runtime.auth!.issueToken(user.id);
    client = await StreamTestClient.open(runtime.httpUrl, token, {
      since: runtime.stream!.stats().head,
    });
    await client.waitForType('live');

    agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade: 'b1' });
    await agent.send('birth', agent.blade.birth());
    await agent.send('event', agent.blade.event('memory.ecc.uncorrectable'));

    const messages = await client.waitFor(
      (m) => m.some((x) => x.type === 'ticket.event' && x.data.type === 'opened'),
      'the opened ticket on the stream',
    );
    const opened = messages.find((x) => x.type === 'ticket.event')!;
    expect(opened.data).toMatchObject({
      type: 'opened',
      ticket: {
        siteId: site,
        frameId: 'f1',
        bladeId: 'b1',
        signal: 'memory.ecc.uncorrectable',
        severity: 2,
        state: 'open',
      },
    });
    expect(messages.filter((x) => x.type === 'blade.state')[0]?.data).toMatchObject({
      bladeId: 'b1',
      siteId: site,
      state: 'online',
    });

    // A restart: the client is told to come back and, resuming by id, misses nothing.
    const seen = client.lastId();
    await runtime.stop();
    await until(() => client!.closed, { what: 'close on stop' });
    expect(client.closed!.code).toBe(1001);
    runtime = await startTestCollector(testCollectorConfig(broker, site, location));
    await agent.send(
      'event',
      agent.blade.event('kernel.oom_kill', 'active', {
        kind: 'kernel',
        id: 'oom',
        location: null,
      }),
    );
    await until(
      async () =>
        (
          await runtime!
            .store!.db.selectFrom('tickets')
            .select('id')
            .where('site_id', '=', site)
            .execute()
        ).length === 2,
      { what: 'the second ticket' },
    );
    client = await StreamTestClient.open(runtime.httpUrl, token, { since: seen });
    // What was missed comes first if the new collector has read it already, else live.
    const openedSignals = (c: StreamTestClient) =>
      c
        .events()
        .filter((m) => m.type === 'ticket.event' && m.data.type === 'opened')
        .map((m) => (m.data.ticket as { signal: string }).signal);
    await client.waitFor(() => openedSignals(client!).length > 0, 'the fault missed while away');
    expect(openedSignals(client)).toEqual(['kernel.oom_kill']);
  });
});
