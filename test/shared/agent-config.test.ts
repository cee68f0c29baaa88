import { describe, expect, it } from 'vitest';
import {
  agentConfigSchema,
  cronExpressionFor,
  loadAgentConfig,
} from '../../shared/config/agent-config.js';
import { parseDuration } from '../../shared/duration.js';
import { sanitiseSegment } from '../../agent/identity.js';

describe('agent configuration', () => {
  it('has working defaults for every setting', () => {
    const config = agentConfigSchema.parse({});
    expect(config).toMatchObject({
      site: 'default',
      frame: 'default',
      environment: 'production',
      paths: { sysfs: '/sys', procfs: '/proc', stateDir: '/var/lib/bladeframe-agent' },
      mqtt: { url: 'mqtt://127.0.0.1:1883', protocolVersion: 4, keepalive: 30_000 },
      intervals: { cycle: 15_000, heartbeat: 60_000 },
      probes: { smart: { interval: 3_600_000 }, 'systemd-units': { interval: 60_000 } },
      detect: { memoryCorrectable: { threshold: 10, window: 86_400_000 } },
    });
    expect(config.blade).toBeUndefined();
  });

  it('takes overrides from the environment, typed', () => {
    const config = loadAgentConfig(undefined, {
      BLADEFRAME_SITE: 'nyc1',
      BLADEFRAME_STATE_DIR: '/tmp/agent',
      BLADEFRAME_MQTT_PROTOCOL_VERSION: '5',
      BLADEFRAME_HEARTBEAT: '30s',
      BLADEFRAME_OUTBOX_MAX_BYTES: '1048576',
    });
    expect(config.site).toBe('nyc1');
    expect(config.paths.stateDir).toBe('/tmp/agent');
    expect(config.mqtt.protocolVersion).toBe(5);
    expect(config.intervals.heartbeat).toBe(30_000);
    expect(config.outbox.maxBytes).toBe(1_048_576);
  });

  it('requires both halves of a client certificate and one kind of password', () => {
    const result = agentConfigSchema.safeParse({
      mqtt: { tls: { cert: '/etc/c.pem' }, password: 'a', passwordFile: '/etc/p' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'mqtt.passwordFile',
      'mqtt.tls',
    ]);
  });

  it('turns intervals into cron expressions that tile a minute, an hour or a day', () => {
    const cron = (d: string) => cronExpressionFor(parseDuration(d));
    expect(cron('15s')).toBe('*/15 * * * * *');
    expect(cron('1m')).toBe('0 * * * * *');
    expect(cron('5m')).toBe('0 */5 * * * *');
    expect(cron('1h')).toBe('0 0 * * * *');
    expect(cron('6h')).toBe('0 0 */6 * * *');
    expect(cron('24h')).toBe('0 0 0 * * *');
    expect(cron('7s')).toBeUndefined();
    expect(cron('90s')).toBeUndefined();
  });

  it('makes a host name fit for a topic segment', () => {
    expect(sanitiseSegment('blade-07.nyc1.example.com')).toBe('blade-07.nyc1.example.com');
    expect(sanitiseSegment('_blade 07#')).toBe('blade-07-');
    expect(sanitiseSegment('###')).toBe('blade');
    expect(sanitiseSegment('x'.repeat(80))).toHaveLength(64);
  });
});

describe('deploy/agent.example.yaml', () => {
  it('is a valid configuration', () => {
    const file = new URL('../../deploy/agent.example.yaml', import.meta.url).pathname;
    const config = loadAgentConfig(file, {});
    expect(config.site).toBe('nyc1');
    expect(config.mqtt.tls?.ca).toBe('/etc/bladeframe/ca.pem');
  });
});
