import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLetters } from '../../../collector/ingest/dead-letters.js';
import type { CollectorRuntime } from '../../../collector/runtime.js';
import { FakeAgent } from '../../support/agent.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { injectAs, startTestCollector, testCollectorConfig } from '../../support/collector.js';
import { bytes } from '../../support/messages.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';
import { until } from '../../support/wait.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

describe.each(collectorStoreTargets)('ingest under stress, end to end, on $name', (target) => {
  let location: TestDataLocation;
  const runtimes: CollectorRuntime[] = [];
  const agents: FakeAgent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop().catch(() => undefined);
    for (const r of runtimes.splice(0)) await r.stop();
    await location.drop();
  });

  async function start(site: string) {
    const runtime = await startTestCollector(testCollectorConfig(broker, site, location));
    runtimes.push(runtime);
    await until(() => runtime.ingest!.status().subscribed, { what: 'subscription' });
    return runtime;
  }

  it('dead-letters a flood of invalid payloads and keeps ingesting', async () => {
    const site = uniqueSite('flood');
    location = await target.create();
    const runtime = await start(site);
    const agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade: 'b1' });
    agents.push(agent);
    const { blade } = agent;
    const impostor = { ...blade.event(), bladeId: 'b2' };
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const bad = [
        Buffer.from(`not json ${i}`),
        bytes({ ...blade.health(), intervalS: 'often' }),
        bytes(impostor),
        Buffer.from([0xff, 0xfe, i % 256]),
      ][i % 4]!;
      sends.push(agent.sendRaw(blade.topic(i % 4 === 2 || i % 2 ? 'event' : 'health'), bad));
      if (i % 30 === 0) sends.push(agent.send('health', blade.health()));
    }
    sends.push(agent.sendRaw(`bladeframe/v1/${site}/f1/b1/unknown-kind`, '{}'));
    await Promise.all(sends);
    const fault = blade.event('fan.failed', 'active', {
      kind: 'fan',
      id: 'fan3',
      location: 'rear',
    });
    await agent.send('event', fault);

    await until(async () => (await countDeadLetters(runtime.store!.db)) === 301, {
      what: '301 dead letters',
    });
    await until(
      async () =>
        (
          await runtime
            .store!.db.selectFrom('tickets')
            .select('id')
            .where('site_id', '=', site)
            .execute()
        ).length === 1,
      { what: 'the fault after the flood' },
    );
    const snapshots = await runtime.store!.db.selectFrom('health_snapshots').select('id').execute();
    expect(snapshots).toHaveLength(10);
    const health = await runtime.app!.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const letters = await (await injectAs(runtime))('/api/dead-letters?limit=1000');
    const codes = letters.json().deadLetters.map((d: { code: string }) => d.code);
    expect(codes.filter((c: string) => c === 'BF_TOPIC_INVALID')).toHaveLength(76);
    expect(codes.filter((c: string) => c === 'BF_MESSAGE_INVALID')).toHaveLength(225);
  });

  it('opens blade.offline when a blade dies without a goodbye', async () => {
    const site = uniqueSite('kill');
    location = await target.create();
    const runtime = await start(site);
    const agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade: 'b1' });
    await agent.send('birth', agent.blade.birth());
    await agent.send('health', agent.blade.health());
    await until(
      async () => (await (await injectAs(runtime))('/api/blades/b1')).statusCode === 200,
      {
        what: 'blade registered',
      },
    );
    agent.kill();
    const ticket = await until(
      async () =>
        runtime
          .store!.db.selectFrom('tickets')
          .selectAll()
          .where('site_id', '=', site)
          .where('signal', '=', 'blade.offline')
          .executeTakeFirst(),
      { what: 'blade.offline ticket' },
    );
    expect(ticket).toMatchObject({ blade_id: 'b1', source: 'fleet' });
    const blade = (await (await injectAs(runtime))('/api/blades/b1')).json();
    expect(blade).toMatchObject({ state: 'offline', fault: 'blade.offline' });
  });

  it('loses and doubles nothing when the collector is restarted mid-stream', async () => {
    const site = uniqueSite('restart');
    location = await target.create();
    let runtime = await start(site);
    const blades = await Promise.all(
      ['b1', 'b2', 'b3'].map((name) =>
        FakeAgent.connect(broker, { site, frame: 'f1', blade: name }),
      ),
    );
    agents.push(...blades);
    const perBlade = 150;
    const expected = new Set<string>();
    // The stream goes on through both restarts, but each third waits for its restart to have
    // begun: a fast collector would otherwise take in everything before the first one, and
    // the second would have nothing left to resume with.
    const crashed = gate();
    const resumed = gate();
    const publishing = (async () => {
      for (let i = 0; i < perBlade; i++) {
        if (i === perBlade / 3) await crashed.promise;
        if (i === (2 * perBlade) / 3) await resumed.promise;
        for (const agent of blades) {
          const message =
            i % 10 === 5
              ? agent.blade.event('kernel.oom_kill', 'active', {
                  kind: 'kernel',
                  id: `oom-${i}`,
                  location: null,
                })
              : agent.blade.health();
          expected.add(`${message.bladeId}/${message.seq}`);
          await agent.send(i % 10 === 5 ? 'event' : 'health', message);
        }
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await until(async () => runtime.pipeline!.stats().processed >= 100, { what: 'first messages' });
    // A crash: the connection goes without a goodbye; held messages were never acknowledged.
    await runtime.ingest!.abort();
    crashed.open();
    await runtime.stop();
    runtimes.splice(runtimes.indexOf(runtime), 1);
    runtime = await start(site);
    await until(async () => runtime.pipeline!.stats().processed >= 50, { what: 'ingest resumed' });
    // A graceful restart as well.
    resumed.open();
    await runtime.stop();
    runtimes.splice(runtimes.indexOf(runtime), 1);
    runtime = await start(site);
    await publishing;

    const total = blades.length * (perBlade + 1); // + each agent's online state
    // Identities: health messages' are their snapshots, the others' are identity rows.
    const identities = async () => {
      const db = runtime.store!.db;
      const others = await db
        .selectFrom('ingest_messages')
        .select(['blade_id', 'seq'])
        .where('site_id', '=', site)
        .execute();
      const health = await db
        .selectFrom('health_snapshots')
        .select(['blade_id', 'seq'])
        .where(
          'blade_id',
          'in',
          blades.map((b) => b.blade.address.blade),
        )
        .execute();
      return [...others, ...health];
    };
    await until(async () => (await identities()).length >= total, {
      what: `all ${total} messages`,
      timeoutMs: 30_000,
    });
    const seen = await identities();
    expect(seen).toHaveLength(total);
    for (const key of expected)
      expect(seen.some((s) => `${s.blade_id}/${Number(s.seq)}` === key)).toBe(true);
    const snapshots = await runtime.store!.db.selectFrom('health_snapshots').select('id').execute();
    expect(snapshots).toHaveLength(blades.length * (perBlade - perBlade / 10));
    const tickets = await runtime
      .store!.db.selectFrom('tickets')
      .selectAll()
      .where('site_id', '=', site)
      .execute();
    const occurrences = tickets.reduce((sum, t) => sum + Number(t.occurrences), 0);
    expect(occurrences).toBe(blades.length * (perBlade / 10));
  });
});

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
