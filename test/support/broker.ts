import { EmbeddedBroker } from '../../collector/broker/embedded-broker.js';

/**
 * The MQTT broker a test talks to: the one named by MQTT_URL (CI: the machine's Mosquitto), or
 * an embedded aedes on a free port. Tests isolate themselves by topic (a unique site name), since
 * a real broker is shared by every test file running at once.
 */
export interface TestBroker {
  url: string;
  /** MQTT protocol version to use: 5 on a real broker, 4 (3.1.1) on aedes. */
  protocolVersion: 4 | 5;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const external = process.env.MQTT_URL;
  if (external) {
    return { url: external, protocolVersion: 5, embedded: false, stop: async () => undefined };
  }
  const broker = new EmbeddedBroker({ port: 0 });
  await broker.start();
  return { url: broker.url, protocolVersion: 4, embedded: true, stop: () => broker.stop() };
}

/** A site name no other test uses, so topics never collide on a shared broker. */
export function uniqueSite(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
