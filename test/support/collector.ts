import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../collector/domain/ticket-events.js';
import {
  collectorConfigSchema,
  type CollectorConfig,
} from '../../shared/config/collector-config.js';
import { CollectorRuntime } from '../../collector/runtime.js';
import type { Clock } from '../../shared/clock.js';
import type { TestBroker } from './broker.js';
import type { TestDataLocation } from './stores.js';

/**
 * The configuration of a whole collector under test: the test broker, only the test's own site
 * (so collectors of tests running at once never see each other's messages), its own session
 * and its own store; HTTP on a free port.
 */
export function testCollectorConfig(
  broker: TestBroker,
  site: string,
  location: TestDataLocation,
  overrides: {
    fleet?: Record<string, unknown>;
    ingest?: Record<string, unknown>;
    notify?: Record<string, unknown>;
  } = {},
): CollectorConfig {
  return collectorConfigSchema.parse({
    mqtt: {
      url: broker.url,
      protocolVersion: broker.protocolVersion,
      clientId: `collector-${site}`,
      topicFilter: `bladeframe/v1/${site}/+/+/#`,
      sessionExpiry: '10m',
    },
    store: { dataDir: location.dataDir, databaseUrl: location.databaseUrl },
    http: { host: '127.0.0.1', port: 0 },
    fleet: overrides.fleet ?? {},
    ingest: overrides.ingest ?? {},
    notify: overrides.notify ?? {},
    log: { level: 'silent' },
  });
}

export async function startTestCollector(
  config: CollectorConfig,
  clock?: Clock,
): Promise<CollectorRuntime> {
  const runtime = new CollectorRuntime({ config, ...(clock ? { clock } : {}) });
  await runtime.start();
  return runtime;
}

/** `inject` into a running collector's API as a user of a role (created on first use). */
export async function injectAs(
  runtime: CollectorRuntime,
  role: Role = 'operations',
): Promise<(options: InjectOptions | string) => Promise<LightMyRequestResponse>> {
  const auth = runtime.auth!;
  const name = `test-${role}`;
  const user = (await auth.findUser(name)) ?? (await auth.createUser({ name, role }));
  const { token } = await auth.issueToken(user.id, { label: 'test' });
  return (options) => {
    const inject = typeof options === 'string' ? { url: options } : options;
    return runtime.app!.inject({
      ...inject,
      headers: { ...inject.headers, authorization: `Bearer ${token}` },
    });
  };
}
