import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime.js';

export interface ReceivedMail extends ParsedMail {
  /** The envelope: MAIL FROM and the RCPT TO addresses. */
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  user: string | null;
}

export interface TestSmtpOptions {
  /** Require this login (over STARTTLS with the server's own certificate). */
  auth?: { user: string; pass: string };
}

/** An SMTP reply code to give instead of accepting, per recipient or per message. */
export type SmtpFault = { code: number; message: string } | null;

/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 for tests: records every message
 * accepted, can refuse recipients or messages with a chosen code, and can be stopped and started
 * again on the same port (an SMTP outage).
 */
export class TestSmtpServer {
  readonly mails: ReceivedMail[] = [];
  /** Decides per recipient: null accepts. */
  recipientFault: (address: string) => SmtpFault = () => null;
  /** Decides per message (after DATA): null accepts. */
  messageFault: (count: number) => SmtpFault = () => null;
  private server: SMTPServer | null = null;
  port = 0;

  constructor(private readonly options: TestSmtpOptions = {}) {}

  async start(): Promise<this> {
    const auth = this.options.auth;
    const server = new SMTPServer({
      authOptional: !auth,
      ...(auth ? {} : { disabledCommands: ['AUTH'] }),
      logger: false,
      onAuth: (login, _session, callback) => {
        if (auth && login.username === auth.user && login.password === auth.pass) {
          return callback(null, { user: login.username });
        }
        return callback(
          Object.assign(new Error('Invalid username or password'), { responseCode: 535 }),
        );
      },
      onRcptTo: (address, _session, callback) => {
        const fault = this.recipientFault(address.address);
        if (fault)
          return callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
        return callback();
      },
      onData: (stream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const fault = this.messageFault(this.mails.length);
          if (fault)
            return callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom;
          this.mails.push({
            ...parseMail(raw),
            envelopeFrom: from ? from.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw,
            user: (session.user as string | undefined) ?? null,
          });
          return callback(null, 'Queued');
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Mail that reached an address, in arrival order. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.envelopeTo.includes(address.toLowerCase()));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startSmtp(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  return new TestSmtpServer(options).start();
}
