import { z } from 'zod';
import { isDuration, parseDuration } from '../duration.js';
import { environmentSchema, segment } from '../messages/index.js';
import { loadConfig } from './load.js';

/** A duration written as in config files (`15s`, `1m`, `6h`), validated and turned into ms. */
const duration = z
  .string()
  .refine(isDuration, 'must be a duration like 15s, 5m, 6h or 1h30m')
  .transform(parseDuration);

// Largest unit first, so 1m is `0 * * * * *` rather than every 60th second.
const CRON_DIVISORS: readonly [number, number][] = [
  [3_600_000, 24], // hours within a day
  [60_000, 60], // minutes within an hour
  [1000, 60], // seconds within a minute
];

/**
 * Schedules run on the wall clock's multiples of their interval (like cron), so an interval must
 * tile a minute, an hour or a day evenly; the heartbeat's `intervalS` is then exact and the
 * collector's silence timer is true.
 */
export function cronExpressionFor(ms: number): string | undefined {
  for (const [unit, per] of CRON_DIVISORS) {
    const n = ms / unit;
    if (Number.isInteger(n) && n >= 1 && n <= per && per % n === 0) {
      const step = n === 1 ? '*' : n === per ? '0' : `*/${n}`;
      if (unit === 1000) return `${step} * * * * *`;
      if (unit === 60_000) return `0 ${step} * * * *`;
      return `0 0 ${step} * * *`;
    }
  }
  return undefined;
}

const cronInterval = duration.refine(
  (ms) => cronExpressionFor(ms) !== undefined,
  'must divide a minute, an hour or a day evenly (e.g. 15s, 30s, 1m, 5m, 1h)',
);

const filePath = z.string().min(1, 'must be a file path');

const bucket = (threshold: number, window: string) =>
  z
    .strictObject({
      threshold: z.int().positive().default(threshold).describe('errors per window that alert'),
      window: duration.default(parseDuration(window)),
    })
    .prefault({});

const probeSettings = (interval?: string) =>
  z
    .strictObject({
      enabled: z.boolean().optional().describe('absent: the probe default'),
      interval: interval ? duration.default(parseDuration(interval)) : duration.optional(),
    })
    .prefault({});

export const PROBE_NAMES = [
  'system',
  'edac',
  'aer',
  'hwmon',
  'thermal-zones',
  'machine-check',
  'kernel-taint',
  'oom',
  'pstore',
  'filesystems',
  'systemd-units',
  'smart',
] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

export const DEFAULT_FILESYSTEM_TYPES = [
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'zfs',
  'f2fs',
  'jfs',
  'vfat',
  'exfat',
];

