import mqtt, { type MqttClient } from 'mqtt';
import type { TopicAddress, MessageKind } from '../../shared/topics.js';
import type { TestBroker } from './broker.js';
import { bytes, FakeBlade } from './messages.js';

/**
 * A publisher shaped like the blade agent: a persistent QoS 1 session, a retained `state` with a
 * last will of `offline` (cause `will`, its seq reserved at connect), `online` on connect, then
 * whatever the test sends. `kill()` drops the TCP connection without a DISCONNECT, as a blade
 * that loses power does, so the broker publishes the will.
 */
export class FakeAgent {
  private constructor(
    readonly blade: FakeBlade,
    readonly client: MqttClient,
  ) {}

  static async connect(
    broker: TestBroker,
    address: TopicAddress,
    blade?: FakeBlade,
  ): Promise<FakeAgent> {
    const b = blade ?? new FakeBlade(address);
    const will = b.state('offline', 'will');
    const client = await mqtt.connectAsync(broker.url, {
      protocolVersion: broker.protocolVersion,
      clientId: `agent-${address.site}-${address.blade}`,
      clean: true,
      reconnectPeriod: 0,
      will: { topic: b.topic('state'), payload: bytes(will), qos: 1, retain: true },
    });
    const agent = new FakeAgent(b, client);
    await agent.send('state', b.state('online', 'connect'), true);
    return agent;
  }

  async send(kind: MessageKind, message: unknown, retain = false): Promise<void> {
    await this.client.publishAsync(this.blade.topic(kind), bytes(message), { qos: 1, retain });
  }

  async sendRaw(topic: string, payload: Buffer | string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  kill(): void {
    this.client.stream.destroy();
    this.client.end(true);
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
