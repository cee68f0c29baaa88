import { hostname } from 'node:os';
import { z } from 'zod';
import { isDuration, parseDuration } from '../duration.js';
import { loadConfig } from './load.js';
import { NOTIFY_ENV, notifyConfigSchema } from './notify-config.js';

/** A duration written as in every config file (`90s`, `4h`), validated and turned into ms. */
const duration = z
  .string()
  .refine(isDuration, 'must be a duration like 90s, 15m, 4h or 2d')
  .transform(parseDuration);

/** Secrets and ids may look like numbers in YAML or the environment; keep them as text. */
const text = z.union([z.string(), z.number()]).transform(String);

const port = z.int().min(0).max(65535);

function defaultClientId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-') || 'host';
  return `bladeframe-collector-${host}`;
}

export const collectorConfigSchema = z.object({
  mqtt: z
    .object({
      url: z
        .string()
        .regex(/^(mqtts?|wss?|tcp|ssl|tls):\/\/.+/, 'must be a URL like mqtt://host:1883')
        .optional()
        .describe('External broker; absent starts the embedded broker'),
      port: port.default(1883).describe('Port of the embedded broker (when no url is given)'),
      host: z.string().default('0.0.0.0').describe('Listen address of the embedded broker'),
      clientId: text.pipe(z.string().min(1).max(128)).default(defaultClientId),
      username: text.optional(),
      password: text.optional(),
      caFile: z.string().optional().describe('CA certificate (PEM) to verify the broker'),
      certFile: z.string().optional().describe('Client certificate (PEM) for mutual TLS'),
      keyFile: z.string().optional().describe('Client key (PEM) for mutual TLS'),
      rejectUnauthorized: z.boolean().default(true),
      protocolVersion: z
        .union([z.literal(4), z.literal(5)])
        .optional()
        .describe('4 = MQTT 3.1.1, 5 = MQTT 5; default 5 on an external broker, 4 embedded'),
      sharedGroup: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/)
        .nullable()
        .default('collectors')
        .describe('Shared-subscription group (MQTT 5); null subscribes plainly'),
      topicFilter: z.string().default('bladeframe/v1/+/+/+/#'),
      keepaliveS: z.int().positive().default(30),
      sessionExpiry: duration
        .default(7 * 86_400_000)
        .describe('How long the broker keeps our session and queue while we are away (MQTT 5)'),
      receiveMaximum: z.int().min(1).max(65535).default(1000),
    })
    .prefault({}),
  store: z
    .object({
      databaseUrl: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional()
        .describe('PostgreSQL; absent uses SQLite in dataDir'),
      dataDir: z.string().min(1).default('./data'),
      sqliteSync: z
        .enum(['background', 'commit', 'off'])
        .default('background')
        .describe(
          'background: the log is flushed off the event loop before anything is acknowledged; ' +
            'commit: each commit flushes; off: no flush (power loss can lose acknowledged messages)',
        ),
      sqliteCheckpoint: z
        .enum(['background', 'inline'])
        .default('background')
        .describe('background: checkpoints on a thread of their own; inline: in the commits'),
    })
    .prefault({}),
  http: z
    .object({
      host: z.string().default('0.0.0.0'),
      port: port.default(8080),
    })
    .prefault({}),
  contractFile: z.string().optional().describe('Absent: deploy/contract.example.yaml'),
  fleet: z
    .object({
      silentAfterIntervals: z
        .number()
        .min(1)
        .default(3)
        .describe('A blade is silent after this many heartbeat intervals without health'),
      defaultHeartbeat: duration.default(60_000).describe('Until a blade states its own'),
      frameMinBlades: z
        .int()
        .min(2)
        .default(2)
        .describe('A frame with fewer monitored blades is never reported silent as a whole'),
      frameWindow: duration
        .optional()
        .describe("How long to gather a frame's failures; absent: its longest heartbeat interval"),
      healthRetention: duration.default(48 * 3_600_000),
      seenWriteInterval: duration
        // Well under any heartbeat, so no row is ever stale enough to look silent to liveness.
        .refine((ms) => ms <= 10_000, 'at most 10s')
        .default(1_000)
        .describe(
          "SQLite: how long a blade's last-seen time and latest snapshot may wait, in memory, before its row is written again while it keeps talking (0: every batch)",
        ),
      scanInterval: duration.default(30_000),
    })
    .prefault({}),
  ingest: z
    .object({
      maxBatch: z.int().min(1).max(5000).default(500),
      maxPending: z.int().min(1).default(5000),
      gather: duration
        .default(5)
        .describe('After a batch, how long the next may wait while messages keep arriving'),
      dedupRetention: duration.default(30 * 86_400_000),
    })
    .prefault({}),
  classification: z
    .object({
      rulesFile: z
        .string()
        .min(1)
        .optional()
        .describe('Classification rules (YAML); absent: collector/classify/rules.yaml'),
    })
    .prefault({}),
  tickets: z
    .object({
      storm: z
        .object({
          minBlades: z
            .int()
            .min(2)
            .default(4)
            .describe('Faults of this many distinct blades of one frame ...'),
          window: duration
            .default(5 * 60_000)
            .describe('... detected within this window are one storm: a parent ticket'),
        })
        .prefault({}),
      clockPollInterval: duration
        .default(30_000)
        .describe('How often the clock engine looks for work other collectors scheduled'),
      clockGather: duration
        .default(20)
        .describe("How long this collector's ticket changes gather before the clock engine looks"),
    })
    .prefault({}),
  stream: z
    .object({
      pollInterval: duration
        .default(500)
        .describe('How often the live stream reads the store for what other collectors wrote'),
      idleGather: duration
        .default(50)
        .describe(
          'With no client connected, how long changes gather before the live stream moves its head past them',
        ),
      heartbeat: duration
        .default(15_000)
        .describe('Ping interval; a client that misses a pong is dropped at the next'),
      maxBufferedBytes: z
        .int()
        .min(64 * 1024)
        .default(4 * 1024 * 1024)
        .describe('Unsent bytes a live client may hold before it is dropped (it resumes by id)'),
    })
    .prefault({}),
  auth: z
    .object({
      adminToken: text
        .optional()
        .describe(
          'A token (bft_...) for the bootstrap admin; absent: one is generated on first start and printed once',
        ),
    })
    .prefault({}),
  notify: notifyConfigSchema.prefault({}),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
});

