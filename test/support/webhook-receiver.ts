import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the receiver saw it: the raw body bytes, as a signature is computed over them. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

/**
 * How the receiver answers: a status (with optional headers), or `hang` (never answers, for
 * timeouts). A function decides per request.
 */
export type ReceiverBehaviour =
  | number
  | 'hang'
  | { status: number; headers?: Record<string, string>; body?: string }
  | ((request: ReceivedRequest, index: number) => number | 'hang');

/**
 * A real HTTP webhook receiver on 127.0.0.1 for tests. It can be stopped (connection refused)
 * and started again on the same port, to play a receiver outage.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  behaviour: ReceiverBehaviour = 200;
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received: ReceivedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status: 0,
        };
        let answer = this.behaviour;
        if (typeof answer === 'function') answer = answer(received, this.requests.length);
        if (answer === 'hang') {
          this.requests.push(received);
          return;
        }
        const spec = typeof answer === 'number' ? { status: answer } : answer;
        received.status = spec.status;
        this.requests.push(received);
        res.writeHead(spec.status, { 'content-type': 'text/plain', ...spec.headers });
        res.end(spec.body ?? (spec.status < 300 ? 'ok' : 'not now'));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Accepted requests (2xx), in arrival order. */
  get delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Closes the listener and every open connection: the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startReceiver(behaviour: ReceiverBehaviour = 200): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  receiver.behaviour = behaviour;
  return receiver.start();
}
