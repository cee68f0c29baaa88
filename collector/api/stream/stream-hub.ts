import type { Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../../shared/clock.js';
import { GatheredRun } from '../../../shared/gathered-run.js';
import { silentLogger, type Logger } from '../../../shared/logger.js';
import type { AuthService, Principal } from '../../auth/auth-service.js';
import type { DialectName } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';
import { formatCursor, type Cursor } from './cursor.js';
import { CLOSE, StreamClient, type ClientHost, type Outgoing } from './stream-client.js';
import {
  activityMessages,
  fetchActivity,
  fetchIds,
  fetchTicketEvents,
  sequence,
  ticketEventMessages,
  type ActivityRow,
  type EventRow,
} from './stream-messages.js';
import { TailReader } from './tail-reader.js';

export interface StreamSettings {
  /** How often the store is read without a poke (other collectors' writes). */
  pollIntervalMs: number;
  /** With no client connected, how long pokes gather into one read that moves the head on. */
  idleGatherMs: number;
  /** Ping and heartbeat interval; a client that misses a pong is dropped at the next. */
  heartbeatMs: number;
  /** Bytes a live client may have waiting in its send buffer before it is dropped. */
  maxBufferedBytes: number;
  /** Rows read per source per query. */
  pageSize: number;
  /** Without `?since`, how long to wait for a `{"resume"}` message before streaming. */
  resumeWaitMs: number;
  /** Longest wait for a hole in the ids to fill (PostgreSQL). */
  maxGapWaitMs: number;
  /** After the close frame, how long a dropped client gets before its socket is cut. */
  closeGraceMs: number;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  pollIntervalMs: 500,
  idleGatherMs: 50,
  heartbeatMs: 15_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  pageSize: 500,
  resumeWaitMs: 250,
  maxGapWaitMs: 10_000,
  closeGraceMs: 2_000,
};

export interface StreamHubOptions {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  auth: AuthService;
  logger?: Logger;
  settings?: Partial<StreamSettings>;
  version?: string;
}

export interface StreamStats {
  clients: number;
  head: string;
  messages: number;
  delivered: number;
  droppedSlow: number;
  droppedDead: number;
}

/**
 * The live stream. One reader follows the store (ticket events and the activity log, in id
 * order, holes respected) and fans each new message out to every live client: serialized once,
 * written to each socket without waiting for any. Writers poke it after they commit; a timer
 * reads anyway, for what other collectors write. Clients that reconnect with the last id they
 * saw are caught up from the store, each at its own pace, then join the live fan-out.
 */
export class StreamHub implements ClientHost {
  readonly settings: StreamSettings;
  readonly clients = new Set<StreamClient>();
  head: Cursor = { ticketEvent: 0, activity: 0 };
  private readonly events: TailReader<EventRow>;
  private readonly activity: TailReader<ActivityRow>;
  private readonly logger: Logger;
  /** Pokes while no one listens: the head only has to be where a client would start. */
  private readonly idle: GatheredRun;
  private pollTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private started = false;
  private readonly counts = { messages: 0, droppedSlow: 0, droppedDead: 0 };
  private delivered = 0;

  constructor(private readonly options: StreamHubOptions) {
    this.settings = { ...DEFAULT_STREAM_SETTINGS, ...options.settings };
    this.logger = (options.logger ?? silentLogger).child({ module: 'stream' });
    this.idle = new GatheredRun(options.clock, this.settings.idleGatherMs, () => this.readNow());
    const common = {
      db: options.db,
      dialect: options.dialect,
      clock: options.clock,
      logger: this.logger,
      maxGapWaitMs: this.settings.maxGapWaitMs,
    };
    this.events = new TailReader({
      ...common,
      name: 'ticket_events',
      fetch: (after, limit) => fetchTicketEvents(options.db, after, limit),
      fetchIds: (after, limit) => fetchIds(options.db, 'ticket_events', after, limit),
    });
    this.activity = new TailReader({
      ...common,
      name: 'activity',
      fetch: (after, limit) => fetchActivity(options.db, after, limit),
      fetchIds: (after, limit) => fetchIds(options.db, 'activity', after, limit),
    });
  }

  get maxBufferedBytes(): number {
    return this.settings.maxBufferedBytes;
  }

  /** Starts at the store's present end: what is there already is served on request (`since`). */
  async start(): Promise<void> {
    const db = this.options.db;
    const [events, activity] = await Promise.all([
      db
        .selectFrom('ticket_events')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst(),
      db
        .selectFrom('activity')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst(),
    ]);
    this.events.position = Number(events?.id ?? 0);
    this.activity.position = Number(activity?.id ?? 0);
    this.head = { ticketEvent: this.events.position, activity: this.activity.position };
    this.started = true;
    this.armPoll();
    this.armHeartbeat();
    this.logger.info({ head: formatCursor(this.head) }, 'stream started');
  }

  async stop(): Promise<void> {
    this.started = false;
    this.pollTimer?.cancel();
    this.heartbeatTimer?.cancel();
    this.idle.cancel();
    for (const client of [...this.clients]) {
      this.drop(client, CLOSE.goingAway, 'server stopping; reconnect with since');
    }
    await this.reading;
  }

  /**
   * Something was committed: read the store now (coalesced with a read in progress), or with no
   * client connected, once the pokes of the next `idleGatherMs` are in (ingest pokes after every
   * batch and every ticket event, and each read of the head cost two queries).
   */
  poke(): void {
    if (this.clients.size === 0) this.idle.ask();
    else this.readNow();
  }

  private readNow(): void {
    if (!this.started) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
    });
  }

  /** Resolves when everything committed before the call has been read and fanned out. */
  async flush(): Promise<void> {
    this.readNow();
    while (this.reading) await this.reading;
  }

  stats(): StreamStats {
    return {
      clients: this.clients.size,
      head: formatCursor(this.head),
      messages: this.counts.messages,
      delivered: this.delivered + [...this.clients].reduce((n, c) => n + c.sent, 0),
      droppedSlow: this.counts.droppedSlow,
      droppedDead: this.counts.droppedDead,
    };
  }

  /**
   * A new connection (already authenticated): says hello, waits briefly for a `resume` when no
   * `since` was given, catches up, goes live.
   */
  connect(socket: WebSocket, principal: Principal, token: string, since?: Cursor): StreamClient {
    const client = new StreamClient(socket, principal, token, since ?? this.head, this);
    this.clients.add(client);
    socket.on('close', () => this.forget(client));
    socket.on('error', () => this.forget(client));
    client.control('hello', this.options.clock.now(), {
      userId: principal.userId,
      name: principal.name,
      role: principal.role,
      heartbeatMs: this.settings.heartbeatMs,
      ...(this.options.version ? { version: this.options.version } : {}),
    });
    let waiting: TimerHandle | undefined;
    const begin = () => {
      waiting?.cancel();
      if (client.state !== 'waiting') return;
      client.state = 'catching-up';
      void this.catchUp(client).catch((error: unknown) => {
        this.logger.warn({ err: (error as Error).message }, 'stream catch-up failed');
        this.drop(client, CLOSE.goingAway, 'catch-up failed; reconnect with since');
      });
    };
    socket.on('message', (data) => {
      const raw = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      if (client.state === 'waiting') {
        const resume = client.resumeFrom(raw);
        if (resume === 'invalid') {
          client.control('error', this.options.clock.now(), {
            code: 'BF_BAD_REQUEST',
            message: 'resume: must be a stream id like "1842-77"',
          });
          this.drop(client, CLOSE.badRequest, 'bad resume');
          return;
        }
        if (resume) client.cursor = resume;
        begin();
        return;
      }
      if (raw.includes('"ping"')) client.control('pong', this.options.clock.now());
    });
    if (since) begin();
    else waiting = this.options.clock.setTimeout(begin, this.settings.resumeWaitMs);
    return client;
  }

  /** Serves a client from the store, page by page at its pace, until it reaches the head. */
  async catchUp(client: StreamClient): Promise<void> {
    const db = this.options.db;
    const page = this.settings.pageSize;
    for (;;) {
      const target = this.head;
      const behind = {
        events: client.cursor.ticketEvent < target.ticketEvent,
        activity: client.cursor.activity < target.activity,
      };
      if (!behind.events && !behind.activity) break;
      const [eventRows, activityRows] = await Promise.all([
        behind.events
          ? fetchTicketEvents(db, client.cursor.ticketEvent, page, target.ticketEvent)
          : [],
        behind.activity ? fetchActivity(db, client.cursor.activity, page, target.activity) : [],
      ]);
      if (client.isClosed()) return;
      const entries = sequence(
        client.cursor,
        await ticketEventMessages(db, eventRows),
        activityMessages(activityRows),
      );
      if (entries.length === 0) {
        // Nothing left below the target in either source (rows pruned): skip ahead.
        client.cursor = {
          ticketEvent: Math.max(client.cursor.ticketEvent, target.ticketEvent),
          activity: Math.max(client.cursor.activity, target.activity),
        };
        continue;
      }
      await client.replay(entries.map((entry) => this.outgoing(entry)));
      if (client.isClosed()) return;
    }
    // Synchronously from the check above: no message can slip between catch-up and live.
    client.state = 'live';
    client.control('live', this.options.clock.now());
  }

  drop(client: StreamClient, code: number, reason: string): void {
    if (client.state === 'closed') return;
    if (code === CLOSE.tooSlow) this.counts.droppedSlow++;
    this.logger.info(
      { user: client.principal.name, code, reason, buffered: client.socket.bufferedAmount },
      'stream client dropped',
    );
    this.forget(client);
    client.socket.close(code, reason.slice(0, 120));
    // A client that reads nothing never completes the close handshake.
    this.options.clock.setTimeout(() => client.socket.terminate(), this.settings.closeGraceMs);
  }

  private forget(client: StreamClient): void {
    if (client.state === 'closed') return;
    client.state = 'closed';
    this.delivered += client.sent;
    client.sent = 0;
    this.clients.delete(client);
  }

  private async readAll(): Promise<void> {
    try {
      do {
        this.again = false;
        while (await this.readPage()) {
          // A full page: more is waiting. Let the sockets write out first (better-sqlite3
          // answers synchronously, so without this a long read would never yield to I/O).
          await new Promise((resolve) => setImmediate(resolve));
        }
      } while (this.again && this.started);
    } catch (error) {
      // A store outage: the next poll tries again.
      this.logger.warn({ err: (error as Error).message }, 'stream read failed');
    }
  }

  /** Reads one page of each source and fans it out; true when a page came back full. */
  private async readPage(): Promise<boolean> {
    const page = this.settings.pageSize;
    if (this.clients.size === 0) {
      // No one to tell: the head moves on by the rows' ids alone, without their data read or
      // messages built (ingest pokes after every batch; reading a storm batch's ticket events
      // whole cost a tenth of the batch). A client that connects later starts from here, or
      // replays from the store.
      const from = { ticketEvent: this.events.position, activity: this.activity.position };
      const [events, activity] = await Promise.all([
        this.events.skip(page),
        this.activity.skip(page),
      ]);
      if (this.clients.size > 0) {
        // Someone connected meanwhile, caught up to the old head: these rows are theirs.
        this.events.position = from.ticketEvent;
        this.activity.position = from.activity;
        return true;
      }
      this.head = { ticketEvent: this.events.position, activity: this.activity.position };
      this.counts.messages += events.length + activity.length;
      return events.length === page || activity.length === page;
    }
    const [eventRows, activityRows] = await Promise.all([
      this.events.next(page),
      this.activity.next(page),
    ]);
    if (eventRows.length === 0 && activityRows.length === 0) return false;
    const full = eventRows.length === page || activityRows.length === page;
    const entries = sequence(
      this.head,
      await ticketEventMessages(this.options.db, eventRows),
      activityMessages(activityRows),
    );
    // A client still holding more than its allowance from earlier pages is too slow: drop it
    // (it resumes by id) rather than let its buffer grow or hold anyone up.
    for (const client of this.clients) {
      if (client.state === 'live' && !client.keptUp()) {
        this.drop(client, CLOSE.tooSlow, `too slow; reconnect with since=${client.id()}`);
      }
    }
    for (const entry of entries) {
      const outgoing = this.outgoing(entry);
      this.head = entry.cursor;
      this.counts.messages++;
      for (const client of this.clients) client.deliver(outgoing);
    }
    return full;
  }

  private outgoing(entry: ReturnType<typeof sequence>[number]): Outgoing {
    return {
      source: entry.positioned.source,
      position: entry.positioned.position,
      cursor: entry.cursor,
      type: entry.message.type,
      data: entry.message.data,
      frame: Buffer.from(JSON.stringify(entry.message)),
    };
  }

  private armPoll(): void {
    if (!this.started) return;
    this.pollTimer = this.options.clock.setTimeout(() => {
      this.readNow();
      this.armPoll();
    }, this.settings.pollIntervalMs);
  }

  private armHeartbeat(): void {
    if (!this.started) return;
    this.heartbeatTimer = this.options.clock.setTimeout(() => {
      void this.heartbeat();
      this.armHeartbeat();
    }, this.settings.heartbeatMs);
  }

  /**
   * Pings every client and drops those that did not answer the last ping; then checks each
   * client's token again, dropping those whose token was revoked or whose user was disabled.
   */
  private async heartbeat(): Promise<void> {
    const now = this.options.clock.now();
    const clients = [...this.clients];
    for (const client of clients) {
      if (!client.alive) {
        this.counts.droppedDead++;
        this.forget(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
      if (client.state === 'live') client.control('heartbeat', now);
    }
    for (const client of clients) {
      if (client.isClosed()) continue;
      // A store outage is no reason to drop anyone.
      const principal = await this.options.auth
        .authenticate(client.token)
        .catch(() => client.principal);
      if (!principal) this.drop(client, CLOSE.unauthenticated, 'token no longer valid');
    }
  }
}
