import type { WebSocket } from 'ws';
import type { Principal } from '../../auth/auth-service.js';
import { formatCursor, parseCursor, type Cursor } from './cursor.js';
import type { StreamMessage } from './stream-messages.js';
import { visibleTo } from './visibility.js';

/** Close codes of the stream (4000-4999 are the application's). */
export const CLOSE = {
  /** The server is going away (restart): reconnect with the last id. */
  goingAway: 1001,
  /** The token was revoked, expired or its user disabled while connected. */
  unauthenticated: 4401,
  /** A malformed `resume` message. */
  badRequest: 4400,
  /** The client fell too far behind: reconnect with `?since=<last id>`. */
  tooSlow: 4008,
} as const;

/** A message ready for the wire: serialized once, sent to every client. */
export interface Outgoing {
  source: keyof Cursor;
  position: number;
  cursor: Cursor;
  type: StreamMessage['type'];
  data: StreamMessage['data'];
  frame: Buffer;
}

/** What a client needs of the hub. */
export interface ClientHost {
  readonly maxBufferedBytes: number;
  catchUp(client: StreamClient): Promise<void>;
  drop(client: StreamClient, code: number, reason: string): void;
}

/**
 * One WebSocket connection. It starts at a cursor, is caught up from the store to the hub's
 * head (at its own pace: each page waits for the socket), then goes live and is handed every
 * new message as the hub reads it. A live client whose send buffer grows past the limit is
 * dropped, never waited for.
 */
export class StreamClient {
  state: 'waiting' | 'catching-up' | 'live' | 'closed' = 'waiting';
  /** The last position handed to the socket, per source. */
  cursor: Cursor;
  /** Answered the last ping. */
  alive = true;
  sent = 0;

  constructor(
    readonly socket: WebSocket,
    readonly principal: Principal,
    readonly token: string,
    start: Cursor,
    private readonly host: ClientHost,
  ) {
    this.cursor = { ...start };
    socket.on('pong', () => {
      this.alive = true;
    });
  }

  /**
   * Whether the client has kept up: what it was sent before the current page has drained below
   * the allowance. Checked once per page, so one burst never counts against a fast reader.
   */
  keptUp(): boolean {
    return this.socket.bufferedAmount <= this.host.maxBufferedBytes;
  }

  /** Hands a live message over, unless the client has it or may not see it. */
  deliver(message: Outgoing): void {
    if (this.state !== 'live') return;
    if (message.position <= this.cursor[message.source]) return;
    this.cursor[message.source] = message.position;
    if (!visibleTo(this.principal.role, message)) return;
    this.socket.send(message.frame, { binary: false });
    this.sent++;
  }

  /**
   * Sends a page of catch-up messages; resolves once they are written out to the socket, which
   * paces catch-up to what the client reads.
   */
  replay(messages: readonly Outgoing[]): Promise<void> {
    const visible: Outgoing[] = [];
    for (const message of messages) {
      this.cursor[message.source] = Math.max(this.cursor[message.source], message.position);
      if (visibleTo(this.principal.role, message)) visible.push(message);
    }
    if (visible.length === 0 || this.state === 'closed') return Promise.resolve();
    this.sent += visible.length;
    return new Promise((resolve) => {
      visible.forEach((message, i) =>
        this.socket.send(
          message.frame,
          { binary: false },
          i === visible.length - 1 ? () => resolve() : undefined,
        ),
      );
    });
  }

  /** A control message of the protocol (`hello`, `live`, `heartbeat`, `error`, `pong`). */
  control(type: string, at: Date, data: Record<string, unknown> = {}): void {
    if (this.state === 'closed') return;
    this.socket.send(JSON.stringify({ id: this.id(), type, at: at.toISOString(), data }));
  }

  /** Closed meanwhile (a method, so checks after an await are not narrowed away). */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  id(): string {
    return formatCursor(this.cursor);
  }

  /** Reads the client's first message: `{"resume": "<id>"}` moves the start back. */
  resumeFrom(raw: string): Cursor | 'invalid' | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return 'invalid';
    }
    if (!parsed || typeof parsed !== 'object' || !('resume' in parsed)) return undefined;
    const resume = (parsed as { resume: unknown }).resume;
    return (typeof resume === 'string' && parseCursor(resume)) || 'invalid';
  }
}
