import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpSettings } from '../../shared/config/notify-config.js';
import type { DeliveryWithPayload } from './delivery-store.js';
import type { ChannelSender } from './delivery-worker.js';
import type { StoredEmail } from './mailer.js';
import type { AttemptInfo, AttemptResult } from './webhook.js';

/** The stored email of a ticket event also names its thread (one per ticket). */
export type QueuedEmail = StoredEmail & { thread?: string };

/** nodemailer's transport options from the `notify.smtp` settings. */
export function smtpTransportOptions(smtp: SmtpSettings, timeoutMs: number) {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls',
    ignoreTLS: smtp.tls === 'none',
    tls: {
      rejectUnauthorized: smtp.rejectUnauthorized,
      ...(smtp.caFile ? { ca: readFileSync(smtp.caFile, 'utf8') } : {}),
    },
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 3,
  };
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * What an SMTP failure means for the delivery: a 5xx answer to the envelope or the message is
 * final (the mailbox does not exist, the message is refused); a 4xx, a refused connection, a
 * timeout, a TLS or login failure are the server's or the setup's trouble, retried.
 */
export function classifySmtpError(error: SmtpError): AttemptResult {
  const code = typeof error.responseCode === 'number' ? error.responseCode : null;
  const login = error.code === 'EAUTH' || error.code === 'ENOAUTH' || error.code === 'ETLS';
  const permanent = code !== null && code >= 500 && code < 600 && !login;
  const detail = (error.response ?? error.message ?? String(error)).trim();
  return {
    outcome: permanent ? 'failed' : 'retry',
    code,
    error: [error.code, detail].filter(Boolean).join(': '),
  };
}

/** The email channel: one message per delivery, to the delivery's one address. */
export class EmailSender implements ChannelSender {
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(
    private readonly smtp: SmtpSettings,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport(smtpTransportOptions(smtp, timeoutMs));
    this.domain = /@([^>\s]+)>?\s*$/.exec(smtp.from)?.[1] ?? 'bladeframe.invalid';
  }

  async send(delivery: DeliveryWithPayload, info: AttemptInfo): Promise<AttemptResult> {
    const mail = delivery.payload as QueuedEmail;
    const thread = mail.thread ? `<${mail.thread}@${this.domain}>` : undefined;
    try {
      const result = (await this.transport.sendMail({
        from: this.smtp.from,
        ...(this.smtp.replyTo ? { replyTo: this.smtp.replyTo } : {}),
        to: delivery.target,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        attachments: (mail.attachments ?? []).map((a) => ({
          filename: a.filename,
          content: Buffer.from(a.contentBase64, 'base64'),
          ...(a.contentType ? { contentType: a.contentType } : {}),
        })),
        // Stable per delivery: a message resent after a lost answer is recognisably the same.
        messageId: `<delivery-${delivery.id}@${this.domain}>`,
        ...(thread ? { references: thread, inReplyTo: thread } : {}),
        headers: {
          'X-Bladeframe-Event': delivery.eventKey,
          'X-Bladeframe-Delivery': delivery.id,
          'X-Bladeframe-Attempt': String(info.attempt),
        },
      })) as { rejected?: unknown[]; response?: string };
      if (result.rejected && result.rejected.length > 0) {
        return {
          outcome: 'failed',
          code: null,
          error: `recipient refused: ${result.response ?? ''}`,
        };
      }
      const code = /^(\d{3})/.exec(result.response ?? '')?.[1];
      return { outcome: 'delivered', code: code ? Number(code) : null, error: null };
    } catch (error) {
      return classifySmtpError(error as SmtpError);
    }
  }

  close(): void {
    this.transport.close();
  }
}
