import mqtt, { type MqttClient } from 'mqtt';
import type { TestBroker } from '../../support/broker.js';

export interface Received {
  topic: string;
  kind: string;
  payload: Record<string, unknown> & { seq: number; bootId: string };
  retain: boolean;
}

/** Subscribes to one test site's topics and records everything that arrives. */
export class Subscriber {
  readonly messages: Received[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly client: MqttClient) {}

  static async start(broker: TestBroker, site: string): Promise<Subscriber> {
    const client = await mqtt.connectAsync(broker.url, {
      protocolVersion: broker.protocolVersion,
      clean: true,
      clientId: `sub-${site}-${Math.random().toString(36).slice(2, 8)}`,
    });
    const subscriber = new Subscriber(client);
    client.on('message', (topic, payload, packet) => {
      if (payload.length === 0) return; // a retained message being cleared
      subscriber.messages.push({
        topic,
        kind: topic.split('/').pop()!,
        payload: JSON.parse(payload.toString()) as Received['payload'],
        retain: packet.retain,
      });
      subscriber.waiters = subscriber.waiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
    });
    await client.subscribeAsync(`bladeframe/v1/${site}/#`, { qos: 1 });
    return subscriber;
  }

  of(kind: string): Received[] {
    return this.messages.filter((m) => m.kind === kind);
  }

  /** Resolves when `check` holds over what arrived; rejects after `timeoutMs` of waiting. */
  until(
    check: (messages: Received[]) => boolean,
    timeoutMs = 15_000,
    what = 'messages',
  ): Promise<void> {
    if (check(this.messages)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `timed out waiting for ${what}; got ${this.messages.map((m) => `${m.kind}#${m.payload.seq}`).join(' ')}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ check: () => check(this.messages), resolve: done });
    });
  }

  /** Ends the subscription and clears the retained states the test left on the broker. */
  async stop(): Promise<void> {
    const retainedTopics = new Set(this.of('state').map((m) => m.topic));
    for (const topic of retainedTopics) {
      await this.client.publishAsync(topic, '', { qos: 1, retain: true });
    }
    await this.client.endAsync();
  }
}
