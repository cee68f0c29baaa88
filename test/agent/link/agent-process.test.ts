import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/clock.js';
import { Outbox } from '../../../agent/outbox/outbox.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { ChildAgent } from '../support/child-agent.js';
import { cli } from '../support/cli.js';
import { copyFixtures } from '../support/fixtures.js';
import { Subscriber } from '../support/subscriber.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterEach(() => ChildAgent.killAll());

afterAll(async () => {
  await broker.stop();
});

interface Blade {
  site: string;
  stateDir: string;
  env: Record<string, string>;
  subscriber: Subscriber;
}

async function blade(url: string): Promise<Blade> {
  const site = uniqueSite('proc');
  const tree = copyFixtures();
  const stateDir = join(mkdtempSync(join(tmpdir(), 'bf-proc-')), 'state');
  const env = {
    BLADEFRAME_SITE: site,
    BLADEFRAME_FRAME: 'frame-01',
    BLADEFRAME_SYSFS: tree.sys,
    BLADEFRAME_PROCFS: tree.proc,
    BLADEFRAME_STATE_DIR: stateDir,
    BLADEFRAME_MQTT_URL: url,
    BLADEFRAME_MQTT_PROTOCOL_VERSION: String(broker.protocolVersion),
    BLADEFRAME_MQTT_CLIENT_ID: `agent-${site}`,
    BLADEFRAME_MQTT_SESSION_EXPIRY: '1m',
    BLADEFRAME_LOG_LEVEL: 'debug',
  };
  return { site, stateDir, env, subscriber: await Subscriber.start(broker, site) };
}