export type CollectorConfig = z.output<typeof collectorConfigSchema>;

/** Environment variables and the setting each one overrides. */
export const COLLECTOR_ENV: Record<string, string> = {
  MQTT_URL: 'mqtt.url',
  MQTT_PORT: 'mqtt.port',
  MQTT_HOST: 'mqtt.host',
  MQTT_CLIENT_ID: 'mqtt.clientId',
  MQTT_USERNAME: 'mqtt.username',
  MQTT_PASSWORD: 'mqtt.password',
  MQTT_CA_FILE: 'mqtt.caFile',
  MQTT_CERT_FILE: 'mqtt.certFile',
  MQTT_KEY_FILE: 'mqtt.keyFile',
  MQTT_PROTOCOL_VERSION: 'mqtt.protocolVersion',
  MQTT_SHARED_GROUP: 'mqtt.sharedGroup',
  DATABASE_URL: 'store.databaseUrl',
  DATA_DIR: 'store.dataDir',
  HTTP_HOST: 'http.host',
  HTTP_PORT: 'http.port',
  CONTRACT_FILE: 'contractFile',
  SILENT_AFTER_INTERVALS: 'fleet.silentAfterIntervals',
  LOG_LEVEL: 'log.level',
  RULES_FILE: 'classification.rulesFile',
  ADMIN_TOKEN: 'auth.adminToken',
  ...NOTIFY_ENV,
};

/** Reads the YAML file (if any), lets the environment override it, validates everything. */
export function loadCollectorConfig(
  file?: string,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  return loadConfig(collectorConfigSchema, {
    ...(file ? { file } : {}),
    env,
    envMapping: COLLECTOR_ENV,
  });
}
