import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { until } from './wait.js';

export interface Received {
  id: string;
  type: string;
  at: string;
  data: Record<string, unknown> & { type?: string; ticketId?: string };
}

/** A stream client for tests: collects every message; `next` waits for what it expects. */
export class StreamTestClient {
  readonly messages: Received[] = [];
  closed: { code: number; reason: string } | undefined;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(String(raw)) as Received));
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  static async open(
    baseUrl: string,
    token: string,
    query: Record<string, string> = {},
  ): Promise<StreamTestClient> {
    const url = new URL('/api/stream', baseUrl.replace(/^http/, 'ws'));
    for (const [k, v] of Object.entries({ access_token: token, ...query })) {
      url.searchParams.set(k, v);
    }
    const socket = new WebSocket(url);
    const client = new StreamTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Messages of the stream proper (not hello/live/heartbeat). */
  events(): Received[] {
    return this.messages.filter((m) => !['hello', 'live', 'heartbeat', 'pong'].includes(m.type));
  }

  async waitFor(
    predicate: (messages: Received[]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<Received[]> {
    await until(() => predicate(this.messages), { what, timeoutMs });
    return this.messages;
  }

  waitForType(type: string, count = 1): Promise<Received[]> {
    return this.waitFor(
      (m) => m.filter((x) => x.type === type).length >= count,
      `${count} ${type} message(s)`,
    );
  }

  /** The id of the last message received. */
  lastId(): string {
    return this.messages.at(-1)!.id;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close();
    await closed;
  }
}

/**
 * A client that upgrades and then reads nothing at all (its socket paused): the slow consumer
 * the stream must drop rather than wait for.
 */
export async function stalledClient(
  baseUrl: string,
  token: string,
  since: string,
): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(
    `GET /api/stream?access_token=${token}&since=${since} HTTP/1.1\r\n` +
      `Host: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  await new Promise<void>((resolve) => {
    socket.once('data', (chunk) => {
      if (String(chunk).startsWith('HTTP/1.1 101')) resolve();
    });
  });
  socket.pause();
  return socket;
}
