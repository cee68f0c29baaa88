import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { healthHistory } from '../../../collector/fleet/fleet-queries.js';
import { openStore, type Store } from '../../../collector/store/open-store.js';
import { FakeAgent } from '../../support/agent.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { CollectorProcesses } from '../../support/collector-process.js';
import { until } from '../../support/wait.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

const processes = new CollectorProcesses();
let agent: FakeAgent | undefined;
let store: Store | undefined;
afterEach(async () => {
  await agent?.stop();
  await store?.close();
  processes.cleanUp();
});

/** The blade's row and its snapshots, read from the file as another process sees it. */
async function headAndSnapshots(db: Store['db'], bladeId: string) {
  const row = await db
    .selectFrom('blades')
    .select('last_health_id')
    .where('blade_id', '=', bladeId)
    .executeTakeFirst();
  const latest = await db
    .selectFrom('health_snapshots')
    .select((eb) => [eb.fn.max('id').as('id'), eb.fn.countAll().as('n')])
    .where('blade_id', '=', bladeId)
    .executeTakeFirstOrThrow();
  return {
    head: row?.last_health_id == null ? null : Number(row.last_health_id),
    latest: Number(latest.id),
    count: Number(latest.n),
  };
}

describe('a collector killed while rows wait to be written', () => {
  it('names each blade its latest snapshot again at the next start', async () => {
    const dir = processes.tempDir();
    const site = uniqueSite('crash');
    const config = join(dir, 'collector.yaml');
    // A long write interval, so every health after the first waits in memory when it is killed.
    writeFileSync(
      config,
      [
        'mqtt:',
        `  url: ${broker.url}`,
        `  protocolVersion: ${broker.protocolVersion}`,
        `  topicFilter: bladeframe/v1/${site}/+/+/#`,
        '  sessionExpiry: 1m',
        `  sharedGroup: ${site}`,
        'fleet:',
        '  seenWriteInterval: 10s',
        '',
      ].join('\n'),
    );
    const env = {
      DATA_DIR: join(dir, 'data'),
      HTTP_PORT: '0',
      MQTT_CLIENT_ID: `collector-${site}`,
    };
    /** Started, and subscribed (what is published before that is not kept for it). */
    const started = async () => {
      const run = processes.start(['run', '--config', config], env);
      const url = await until(() => run.output.out.match(/listening on (http:\/\/\S+)/)?.[1], {
        what: 'the listening line',
        timeoutMs: 30_000,
      });
      await until(
        async () => {
          const res = await fetch(`${url}/healthz`);
          const health = (await res.json()) as Record<string, { ok: boolean }>;
          return health.broker?.ok ? true : undefined;
        },
        { what: 'the subscription' },
      );
      return run;
    };
    let run = await started();

    agent = await FakeAgent.connect(broker, { site, frame: 'f1', blade: 'b1' });
    await agent.send('birth', agent.blade.birth());
    await agent.send('health', agent.blade.health(60));
    // Read-only in effect: this test only reads, while the collector writes.
    store = await openStore({
      sqliteFile: join(dir, 'data', 'bladeframe.sqlite'),
      sqliteCheckpoint: 'inline',
    });
    const db = store.db;
    // A blade's first snapshot is written with its row: the rest wait only once it is stored
    // (sent together, all twenty could land in one batch with the first).
    await until(async () => ((await headAndSnapshots(db, 'b1')).head !== null ? true : undefined), {
      what: 'the first snapshot on the row',
    });
    for (let i = 1; i < 20; i++) await agent.send('health', agent.blade.health(60));
    const before = await until(
      async () => {
        const now = await headAndSnapshots(db, 'b1');
        return now.count === 20 ? now : undefined;
      },
      { what: 'the 20 snapshots stored' },
    );
    // Committed, but the row still names the first of them.
    expect(before.head).toBeLessThan(before.latest);

    run.child.kill('SIGKILL');
    await run.exited;
    run = await started();
    const after = await until(
      async () => {
        const now = await headAndSnapshots(db, 'b1');
        return now.head === now.latest ? now : undefined;
      },
      { what: 'the row repaired' },
    );
    expect(after.count).toBe(20);
    const history = await healthHistory(db, 'b1', new Date(Date.now() - 3_600_000));
    expect(history).toHaveLength(20);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
