import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../shared/config/collector-config.js';
import type { Contract } from '../shared/config/contract.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { buildApp } from './api/app.js';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import { contractEnvironments, contractSites } from './fleet/contract-fleet.js';
import { ContractHolder } from './sla/contract-holder.js';
import { syncSites } from './fleet/fleet-queries.js';
import { BladeCache } from './fleet/blade-cache.js';
import { repairUnwrittenHeads } from './fleet/unwritten-heads.js';
import { LivenessMonitor } from './fleet/liveness.js';
import { Housekeeping } from './housekeeping.js';
import { IngestPipeline } from './ingest/ingest-pipeline.js';
import { IngestProcessor } from './ingest/ingest-processor.js';
import { MqttIngest } from './ingest/mqtt-ingest.js';
import { ThreadFlush } from './ingest/thread-flush.js';
import { whenDurable } from './store/durability.js';
import { loadContract } from './sla/load-contract.js';
import { openStore, type Store } from './store/open-store.js';
import { loadRules } from './classify/load-rules.js';
import { ClockEngine } from './tickets/clock-engine.js';
import { TicketService } from './tickets/ticket-service.js';
import { AuthService } from './auth/auth-service.js';
import { Notifier } from './notify/notifier.js';
import { ReleaseNotices } from './releases/release-notices.js';
import { ReportScheduler } from './reports/report-scheduler.js';
import { ReportService } from './reports/report-service.js';
import { SparesService } from './spares/spares-service.js';
import type { Mailer } from './notify/mailer.js';
import { StreamHub } from './api/stream/stream-hub.js';
import { VERSION } from '../shared/version.js';

/** The contract's environment lookup, built once per contract. */
const environmentLookups = new WeakMap<Contract, ReturnType<typeof contractEnvironments>>();
function environments(contract: Contract): ReturnType<typeof contractEnvironments> {
  let lookup = environmentLookups.get(contract);
  if (!lookup) environmentLookups.set(contract, (lookup = contractEnvironments(contract)));
  return lookup;
}

/** A part of the running collector: constructed cheaply, started and stopped in order. */
export interface LifecycleModule {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  config: CollectorConfig;
  clock?: Clock;
  logger?: Logger;
  /** The contract; absent: read from `config.contractFile` (or the example contract). */
  contract?: Contract;
  /**
   * Shows the token of an admin created on first start (the only time it can be shown); default:
   * the log.
   */
  announceBootstrapToken?: (token: string) => void;
}

/**
 * The collector as one process: store, broker (embedded unless one is configured), tickets,
 * fleet liveness, the HTTP API and ingest, each a lifecycle module. Started in that order and
 * stopped in reverse, so ingest first stops taking messages and lets the held ones commit and be
 * acknowledged, while the store is still open and HTTP still answers.
 */
export class CollectorRuntime {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly started: LifecycleModule[] = [];
  private stopping: Promise<void> | undefined;
  store: Store | undefined;
  broker: EmbeddedBroker | undefined;
  tickets: TicketService | undefined;
  auth: AuthService | undefined;
  stream: StreamHub | undefined;
  clockEngine: ClockEngine | undefined;
  /** Webhooks and email to support; its `mailer` sends other mail through the same queue. */
  notifier: Notifier | undefined;
  liveness: LivenessMonitor | undefined;
  /** Contract reporting: SLR and reports, their scheduled delivery, spare parts, releases. */
  reports: ReportService | undefined;
  reportScheduler: ReportScheduler | undefined;
  spares: SparesService | undefined;
  releaseNotices: ReleaseNotices | undefined;
  pipeline: IngestPipeline | undefined;
  ingest: MqttIngest | undefined;
  app: FastifyInstance | undefined;
  contract: Contract | undefined;
  /** The contract in force, replaceable while running (PUT /api/contract). */
  contractHolder: ContractHolder | undefined;

