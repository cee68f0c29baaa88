import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../shared/clock.js';
import type { AgentConfig, AgentConfigInput } from '../../../shared/config/agent-config.js';
import { factsFileHost } from '../../../agent/host/facts-file-host.js';
import { Agent } from '../../../agent/main.js';
import { ClockScheduler } from '../../../agent/schedule/scheduler.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { TcpProxy } from '../../support/tcp-proxy.js';
import { copyFixtures, fixtureConfig, FIXTURE_TIME } from './fixtures.js';
import { Subscriber } from './subscriber.js';

export interface Harness {
  broker: TestBroker;
  proxy: TcpProxy;
  site: string;
  tree: ReturnType<typeof copyFixtures>;
  stateDir: string;
  clock: ManualClock;
  config: AgentConfig;
  subscriber: Subscriber;
  agent: Agent;
  /** Sets the fatal AER counter of the fixture NIC (one new `pcie.aer.fatal` per increase). */
  setFatalAer(total: number): void;
  /** Moves the manual clock until the link is connected again (reconnect backoff). */
  reconnect(): Promise<void>;
  /** Resolves once every queued record has been acknowledged. */
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** An agent in this process on a fixture tree, behind a TCP proxy to a real broker. */
export async function startHarness(input: AgentConfigInput = {}): Promise<Harness> {
  const broker = await startTestBroker();
  const proxy = TcpProxy.forUrl(broker.url);
  await proxy.start();
  const site = uniqueSite('agent');
  const tree = copyFixtures();
  const stateDir = join(mkdtempSync(join(tmpdir(), 'bf-agent-')), 'state');
  const clock = new ManualClock(FIXTURE_TIME);
  const config = fixtureConfig(
    {
      ...input,
      site,
      mqtt: {
        url: proxy.url,
        protocolVersion: broker.protocolVersion,
        clientId: `agent-${site}`,
        sessionExpiry: '2m',
        reconnect: { min: '1s', max: '4s' },
        ...input.mqtt,
      },
    },
    { ...tree, state: stateDir },
  );
  const subscriber = await Subscriber.start(broker, site);
  const agent = new Agent({
    config,
    clock,
    host: factsFileHost(tree.facts),
    scheduler: new ClockScheduler(clock),
    random: () => 0,
  });
  const aerFatal = join(tree.sys, 'bus/pci/devices/0000:3b:00.0/aer_dev_fatal');
  return {
    broker,
    proxy,
    site,
    tree,
    stateDir,
    clock,
    config,
    subscriber,
    agent,
    setFatalAer(total) {
      writeFileSync(aerFatal, `DLP ${total}\nTOTAL_ERR_FATAL ${total}\n`);
    },
    async reconnect() {
      const connected = once(agent.link, 'connected');
      clock.advance(4000);
      await connected;
    },
    async drained() {
      while (agent.outbox.pending().length > 0) await once(agent.link, 'delivered');
    },
    async close() {
      await agent.stop().catch(() => undefined);
      await subscriber.stop();
      await proxy.stop();
      await broker.stop();
    },
  };
}
