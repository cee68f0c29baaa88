import { Worker } from 'node:worker_threads';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { threadEntry } from '../thread-entry.js';
import type { Verdict } from './decode.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import type { BrokerStatus, MqttSessionOptions, ReceivedBatch } from './mqtt-session.js';
import type { FromIngestThread, IngestThreadData, ToIngestThread } from './mqtt-thread-protocol.js';
import type { ThreadFlush } from './thread-flush.js';
import { withoutPassword } from '../../shared/redact-url.js';

export type { BrokerStatus } from './mqtt-session.js';

/** The session's connection settings, and what this side needs besides. */
export type MqttIngestOptions = Omit<MqttSessionOptions, 'subscription' | 'maxPending'> & {
  /** Shared-subscription group (used with MQTT 5); null subscribes plainly. */
  sharedGroup: string | null;
  topicFilter: string;
  /** Messages received and not yet durable before the broker is made to wait (default 5000). */
  maxPending?: number;
  pipeline: Pick<IngestPipeline, 'submit' | 'drain'>;
  clock: Clock;
  logger?: Logger;
  /** The store's log flushes, made by the thread before the PUBACKs they cover (SQLite). */
  threadFlush?: ThreadFlush | undefined;
};

/** How long a stopping thread may take to say goodbye to the broker before it is ended. */
const END_TIMEOUT_MS = 5_000;

/**
 * The collector's MQTT ingest. The broker session (MqttSession) runs on a thread of its own;
 * this side hands what it receives to the ingest pipeline, stamped with the time of receipt,
 * and sends back which messages are durable, for their PUBACKs. A thread that dies is started
 * again: the broker redelivers whatever was not acknowledged.
 */
export class MqttIngest {
  private worker: Worker | undefined;
  /** Which thread an acknowledgement belongs to: a new thread's message ids start over. */
  private generation = 0;
  private stopping = false;
  private latest: BrokerStatus;
  private acks: number[] = [];
  /** The flush the pending acknowledgements wait for (see ThreadFlush). */
  private acksAfterFlush: number | undefined;
  private ended: (() => void) | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: MqttIngestOptions) {
    this.logger = options.logger ?? silentLogger;
    this.latest = {
      url: withoutPassword(options.url),
      connected: false,
      subscribed: false,
      subscription: this.subscription,
      since: null,
      lastError: null,
    };
  }

  get subscription(): string {
    const { sharedGroup, topicFilter, protocolVersion } = this.options;
    return sharedGroup && protocolVersion === 5
      ? `$share/${sharedGroup}/${topicFilter}`
      : topicFilter;
  }

  status(): BrokerStatus {
    return this.worker ? this.latest : { ...this.latest, connected: false, subscribed: false };
  }

  /** Starts the session; resolves at once (a broker outage at start is ridden out). */
  async start(): Promise<void> {
    this.stopping = false;
    this.spawn();
  }

  /** Stops taking messages, lets the held ones commit and be acknowledged, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (!this.worker) return;
    this.post({ type: 'close' });
    await this.options.pipeline.drain();
    this.flushAcks();
    await this.end(false);
  }

  /**
   * Drops the connection at once without waiting for held messages (what a crash does): the
   * broker redelivers whatever was not acknowledged.
   */
  async abort(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (!this.worker) return;
    await this.end(true);
  }

  private spawn(): void {
    const {
      pipeline: _pipeline,
      clock: _clock,
      logger: _logger,
      sharedGroup: _sharedGroup,
      topicFilter: _topicFilter,
      threadFlush,
      maxPending,
      ...connection
    } = this.options;
    // Plain data only: it is copied to the thread.
    const session: MqttSessionOptions = {
      ...connection,
      subscription: this.subscription,
      maxPending: maxPending ?? 5000,
    };
    const generation = ++this.generation;
    const workerData: IngestThreadData<MqttSessionOptions> = {
      session,
      flushLog: threadFlush?.logFile ?? null,
    };
    const worker = new Worker(
      threadEntry(import.meta.url, './mqtt-thread-tsx.mjs', 'bladeframe-mqtt-thread.mjs'),
      { workerData },
    );
    this.worker = worker;
    threadFlush?.attach((seq) => this.post({ type: 'flush', seq }));
    worker.on('message', (message: FromIngestThread) => this.onMessage(generation, message));
    worker.on('error', (error) => {
      this.logger.error({ err: error.message }, 'ingest thread failed');
      this.latest = { ...this.latest, connected: false, lastError: error.message };
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.options.threadFlush?.detach();
      this.ended?.();
      if (this.stopping) return;
      // Unplanned: start again; the broker redelivers what this thread had not acknowledged.
      this.logger.error('ingest thread stopped; starting it again');
      this.restartTimer = setTimeout(() => {
        if (!this.stopping) this.spawn();
      }, this.options.reconnectPeriodMs ?? 1000);
    });
  }

  private onMessage(generation: number, message: FromIngestThread): void {
    if (generation !== this.generation) return;
    switch (message.type) {
      case 'received':
        this.receive(generation, message.batch);
        break;
      case 'status':
        this.latest = message.status;
        break;
      case 'log':
        this.logger[message.level](message.fields, message.message);
        break;
      case 'flushed':
        this.options.threadFlush?.flushed(message.seq);
        break;
      case 'ended':
        this.ended?.();
        break;
    }
  }

  private receive(generation: number, batch: ReceivedBatch): void {
    const receivedAt = this.options.clock.now();
    const verdicts = new Map(batch.verdicts.map((r) => [r.index, r.verdict]));
    const valid: Verdict = { ok: true };
    let start = 0;
    for (let i = 0; i < batch.ids.length; i++) {
      const end = batch.ends[i]!;
      const id = batch.ids[i]!;
      const payload = Buffer.from(batch.bytes, start, end - start);
      start = end;
      const verdict = batch.checked ? (verdicts.get(i) ?? valid) : undefined;
      void this.options.pipeline.submit(
        { topic: batch.topics[i]!, payload, receivedAt, verdict },
        (afterFlush) => this.acknowledge(generation, id, afterFlush),
      );
    }
  }

  /** Acknowledgements of one batch go to the thread together, once the batch's loop is done. */
  private acknowledge(generation: number, id: number, afterFlush?: number): void {
    if (generation !== this.generation) return;
    if (this.acks.length === 0) queueMicrotask(() => this.flushAcks());
    this.acks.push(id);
    if (afterFlush !== undefined)
      this.acksAfterFlush = Math.max(this.acksAfterFlush ?? 0, afterFlush);
  }

  private flushAcks(): void {
    if (this.acks.length === 0) return;
    const ids = this.acks;
    const afterFlush = this.acksAfterFlush;
    this.acks = [];
    this.acksAfterFlush = undefined;
    this.post(afterFlush === undefined ? { type: 'ack', ids } : { type: 'ack', ids, afterFlush });
  }

  private post(message: ToIngestThread): void {
    this.worker?.postMessage(message);
  }

  private async end(force: boolean): Promise<void> {
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const said = new Promise<void>((resolve) => {
      this.ended = resolve;
      setTimeout(resolve, END_TIMEOUT_MS).unref();
    });
    this.post({ type: 'end', force });
    await said;
    this.ended = undefined;
    this.worker = undefined;
    this.generation++;
    // What the thread had not confirmed flushed is flushed here (its PUBACKs are gone with it).
    this.options.threadFlush?.detach();
    await worker.terminate();
  }
}
