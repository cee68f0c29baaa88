import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { formatIssues } from '../../shared/config/load.js';
import { BladeframeError } from '../../shared/errors.js';
import type { Database } from '../store/schema.js';
import { deliveryIdsOf, enqueueDeliveries, type NewDelivery } from './delivery-store.js';

/** A file sent with a mail (a report as CSV, HTML, Markdown). */
export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  /** e.g. `text/csv`; default: guessed from the file name by the mail library. */
  contentType?: string;
}

export interface MailMessage {
  /** One address or several; each gets its own delivery (one bad address holds up no other). */
  to: string | readonly string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: readonly MailAttachment[];
  /**
   * Makes sending idempotent: a message with the same key is queued once per address, however
   * often it is sent (e.g. `report:daily:2026-01-05`). Default: a fresh key each time.
   */
  key?: string;
}

export interface MailReceipt {
  /** The key the message was queued under (`mail:<key>` in the delivery log). */
  key: string;
  /** One delivery per address, in the delivery log (`GET /api/notifications/deliveries`). */
  deliveryIds: string[];
}

/**
 * Sends mail through the durable delivery queue: `send` returns once the message is stored, and
 * the delivery worker sends it over SMTP with retries; an SMTP outage loses nothing.
 */
export interface Mailer {
  /** Whether an SMTP server is configured; without one, queued mail fails with a clear error. */
  readonly enabled: boolean;
  send(message: MailMessage): Promise<MailReceipt>;
}

/** The stored email of a delivery (the worker adds From and the recipient). */
export interface StoredEmail {
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; contentType?: string; contentBase64: string }[];
}

const address = z.email({ error: 'must be an email address' });
const messageSchema = z.object({
  to: z.union([address, z.array(address).min(1, 'name at least one recipient')]),
  subject: z.string().trim().min(1, 'must not be empty').max(500),
  text: z.string(),
  html: z.string().optional(),
  key: z.string().min(1).max(200).optional(),
  attachments: z
    .array(
      z.object({
        filename: z.string().min(1),
        content: z.union([z.string(), z.instanceof(Buffer)]),
        contentType: z.string().min(1).optional(),
      }),
    )
    .optional(),
});

export interface QueueMailerDeps {
  db: Kysely<Database>;
  clock: Clock;
  enabled: boolean;
  /** Called after a message is queued (the worker sends it at once). */
  onQueued?: () => void;
}

/** The Mailer of the collector: queues each message in `notify_deliveries`. */
export class QueueMailer implements Mailer {
  readonly enabled: boolean;

  constructor(private readonly deps: QueueMailerDeps) {
    this.enabled = deps.enabled;
  }

  async send(message: MailMessage): Promise<MailReceipt> {
    const parsed = messageSchema.safeParse(message);
    if (!parsed.success) {
      const details = formatIssues(parsed.error.issues, 'mail');
      throw new BladeframeError('BF_BAD_REQUEST', details.join('; '), details);
    }
    const m = parsed.data;
    const key = m.key ?? randomUUID();
    const eventKey = `mail:${key}`;
    const stored: StoredEmail = {
      subject: m.subject,
      text: m.text,
      ...(m.html !== undefined ? { html: m.html } : {}),
      ...(m.attachments
        ? {
            attachments: m.attachments.map((a) => ({
              filename: a.filename,
              ...(a.contentType ? { contentType: a.contentType } : {}),
              contentBase64: Buffer.from(a.content).toString('base64'),
            })),
          }
        : {}),
    };
    const recipients = [
      ...new Set((Array.isArray(m.to) ? m.to : [m.to]).map((a) => a.toLowerCase())),
    ];
    const deliveries: NewDelivery[] = recipients.map((to) => ({
      channel: 'email',
      target: to,
      eventKey,
      ticketEventId: null,
      ticketId: null,
      eventType: 'mail',
      severity: null,
      subject: m.subject,
      payload: stored,
    }));
    await enqueueDeliveries(this.deps.db, deliveries, this.deps.clock.now().toISOString());
    this.deps.onQueued?.();
    return { key, deliveryIds: await deliveryIdsOf(this.deps.db, eventKey) };
  }
}