export const agentConfigSchema = z.strictObject({
  site: segment.default('default').describe('Data center site; the <site> topic segment'),
  frame: segment.default('default').describe('Blade frame (enclosure); the <frame> segment'),
  blade: segment.optional().describe('Blade name; default: the host name, sanitised'),
  environment: environmentSchema.default('production'),
  software: z
    .array(z.strictObject({ product: z.string().min(1), version: z.string().min(1) }))
    .default([]),
  paths: z
    .strictObject({
      sysfs: z.string().min(1).default('/sys'),
      procfs: z.string().min(1).default('/proc'),
      stateDir: z.string().min(1).default('/var/lib/bladeframe-agent'),
    })
    .prefault({}),
  mqtt: z
    .strictObject({
      url: z
        .string()
        .regex(/^(mqtts?|tcp|ssl|wss?):\/\/[^/]+/, 'must be mqtt://host:port or mqtts://host:port')
        .default('mqtt://127.0.0.1:1883'),
      clientId: z.string().min(1).max(128).optional(),
      protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
      username: z.string().optional(),
      password: z.string().optional(),
      passwordFile: filePath.optional().describe('read the password from this file'),
      keepalive: duration.default(30_000),
      connectTimeout: duration.default(30_000),
      sessionExpiry: duration.default(parseDuration('7d')).describe('MQTT 5 session lifetime'),
      tls: z
        .strictObject({
          ca: filePath.optional(),
          cert: filePath.optional(),
          key: filePath.optional(),
          rejectUnauthorized: z.boolean().default(true),
          servername: z.string().optional(),
        })
        .optional(),
      reconnect: z
        .strictObject({ min: duration.default(1000), max: duration.default(120_000) })
        .prefault({}),
      inflight: z.int().min(1).max(1000).default(16).describe('unacknowledged messages at once'),
    })
    .prefault({})
    .refine((m) => !(m.password && m.passwordFile), {
      message: 'give password or passwordFile, not both',
      path: ['passwordFile'],
    })
    .refine((m) => !m.tls || Boolean(m.tls.cert) === Boolean(m.tls.key), {
      message: 'a client certificate needs both cert and key',
      path: ['tls'],
    }),
  intervals: z
    .strictObject({
      cycle: cronInterval.default(15_000).describe('how often the probes run'),
      heartbeat: cronInterval.default(60_000).describe('how often health is sent'),
    })
    .prefault({}),
  outbox: z
    .strictObject({
      maxBytes: z
        .int()
        .min(64 * 1024, 'must be at least 65536')
        .default(16 * 1024 * 1024),
    })
    .prefault({}),
  probes: z
    .strictObject({
      system: probeSettings(),
      edac: probeSettings(),
      aer: probeSettings(),
      hwmon: probeSettings(),
      'thermal-zones': probeSettings(),
      'machine-check': probeSettings(),
      'kernel-taint': probeSettings(),
      oom: probeSettings(),
      pstore: probeSettings(),
      filesystems: probeSettings(),
      'systemd-units': probeSettings('1m'),
      smart: probeSettings('1h'),
    })
    .prefault({}),
  detect: z
    .strictObject({
      memoryCorrectable: bucket(10, '24h'),
      pcieCorrectable: bucket(25, '1h'),
      thermal: z
        .strictObject({
          warnC: z.number().optional().describe('for sensors that publish no limit'),
          critC: z.number().optional(),
          hysteresisC: z.number().nonnegative().default(2),
        })
        .prefault({}),
      filesystem: z
        .strictObject({
          fullPercent: z.number().gt(0).max(100).default(90),
          hysteresisPercent: z.number().nonnegative().default(2),
          types: z.array(z.string()).default(DEFAULT_FILESYSTEM_TYPES),
          ignoreMounts: z.array(z.string()).default([]).describe('mount points; * matches any'),
          expectReadOnly: z.array(z.string()).default([]).describe('mounts that are ro on purpose'),
        })
        .prefault({}),
      psuChips: z
        .string()
        .default('psu|pmbus|pfe|ps[0-9]|power_supply|dps')
        .refine(isRegExp, 'must be a regular expression')
        .describe('hwmon chip names whose voltage/current alarms mean a power supply fault'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

export type AgentConfig = z.output<typeof agentConfigSchema>;
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** Environment variables that override the file (documented in the README). */
export const AGENT_ENV_MAPPING: Record<string, string> = {
  BLADEFRAME_SITE: 'site',
  BLADEFRAME_FRAME: 'frame',
  BLADEFRAME_BLADE: 'blade',
  BLADEFRAME_ENVIRONMENT: 'environment',
  BLADEFRAME_SYSFS: 'paths.sysfs',
  BLADEFRAME_PROCFS: 'paths.procfs',
  BLADEFRAME_STATE_DIR: 'paths.stateDir',
  BLADEFRAME_MQTT_URL: 'mqtt.url',
  BLADEFRAME_MQTT_CLIENT_ID: 'mqtt.clientId',
  BLADEFRAME_MQTT_PROTOCOL_VERSION: 'mqtt.protocolVersion',
  BLADEFRAME_MQTT_USERNAME: 'mqtt.username',
  BLADEFRAME_MQTT_PASSWORD: 'mqtt.password',
  BLADEFRAME_MQTT_PASSWORD_FILE: 'mqtt.passwordFile',
  BLADEFRAME_MQTT_CA: 'mqtt.tls.ca',
  BLADEFRAME_MQTT_CERT: 'mqtt.tls.cert',
  BLADEFRAME_MQTT_KEY: 'mqtt.tls.key',
  BLADEFRAME_MQTT_SESSION_EXPIRY: 'mqtt.sessionExpiry',
  BLADEFRAME_CYCLE: 'intervals.cycle',
  BLADEFRAME_HEARTBEAT: 'intervals.heartbeat',
  BLADEFRAME_OUTBOX_MAX_BYTES: 'outbox.maxBytes',
  BLADEFRAME_LOG_LEVEL: 'log.level',
};

/** Where `--config` points when not given: the environment, else nothing (defaults only). */
export const AGENT_CONFIG_ENV = 'BLADEFRAME_AGENT_CONFIG';

export function loadAgentConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const chosen = file ?? (env[AGENT_CONFIG_ENV] || undefined);
  return loadConfig(agentConfigSchema, {
    ...(chosen ? { file: chosen } : {}),
    env,
    envMapping: AGENT_ENV_MAPPING,
  });
}
