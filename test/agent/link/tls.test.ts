import { once } from 'node:events';
import { readFileSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.js';
import type { AgentConfigInput } from '../../../shared/config/agent-config.js';
import { Agent } from '../../../agent/main.js';
import { ClockScheduler } from '../../../agent/schedule/scheduler.js';
import { copyFixtures, fixtureConfig, fixtureHost, FIXTURES } from '../support/fixtures.js';

const TLS = join(FIXTURES, 'tls');
const pem = (name: string) => readFileSync(join(TLS, name));

/** An aedes broker on TLS that accepts blade-07 by password or by client certificate. */
let broker: Aedes;
let server: Server;
let url: string;
const published: { topic: string; client: string; user: string }[] = [];

beforeEach(async () => {
  published.length = 0;
  broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const socket = client.conn as unknown as TLSSocket;
      const cn = socket.authorized ? (socket.getPeerCertificate().subject?.CN ?? '') : '';
      const byPassword = username === 'blade-07' && password?.toString() === 's3cret';
      if (cn === 'blade-07' || byPassword) {
        (client as unknown as { user: string }).user = cn ? `cert:${cn}` : `password:${username}`;
        return done(null, true);
      }
      const error = Object.assign(new Error('bad credentials'), { returnCode: 4 });
      return done(error as never, false);
    },
  });
  broker.on('publish', (packet, client) => {
    if (client) {
      published.push({
        topic: packet.topic,
        client: client.id,
        user: (client as unknown as { user: string }).user,
      });
    }
  });
  server = createServer(
    {
      key: pem('server.key'),
      cert: pem('server.pem'),
      ca: pem('ca.pem'),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (socket) => broker.handle(socket),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function agentWith(mqtt: AgentConfigInput['mqtt']): Agent {
  const tree = copyFixtures();
  const state = join(mkdtempSync(join(tmpdir(), 'bf-tls-')), 'state');
  const clock = new ManualClock();
  return new Agent({
    config: fixtureConfig(
      { mqtt: { url, clientId: `tls-${Math.random()}`, ...mqtt } },
      { ...tree, state },
    ),
    clock,
    host: fixtureHost(),
    scheduler: new ClockScheduler(clock),
  });
}

describe('TLS and authentication', () => {
  it('connects with the CA and a username/password', async () => {
    const agent = agentWith({
      username: 'blade-07',
      password: 's3cret',
      tls: { ca: join(TLS, 'ca.pem') },
    });
    await agent.start();
    await once(agent.link, 'connected');
    await agent.stop();
    expect(published.find((p) => p.topic.endsWith('/birth'))?.user).toBe('password:blade-07');
  });

  it('connects with a client certificate and no password', async () => {
    const agent = agentWith({
      tls: { ca: join(TLS, 'ca.pem'), cert: join(TLS, 'blade.pem'), key: join(TLS, 'blade.key') },
    });
    await agent.start();
    await once(agent.link, 'connected');
    await agent.stop();
    expect(published.find((p) => p.topic.endsWith('/birth'))?.user).toBe('cert:blade-07');
  });

  it('is refused with a wrong password, and does not trust an unknown server', async () => {
    const wrong = agentWith({
      username: 'blade-07',
      password: 'guess',
      tls: { ca: join(TLS, 'ca.pem') },
    });
    await wrong.start();
    const [reason] = (await once(wrong.link, 'refused')) as [string];
    expect(reason).toMatch(/Bad username or password|Not authorized/i);
    expect(wrong.link.connected).toBe(false);
    await wrong.stop();

    const untrusting = agentWith({ username: 'blade-07', password: 's3cret' });
    await untrusting.start();
    const [tlsReason] = (await once(untrusting.link, 'refused')) as [string];
    expect(tlsReason).toMatch(/certificate/i);
    await untrusting.stop();
    expect(published).toEqual([]);
  });
});
