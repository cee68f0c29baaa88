import type { IClientOptions } from 'mqtt';
import type { Clock } from '../shared/clock.js';
import type { AgentConfig } from '../shared/config/agent-config.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { healthBody } from './compose/health.js';
import { gatherInventory } from './compose/inventory.js';
import { MessageFactory, type Outgoing } from './compose/messages.js';
import { Cycle, type CycleResult } from './cycle.js';
import type { HostAdapter } from './host/host-adapter.js';
import { resolveIdentity, type Identity } from './identity.js';
import { connectOptions } from './link/connect-options.js';
import { Link, type ConnectFn } from './link/link.js';
import { Outbox, type QueuedRecord } from './outbox/outbox.js';
import type { ProbeRun } from './probes/runner.js';
import { RootReader } from './probes/root-reader.js';
import type { Probe } from './probes/types.js';
import type { ScheduledJob, Scheduler } from './schedule/scheduler.js';
import { loadDetectState, saveDetectState } from './state/detect-store.js';
import { openStateDir, type StateLock } from './state/lock.js';
import { RequestInbox, writeStatus, type TestCallRequest } from './state/requests.js';
import { PersistentSequence } from './state/sequence.js';

export interface AgentDeps {
  config: AgentConfig;
  clock: Clock;
  host: HostAdapter;
  scheduler: Scheduler;
  logger?: Logger;
  /** Replaces mqtt.connect (tests). */
  connect?: ConnectFn;
  random?: () => number;
  probes?: readonly Probe[];
}

/**
 * The running agent: probes every `intervals.cycle`, queues each observation durably, sends a
 * health snapshot every `intervals.heartbeat`, and keeps the MQTT link up. Lifecycle as in the
 * design: the constructor only assigns; `start()` and `stop()` do the work.
 */
export class Agent {
  identity!: Identity;
  outbox!: Outbox;
  link!: Link;
  private factory!: MessageFactory;
  private cycle!: Cycle;
  private lock: StateLock | undefined;
  private inbox: RequestInbox | undefined;
  private jobs: ScheduledJob[] = [];
  private lastRuns: ProbeRun[] = [];
  private cycling: Promise<CycleResult> | undefined;

  constructor(private readonly deps: AgentDeps) {}

  private get log(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    const { config, clock, host } = this.deps;
    const stateDir = config.paths.stateDir;
    this.identity = resolveIdentity(config);
    // The state directory is created, checked and locked before anything else.
    const { lock, created: fresh } = openStateDir(stateDir);
    this.lock = lock;
    try {
      this.outbox = await Outbox.open(stateDir, {
        maxBytes: config.outbox.maxBytes,
        logger: this.log.child({ module: 'outbox' }),
      });
    } catch (error) {
      lock.release();
      throw error;
    }
    const uptimeS = Number(new RootReader(config.paths.procfs).line('uptime')?.split(' ')[0]);
    const sequence = new PersistentSequence(
      stateDir,
      this.identity.bootId,
      fresh ? 0 : (Number.isFinite(uptimeS) ? uptimeS : 0) * 1000,
    );
    this.factory = new MessageFactory(this.identity, sequence, clock);
    const state = loadDetectState(stateDir, this.identity.bootId, this.log);
    this.cycle = new Cycle(config, host, clock, state, this.deps.probes);
    const inventory = await gatherInventory(config, this.identity, host);
    const heartbeatS = config.intervals.heartbeat / 1000;
    const clientOptions: IClientOptions = connectOptions(config, this.identity);
    this.link = new Link({
      config,
      clientOptions,
      outbox: this.outbox,
      factory: this.factory,
      clock,
      logger: this.log.child({ module: 'link' }),
      birth: () => this.factory.birth(inventory, heartbeatS),
      announce: true,
      ...(this.deps.connect ? { connect: this.deps.connect } : {}),
      ...(this.deps.random ? { random: this.deps.random } : {}),
    });
    this.log.info(
      {
        site: this.identity.site,
        frame: this.identity.frame,
        blade: this.identity.blade,
        bootId: this.identity.bootId,
        queued: this.outbox.pending().length,
        stateDir,
      },
      'agent starting',
    );
    await this.runCycle();
    await this.sendHealth();
    this.link.start();
    this.jobs.push(
      this.deps.scheduler.every('cycle', config.intervals.cycle, async () => {
        await this.runCycle();
      }),
      this.deps.scheduler.every('heartbeat', config.intervals.heartbeat, () => this.sendHealth()),
    );
    this.inbox = new RequestInbox(stateDir, (request) => this.handleRequest(request));
    this.inbox.start();
    this.log.info({ queued: this.outbox.pending().length }, 'agent started');
  }

  /** One probe cycle; observations are queued (synced) before detection state is saved. */
  runCycle(): Promise<CycleResult> {
    this.cycling ??= this.cycleNow().finally(() => {
      this.cycling = undefined;
    });
    return this.cycling;
  }

  private async cycleNow(): Promise<CycleResult> {
    const started = performance.now();
    const result = await this.cycle.run();
    this.lastRuns = result.runs;
    for (const run of result.runs) {
      if (!run.ok)
        this.log.warn(
          { probe: run.name, err: run.error, durationMs: run.durationMs },
          'probe failed',
        );
    }
    for (const observation of result.observations) {
      await this.queue(this.factory.event(observation));
    }
    if (result.observations.length > 0) {
      await saveDetectState(this.deps.config.paths.stateDir, this.cycle.state);
    }
    // durationMs: probes and detection; totalMs: the whole cycle, queueing and saving included.
    const totalMs = Math.round((performance.now() - started) * 1000) / 1000;
    this.log.debug(
      { durationMs: result.durationMs, totalMs, observations: result.observations.length },
      'cycle',
    );
    void this.inbox?.scan();
    return result;
  }

  async sendHealth(): Promise<void> {
    const figures = this.outbox.figures();
    const body = healthBody(this.lastRuns, this.deps.config.intervals.heartbeat / 1000, {
      queued: figures.queued,
      bytes: figures.bytes,
      droppedHealth: figures.droppedHealth,
      droppedFaults: figures.droppedFaults,
    });
    await this.queue(this.factory.health(body));
  }

  /** Queues a `test.call` through the same outbox and link as every fault. */
  async testCall(note: string): Promise<{ record: QueuedRecord; seq: number }> {
    const message = this.factory.testCall(note);
    const record = await this.queue(message);
    if (!record) throw new Error('the test call could not be queued');
    return { record, seq: message.payload.seq };
  }

  private async handleRequest(request: TestCallRequest): Promise<void> {
    const stateDir = this.deps.config.paths.stateDir;
    const { record, seq } = await this.testCall(request.note);
    this.log.info({ request: request.id, seq }, 'test call queued');
    await writeStatus(stateDir, { id: request.id, state: 'queued', seq, at: this.now() });
    void this.outbox
      .whenRemoved(record.ordinal)
      .then(() =>
        writeStatus(stateDir, { id: request.id, state: 'delivered', seq, at: this.now() }),
      );
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async queue(message: Outgoing): Promise<QueuedRecord | null> {
    const record = await this.outbox.append(message);
    this.link?.notify();
    return record;
  }

  async stop(): Promise<void> {
    for (const job of this.jobs) job.stop();
    this.jobs = [];
    this.inbox?.stop();
    await this.cycling?.catch(() => undefined);
    await this.link?.stop();
    this.lock?.release();
    this.log.info({ queued: this.outbox?.pending().length ?? 0 }, 'agent stopped');
  }
}