  constructor(private readonly options: RuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** The broker the collector reads from. */
  get mqttUrl(): string {
    return this.options.config.mqtt.url ?? this.broker?.url ?? 'mqtt://(not started)';
  }

  /** Where the HTTP API listens, e.g. `http://127.0.0.1:8080`. */
  get httpUrl(): string {
    const address = this.app?.server.address();
    if (!address || typeof address === 'string') throw new Error('the HTTP API is not listening');
    const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  async start(): Promise<void> {
    const { config } = this.options;
    this.contract = this.options.contract ?? loadContract(config.contractFile);
    this.contractHolder = new ContractHolder(this.contract, {
      file: config.contractFile,
      clock: this.clock,
      ...(this.options.contract ? { source: null } : {}),
    });
    try {
      for (const module of this.modules()) {
        await module.start();
        this.started.push(module);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.logger.info(
      { http: this.httpUrl, mqtt: this.status().mqtt, store: this.store?.location },
      'collector running',
    );
  }

  /** Stops whatever was started, in reverse order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      while (this.started.length > 0) {
        const module = this.started.pop()!;
        try {
          await module.stop();
        } catch (error) {
          this.logger.error({ module: module.name, err: (error as Error).message }, 'stop failed');
        }
      }
    })();
    return this.stopping;
  }

  /** Mail through the durable delivery queue (scheduled reports); set once started. */
  get mailer(): Mailer | undefined {
    return this.notifier?.mailer;
  }

  status() {
    return { mqtt: this.ingest?.status().url ?? this.mqttUrl, store: this.store?.location };
  }

  private modules(): LifecycleModule[] {
    const { config } = this.options;
    const clock = this.clock;
    const log = (module: string) => this.logger.child({ module });
    const contract = this.contract!;
    const embedded = !config.mqtt.url;
    const protocolVersion = config.mqtt.protocolVersion ?? (embedded ? 4 : 5);
    let housekeeping: Housekeeping | undefined;
    let bladeCache: BladeCache | undefined;
    let processor: IngestProcessor | undefined;

    return [
      {
        name: 'store',
        start: async () => {
          this.store = await openStore({
            databaseUrl: config.store.databaseUrl,
            dataDir: config.store.dataDir,
            sqliteSync: config.store.sqliteSync,
            sqliteCheckpoint: config.store.sqliteCheckpoint,
            logger: log('store'),
          });
          await syncSites(this.store.db, contractSites(contract), clock.now());
        },
        stop: async () => {
          await this.store?.close();
        },
      },
      {
        name: 'auth',
        start: async () => {
          this.auth = new AuthService(this.store!.db, clock);
          const token = await this.auth.ensureBootstrapAdmin(config.auth.adminToken);
          if (token) {
            log('auth').warn('no admin existed: created user "admin"; its token is shown once');
            (
              this.options.announceBootstrapToken ??
              ((t) => log('auth').warn(`bootstrap admin token (shown once): ${t}`))
            )(token);
          }
        },
        stop: async () => {},
      },
      {
        // Before anything that writes, so the stream starts at a quiet end of the store.
        name: 'stream',
        start: async () => {
          this.stream = new StreamHub({
            // Its own read connection: the stream never waits for ingest's transaction.
            db: this.store!.reader,
            dialect: this.store!.dialect,
            clock,
            auth: this.auth!,
            logger: this.logger,
            version: VERSION,
            settings: {
              pollIntervalMs: config.stream.pollInterval,
              idleGatherMs: config.stream.idleGather,
              heartbeatMs: config.stream.heartbeat,
              maxBufferedBytes: config.stream.maxBufferedBytes,
            },
          });
          await this.stream.start();
        },
        stop: async () => {
          await this.stream?.stop();
        },
      },
      {
        name: 'broker',
        start: async () => {
          if (!embedded) return;
          this.broker = new EmbeddedBroker({
            port: config.mqtt.port,
            host: config.mqtt.host,
            persistenceDir: join(config.store.dataDir, 'broker'),
            logger: log('broker'),
          });
          await this.broker.start();
        },
        stop: async () => {
          await this.broker?.stop();
        },
      },
      {
        name: 'tickets',
        start: async () => {
          this.tickets = new TicketService({
            db: this.store!.db,
            clock,
            contract,
            logger: this.logger,
            rules: loadRules(config.classification.rulesFile),
            settings: { storm: config.tickets.storm },
          });
          this.tickets.onEvent(() => this.stream?.poke());
          this.clockEngine = new ClockEngine({
            tickets: this.tickets,
            logger: this.logger,
            pollIntervalMs: config.tickets.clockPollInterval,
            gatherMs: config.tickets.clockGather,
          });
          await this.clockEngine.start();
          this.contractHolder!.onChange(async (replaced) => {
            this.contract = replaced;
            this.tickets!.replaceContract(replaced);
            await syncSites(this.store!.db, contractSites(replaced), clock.now());
            // Every open ticket's clocks are recomputed under the new figures.
            await this.store!.db.updateTable('tickets')
              .set({ clock_due_at: clock.now().toISOString() })
              .where('closed_at', 'is', null)
              .execute();
            await this.clockEngine!.runDue();
            log('contract').info(
              { sites: replaced.sites.length },
              'contract replaced; clocks recomputed',
            );
          });
        },
        stop: async () => {
          await this.clockEngine?.stop();
        },
      },
      {
        name: 'notify',
        start: async () => {
          this.notifier = new Notifier({
            db: this.store!.db,
            clock,
            config: config.notify,
            // Read at each use: a contract replaced while running applies to the next notice.
            contract: () => this.contractHolder!.current(),
            tickets: this.tickets!,
            logger: this.logger,
          });
          await this.notifier.start();
        },
        stop: async () => {
          await this.notifier?.stop();
        },
      },
      {
        name: 'reports',
        start: async () => {
          const db = this.store!.db;
          const mailer = this.notifier?.mailer;
          this.spares = new SparesService({
            db,
            contract,
            clock,
            tickets: this.tickets,
            logger: this.logger,
          });
          // Alerts go to the activity log with their record; the stream serves them at once.
          this.spares.onAlert(() => this.stream?.poke());
          await this.spares.start();
          this.reports = new ReportService({ db, contract, clock, spares: this.spares });
          this.reportScheduler = new ReportScheduler({
            db,
            reports: this.reports,
            clock,
            mailer,
            logger: this.logger,
          });
          await this.reportScheduler.start();
          this.releaseNotices = new ReleaseNotices({
            db,
            contract,
            clock,
            mailer,
            logger: this.logger,
          });
          this.releaseNotices.onAlert(() => this.stream?.poke());
          await this.releaseNotices.start();
        },
        stop: async () => {
          await this.releaseNotices?.stop();
          await this.reportScheduler?.stop();
          await this.spares?.stop();
        },
      },
      {
        name: 'fleet',
        start: async () => {
          // A SQLite file is this collector's alone; on PostgreSQL others may write the blades.
          bladeCache = this.store!.dialect === 'sqlite' ? new BladeCache() : undefined;
          this.liveness = new LivenessMonitor({
            bladeCache,
            db: this.store!.db,
            clock,
            tickets: this.tickets!,
            logger: log('liveness'),
            settings: {
              silentAfterIntervals: config.fleet.silentAfterIntervals,
              frameMinBlades: config.fleet.frameMinBlades,
              frameWindowMs: config.fleet.frameWindow,
              scanIntervalMs: config.fleet.scanInterval,
            },
          });
          await this.liveness.start();
          housekeeping = new Housekeeping({
            db: this.store!.db,
            clock,
            healthRetentionMs: config.fleet.healthRetention,
            identityRetentionMs: config.ingest.dedupRetention,
            logger: log('housekeeping'),
          });
          await housekeeping.start();
        },
        stop: async () => {
          await housekeeping?.stop();
          await this.liveness?.stop();
        },
      },
      {
        name: 'http',
        start: async () => {
          this.app = await buildApp({
            db: this.store!.db,
            clock,
            auth: this.auth!,
            tickets: this.tickets!,
            notifications: { poke: () => this.notifier?.worker.poke() },
            stream: this.stream!,
            reporting: {
              reports: this.reports!,
              scheduler: this.reportScheduler,
              spares: this.spares,
              releases: this.releaseNotices,
            },
            contract: this.contractHolder!,
            logger: this.logger,
            health: {
              store: { dialect: this.store!.dialect, location: this.store!.location },
              broker: () => ({ embedded, connected: false, ...this.ingest?.status() }),
              ingest: () => ({ lagMs: 0, storeAvailable: true, ...this.pipeline?.stats() }),
              notify: async () => (await this.notifier?.health()) ?? {},
            },
          });
          await this.app.listen({ host: config.http.host, port: config.http.port });
        },
        stop: async () => {
          // Stream clients are told to come back (1001, resume by id) before the server goes.
          await this.stream?.stop();
          await this.app?.close();
        },
      },
      {
        name: 'ingest',
        start: async () => {
          const store = this.store!;
          // SQLite's log is flushed by the ingest thread, right before the PUBACKs it covers.
          const threadFlush = store.flushedLog
            ? new ThreadFlush(store.flushedLog, () => whenDurable(store.db))
            : undefined;
          // Rows left naming an older snapshot by a collector that stopped without writing them.
          const repaired = await repairUnwrittenHeads(store.db, clock.now());
          if (repaired > 0)
            log('ingest').info({ repaired }, 'blade rows repaired after an unclean stop');
          processor = new IngestProcessor({
            threadFlush,
            db: store.db,
            clock,
            logger: log('ingest'),
            tickets: this.tickets!,
            fleet: {
              heardWriteMs: config.fleet.seenWriteInterval,
              silentAfterIntervals: config.fleet.silentAfterIntervals,
              defaultHeartbeatMs: config.fleet.defaultHeartbeat,
              // Through the holder: a contract replaced while running applies to the next message.
              environmentFor: (site, frame, blade) =>
                environments(this.contractHolder!.current())(site, frame, blade),
              cache: bladeCache,
            },
          });
          this.pipeline = new IngestPipeline({
            processor,
            db: this.store!.db,
            clock,
            logger: log('ingest'),
            maxBatch: Math.min(config.ingest.maxBatch, config.mqtt.receiveMaximum),
            maxPending: config.ingest.maxPending,
            gatherMs: config.ingest.gather,
            onCommitted: (outcome) => {
              this.stream?.poke();
              if (outcome.livenessChanged) this.liveness?.poke();
            },
          });
          this.ingest = new MqttIngest({
            url: config.mqtt.url ?? this.broker!.url,
            protocolVersion,
            clientId: config.mqtt.clientId,
            username: config.mqtt.username,
            password: config.mqtt.password,
            caFile: config.mqtt.caFile,
            certFile: config.mqtt.certFile,
            keyFile: config.mqtt.keyFile,
            rejectUnauthorized: config.mqtt.rejectUnauthorized,
            sharedGroup: config.mqtt.sharedGroup,
            topicFilter: config.mqtt.topicFilter,
            keepaliveS: config.mqtt.keepaliveS,
            sessionExpiryMs: config.mqtt.sessionExpiry,
            receiveMaximum: config.mqtt.receiveMaximum,
            maxPending: config.ingest.maxPending,
            threadFlush,
            pipeline: this.pipeline,
            clock,
            logger: log('mqtt'),
          });
          await this.ingest.start();
        },
        stop: async () => {
          await this.ingest?.stop();
          await processor?.stop();
        },
      },
    ];
  }
}
