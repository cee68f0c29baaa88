import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../collector/broker/embedded-broker.js';

let broker: EmbeddedBroker | undefined;
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

async function retainedState(url: string, topic: string): Promise<string | undefined> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clean: true });
  try {
    const got = new Promise<string>((resolve) =>
      client.on('message', (_t, payload) => resolve(payload.toString())),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return await Promise.race([got, new Promise<undefined>((r) => setTimeout(r, 500))]);
  } finally {
    await client.endAsync();
  }
}

describe('embedded broker', () => {
  it('routes QoS 1 messages between clients', async () => {
    broker = new EmbeddedBroker({ port: 0 });
    await broker.start();
    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    const received = new Promise<string>((resolve) =>
      sub.on('message', (topic, payload) => resolve(`${topic} ${payload.toString()}`)),
    );
    await sub.subscribeAsync('bladeframe/v1/+/+/+/#', { qos: 1 });
    await pub.publishAsync('bladeframe/v1/s/f/b/event', 'hello', { qos: 1 });
    expect(await received).toBe('bladeframe/v1/s/f/b/event hello');
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('keeps retained messages across a restart when given a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bf-broker-'));
    broker = new EmbeddedBroker({ port: 0, persistenceDir: dir });
    await broker.start();
    const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    await pub.publishAsync('bladeframe/v1/s/f/b/state', 'online', { qos: 1, retain: true });
    await pub.endAsync();
    await broker.stop();

    broker = new EmbeddedBroker({ port: 0, persistenceDir: dir });
    await broker.start();
    expect(await retainedState(broker.url, 'bladeframe/v1/s/f/b/state')).toBe('online');
  });
});
