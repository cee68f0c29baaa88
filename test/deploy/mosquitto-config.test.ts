import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  mosquittoInstalled,
  runMosquitto,
  type RunningMosquitto,
} from '../support/mosquitto.js';
import { DEPLOY } from './support/installer.js';

const CONF = join(DEPLOY, 'mosquitto', 'bladeframe.conf');
const ACL = join(DEPLOY, 'mosquitto', 'bladeframe.acl');
const hasMosquitto = mosquittoInstalled();

/**
 * The shipped file as Debian's mosquitto.conf includes it (from conf.d, after its own
 * persistence settings, so a setting made twice is caught), with a plain local listener in
 * place of TLS and the password and ACL files of the test.
 */
function installConfig(dir: string, port: number): string {
  const tls = /^(listener|cafile|certfile|keyfile|require_certificate|tls_version)\b/;
  const shipped = readFileSync(CONF, 'utf8')
    .split('\n')
    .filter((line) => !tls.test(line))
    .join('\n')
    .replaceAll('/etc/mosquitto/bladeframe.', `${dir}/bladeframe.`);
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'conf.d', 'bladeframe.conf'), `${shipped}\nlistener ${port} 127.0.0.1\n`);
  const main = join(dir, 'mosquitto.conf');
  writeFileSync(
    main,
    ['persistence true', `persistence_location ${dir}/`, `include_dir ${dir}/conf.d`, ''].join(
      '\n',
    ),
  );
  return main;
}

describe.skipIf(!hasMosquitto)('deploy/mosquitto: the broker configuration and ACL', () => {
  let broker: RunningMosquitto | undefined;
  let url: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-mosquitto-'));
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'bladeframe.acl'), readFileSync(ACL));
    const passwd = join(dir, 'bladeframe.passwd');
    for (const [i, user] of ['collector', 'b01', 'b02'].entries()) {
      const args = ['-b', ...(i === 0 ? ['-c'] : []), passwd, user, `${user}-secret`];
      expect(spawnSync('mosquitto_passwd', args).status).toBe(0);
    }
    // Mosquitto started as root reads its files as the mosquitto user.
    chmodSync(passwd, 0o644);
    chmodSync(join(dir, 'bladeframe.acl'), 0o644);
    // Its persistence file is written as the mosquitto user.
    chmodSync(dir, 0o777);
    broker = await runMosquitto(installConfig(dir, port), port);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.stop();
  });

  async function connect(username: string | undefined, protocolVersion: 4 | 5 = 4) {
    const client = await mqtt.connectAsync(url, {
      protocolVersion,
      reconnectPeriod: 0,
      ...(username ? { username, password: `${username}-secret` } : {}),
    });
    clients.push(client);
    return client;
  }

  it('raises the queue limit that would drop the collector’s backlog', () => {
    const text = readFileSync(CONF, 'utf8');
    expect(Number(/^max_queued_messages (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(100_000);
    expect(text).toMatch(/^allow_anonymous false/m);
  });

  it('refuses a client without credentials', async () => {
    await expect(
      mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 }),
    ).rejects.toThrow();
  });

  it('lets a blade write its own topics only, and the collector read them all', async () => {
    const collector = await connect('collector', 5);
    const received: string[] = [];
    collector.on('message', (topic) => received.push(topic));
    await collector.subscribeAsync('$share/collectors/bladeframe/v1/#', { qos: 1 });

    const b01 = await connect('b01');
    await b01.publishAsync('bladeframe/v1/nj1/f1/b01/event', '{}', { qos: 1 });
    // Speaking for another blade is accepted on the wire (MQTT 3.1.1 has no refusal) but never
    // delivered.
    await b01.publishAsync('bladeframe/v1/nj1/f1/b02/event', '{}', { qos: 1 });
    const b02 = await connect('b02');
    await b02.publishAsync('bladeframe/v1/nj1/f1/b02/health', '{}', { qos: 1 });

    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(received.sort()).toEqual([
      'bladeframe/v1/nj1/f1/b01/event',
      'bladeframe/v1/nj1/f1/b02/health',
    ]);
  });

  it('does not let a blade read what other blades send', async () => {
    const b01 = await connect('b01');
    const seen: string[] = [];
    b01.on('message', (topic) => seen.push(topic));
    await b01.subscribeAsync('bladeframe/v1/#', { qos: 1 });
    const b02 = await connect('b02');
    await b02.publishAsync('bladeframe/v1/nj1/f1/b02/event', '{}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([]);
  });
});
