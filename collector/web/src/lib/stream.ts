import type { StreamMessage } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'closed';

export interface StreamOptions {
  token: string;
  onMessage(message: StreamMessage): void;
  onState(state: ConnectionState, detail: { attempt: number; retryAt: number | null }): void;
  /** After a reconnect that could not resume (no id seen yet): reload everything. */
  onResync(): void;
  /** The collector refused the token (closed with 4401/4403 or 1008). */
  onRejected(): void;
  /** Base of the URL (tests); default: this page's origin. */
  base?: string;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The live stream: a WebSocket to `/api/stream` that reconnects with a capped, jittered backoff
 * and resumes from the last event id it saw (`?since=`), so nothing is missed across a drop.
 */
export class LiveStream {
  private socket: WebSocket | undefined;
  private lastId: string | null = null;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private everOpened = false;

  constructor(private readonly options: StreamOptions) {}

  get cursor(): string | null {
    return this.lastId;
  }

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.reconnectNow);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.reconnectNow);
    clearTimeout(this.retry);
    this.socket?.close(1000, 'logged out');
    this.socket = undefined;
    this.options.onState('closed', { attempt: 0, retryAt: null });
  }

  private readonly reconnectNow = () => {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retry);
    this.open();
  };

  private url(): string {
    const base = this.options.base ?? window.location.origin;
    const url = new URL('/api/stream', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('access_token', this.options.token);
    if (this.lastId) url.searchParams.set('since', this.lastId);
    return url.toString();
  }

  private open(): void {
    const resuming = this.everOpened;
    this.options.onState(resuming ? 'reconnecting' : 'connecting', {
      attempt: this.attempt,
      retryAt: null,
    });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      const resynced = this.everOpened && this.lastId === null;
      this.everOpened = true;
      this.options.onState('live', { attempt: 0, retryAt: null });
      // Without a cursor there is nothing to resume from: what happened meanwhile is reloaded.
      if (resynced) this.options.onResync();
    };
    socket.onmessage = (event) => {
      let message: StreamMessage;
      try {
        message = JSON.parse(String(event.data)) as StreamMessage;
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
        return;
      }
      if (typeof message.id === 'string' && message.id) this.lastId = message.id;
      this.options.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped) return;
      if (event.code === 4401 || event.code === 4403 || event.code === 1008) {
        this.options.onRejected();
        return;
      }
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.attempt++;
    const ceiling = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(this.attempt - 1, 5));
    const wait = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    this.options.onState(offline ? 'offline' : 'reconnecting', {
      attempt: this.attempt,
      retryAt: Date.now() + wait,
    });
    this.retry = setTimeout(() => this.open(), wait);
  }
}
