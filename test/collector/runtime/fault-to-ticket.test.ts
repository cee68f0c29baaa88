import { getBlade } from '../../../collector/fleet/fleet-queries.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRuntime } from '../../../collector/runtime.js';
import { BusinessCalendar } from '../../../collector/sla/calendar.js';
import { clocksForNewTicket, computeClocks } from '../../../collector/sla/clocks.js';
import { FakeAgent } from '../../support/agent.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { injectAs, startTestCollector, testCollectorConfig } from '../../support/collector.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';
import { until } from '../../support/wait.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

describe.each(collectorStoreTargets)('fault to ticket, end to end, on $name', (target) => {
  let location: TestDataLocation;
  let runtime: CollectorRuntime | undefined;
  let agent: FakeAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    await runtime?.stop();
    await location.drop();
  });

  async function ticketsOf(site: string) {
    return runtime!
      .store!.db.selectFrom('tickets')
      .selectAll()
      .where('site_id', '=', site)
      .execute();
  }

  it('opens one ticket with its clocks; duplicates and replays leave it alone', async () => {
    const site = uniqueSite('e2e');
    location = await target.create();
    runtime = await startTestCollector(testCollectorConfig(broker, site, location));
    await until(() => runtime!.ingest!.status().subscribed, { what: 'subscription' });
    agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade: 'b1' });
    const { blade } = agent;
    const birth = blade.birth();
    const health = blade.health();
    const fault = blade.event('memory.ecc.uncorrectable');
    for (const [kind, message] of [
      ['birth', birth],
      ['health', health],
      ['event', fault],
    ] as const) {
      await agent.send(kind, message);
    }
    const [row] = await until(
      async () => {
        const rows = await ticketsOf(site);
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'ticket' },
    );
    expect(row).toMatchObject({
      signal: 'memory.ecc.uncorrectable',
      blade_id: 'b1',
      frame_id: 'f1',
      severity: 2,
    });

    // The same message again (QoS 1 redelivery), and the agent's outbox replaying everything.
    for (let i = 0; i < 3; i++) await agent.send('event', fault);
    for (const [kind, message] of [
      ['birth', birth],
      ['health', health],
      ['event', fault],
    ] as const) {
      await agent.send(kind, message);
    }
    const marker = blade.health();
    await agent.send('health', marker);
    await until(
      async () => {
        const view = await getBlade(runtime!.store!.db, 'b1');
        return (view?.lastHealth as { seq?: number } | null)?.seq === marker.seq;
      },
      { what: 'marker processed' },
    );
    // Visible once committed; counted once durable and acknowledged.
    await runtime.pipeline!.drain();
    const rows = await ticketsOf(site);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.occurrences)).toBe(1);
    expect(runtime.pipeline!.stats().duplicates).toBeGreaterThanOrEqual(6);

    // The clocks are the contract's for a severity 2 hardware fault detected when observed.
    const ticket = await runtime.tickets!.get(String(rows[0]!.id));
    const contract = runtime.contract!;
    const ctx = {
      contract,
      calendar: new BusinessCalendar(contract.businessHours),
      now: new Date(),
    };
    const clocks = computeClocks(ticket!.events, ctx);
    expect(ticket!.view.opened.detectedAt).toBe(new Date(fault.observedAt).toISOString());
    const expected = clocksForNewTicket(
      {
        severity: 2,
        detectedAt: new Date(fault.observedAt),
        environment: 'production',
        domain: 'hardware',
      },
      ctx,
    );
    expect(clocks.map((c) => [c.kind, c.startedAt, c.dueAt, c.state])).toEqual(
      expected.map((c) => [c.kind, c.startedAt, c.dueAt, 'running']),
    );
    expect(clocks.map((c) => c.kind)).toContain('onsite-response');
    const served = await (await injectAs(runtime))(`/api/tickets/${rows[0]!.id}`);
    expect(
      served.json().clocks.map((c: { kind: string; dueAt: string }) => [c.kind, c.dueAt]),
    ).toEqual(expected.map((c) => [c.kind, c.dueAt]));
  });
});