describe('the agent as a process', () => {
  it('dies, and the broker publishes its last will: offline', async () => {
    const b = await blade(broker.url);
    const agent = ChildAgent.start(b.env);
    await b.subscriber.until(
      (ms) => ms.some((m) => m.payload.state === 'online'),
      20_000,
      'online',
    );
    const online = b.subscriber.of('state')[0]!;
    await agent.kill('SIGKILL');
    await b.subscriber.until(
      (ms) => ms.some((m) => m.payload.cause === 'will'),
      20_000,
      'the will',
    );
    const will = b.subscriber.of('state').find((m) => m.payload.cause === 'will')!;
    expect(will.payload).toMatchObject({ state: 'offline', bootId: online.payload.bootId });
    // Its seq was reserved when the connection was made, before the online state's.
    expect(will.payload.seq).toBeLessThan(online.payload.seq);
    const seqs = b.subscriber.messages.map((m) => m.payload.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    await b.subscriber.stop();
  });

  it('killed with messages queued, delivers them with their identity after a restart', async () => {
    const proxy = TcpProxy.forUrl(broker.url);
    await proxy.start();
    await proxy.pause(); // the broker is unreachable
    const b = await blade(proxy.url);
    const first = ChildAgent.start(b.env);
    await first.waitForLog('agent started');
    const queued = Outbox.inspect(b.stateDir).records.map(
      (r) => JSON.parse(r.payload) as { seq: number; signal?: string },
    );
    expect(queued.filter((q) => q.signal).length).toBeGreaterThan(5);
    expect(queued.some((q) => q.signal === 'memory.ecc.correctable')).toBe(true);
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    await proxy.resume();
    const second = ChildAgent.start(b.env);
    const want = queued.map((q) => q.seq);
    await b.subscriber.until(
      (ms) => want.every((seq) => ms.some((m) => m.payload.seq === seq)),
      20_000,
      'the queued messages',
    );
    // Delivered once each, in their order; nothing detected twice after the restart.
    const replayed = b.subscriber.messages.filter((m) => want.includes(m.payload.seq));
    expect(replayed.map((m) => m.payload.seq)).toEqual(want);
    const events = b.subscriber.of('event');
    expect(events.map((m) => m.payload.seq)).toEqual(want.filter((_, i) => queued[i]!.signal));
    // The restarted agent continues the boot's sequence past everything used before.
    const birth = b.subscriber.of('birth')[0]!;
    expect(birth.payload.seq).toBeGreaterThan(Math.max(...want));

    // The restarted agent's own first health snapshot follows the replay.
    await b.subscriber.until((ms) =>
      ms.some((m) => m.kind === 'health' && m.payload.seq > Math.max(...want)),
    );
    const stopped = await second.kill('SIGTERM');
    expect(stopped.code).toBe(0);
    await b.subscriber.until((ms) => ms.some((m) => m.payload.cause === 'shutdown'));
    expect(Outbox.inspect(b.stateDir).records).toEqual([]);
    await b.subscriber.stop();
    await proxy.stop();
  });

  it('test-event goes through the running agent, or alone when none runs', async () => {
    const b = await blade(broker.url);
    const agent = ChildAgent.start(b.env);
    await agent.waitForLog('agent started');
    await b.subscriber.until((ms) => ms.some((m) => m.kind === 'birth'));

    const via = await cli(['test-event', '--timeout', '20s', '--note', 'first'], {
      env: b.env,
      clock: systemClock,
    });
    expect(via.stderr).toBe('');
    expect(via.stdout).toMatch(
      /handed to the running agent \(pid \d+\)\ntest call queued as seq \d+\ndelivered/,
    );
    expect(via.status).toBe(0);
    await b.subscriber.until((ms) => ms.some((m) => m.payload.signal === 'test.call'));
    const call = b.subscriber.messages.find((m) => m.payload.signal === 'test.call')!;
    expect(call.payload).toMatchObject({
      status: 'active',
      component: { kind: 'agent', id: 'test-call', location: null },
      evidence: { note: 'first' },
    });

    await agent.kill('SIGTERM');
    const statesBefore = b.subscriber.of('state').length;
    const alone = await cli(['test-event', '--timeout', '20s', '--note', 'second'], {
      env: b.env,
      clock: systemClock,
    });
    expect(alone.stdout).toContain('(agent not running: sending it)');
    expect(alone.status).toBe(0);
    await b.subscriber.until(
      (ms) => ms.filter((m) => m.payload.signal === 'test.call').length === 2,
    );
    const calls = b.subscriber.messages.filter((m) => m.payload.signal === 'test.call');
    expect(calls[1]!.payload.seq).toBeGreaterThan(calls[0]!.payload.seq);
    // A one-shot sender announces nothing: the blade stays offline.
    expect(b.subscriber.of('state').length).toBe(statesBefore);
    await b.subscriber.stop();
  });

  it('test-event with the broker unreachable leaves the call queued and says so', async () => {
    const proxy = TcpProxy.forUrl(broker.url);
    await proxy.start();
    await proxy.pause();
    const b = await blade(proxy.url);
    const result = await cli(['test-event', '--timeout', '1s'], { env: b.env, clock: systemClock });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('not delivered within 1s: it stays queued');
    const listing = await cli(['outbox', '--json'], { env: b.env });
    const [stats, ...records] = listing.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(stats).toMatchObject({ queued: 1, agentPid: null });
    expect(records[0].payload).toMatchObject({ signal: 'test.call' });
    const human = await cli(['outbox'], { env: b.env });
    expect(human.stdout).toMatch(
      /1 queued .* agent not running\n {2}seq +\d+ {2}\S+ {2}test\.call active/,
    );
    await b.subscriber.stop();
    await proxy.stop();
  });
});

describe('bad state directory', () => {
  it('run refuses clearly when the outbox directory cannot be created', async () => {
    const result = await cli(['run'], { env: { BLADEFRAME_STATE_DIR: '/etc/passwd/state' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error BF_OUTBOX_UNWRITABLE: the outbox directory is not writable: /etc/passwd/state: ENOTDIR\n  /etc/passwd/state: ENOTDIR\n',
    );
  });
});
