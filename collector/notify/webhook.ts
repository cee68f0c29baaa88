import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from '../../shared/clock.js';
import { VERSION } from '../../shared/version.js';
import { retryAfterMs } from './backoff.js';
import { signBody } from './signature.js';
import type { TicketNotice } from './ticket-notice.js';

/** The outcome of one attempt at a receiver. */
export interface AttemptResult {
  outcome: 'delivered' | 'retry' | 'failed';
  /** HTTP status or SMTP reply code, when the receiver answered. */
  code: number | null;
  error: string | null;
  /** The receiver asked to wait this long (429/503 `Retry-After`). */
  retryAfterMs?: number | null;
}

/** The stored part of a webhook body: everything but the per-attempt `delivery` block. */
export type WebhookPayload = Omit<TicketNotice, 'key'> & { type: 'ticket.event'; key: string };

export function webhookPayload(notice: TicketNotice): WebhookPayload {
  return { type: 'ticket.event', ...notice };
}

/** One line for the delivery log. */
export function webhookSubject(notice: TicketNotice): string {
  const { ticket, event } = notice;
  return `${event.type} · ticket ${ticket.id} · S${ticket.serviceSeverity} · ${ticket.summary}`;
}

export interface AttemptInfo {
  deliveryId: string;
  attempt: number;
  sentAt: string;
}

/**
 * The exact bytes sent: the stored payload with a `delivery` block naming this delivery, the
 * attempt and the send time. The signature covers it all, so the time inside the body is what a
 * receiver checks against replay.
 */
export function webhookBody(payload: unknown, info: AttemptInfo): string {
  return JSON.stringify({
    ...(payload as object),
    delivery: { id: info.deliveryId, attempt: info.attempt, sentAt: info.sentAt },
  });
}

export interface WebhookRequest {
  url: string;
  secret: string;
  headers: Record<string, string>;
  eventKey: string;
  eventType: string;
  payload: unknown;
  info: AttemptInfo;
}

/** The request headers of one attempt (also what the README documents). */
export function webhookHeaders(req: WebhookRequest, body: string): Record<string, string> {
  return {
    ...req.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': `bladeframe-callhome/${VERSION}`,
    'x-signature': signBody(body, req.secret),
    'x-bladeframe-event': req.eventKey,
    'x-bladeframe-event-type': req.eventType,
    'x-bladeframe-delivery': req.info.deliveryId,
    'x-bladeframe-timestamp': String(Math.floor(Date.parse(req.info.sentAt) / 1000)),
  };
}

/** What an HTTP status means for the delivery: 2xx arrived; most 4xx will never be accepted. */
export function classifyStatus(status: number): AttemptResult['outcome'] {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'failed';
  return 'retry';
}

const MAX_ERROR_BODY = 512;

/**
 * POSTs one attempt. Never throws: a refused connection, a timeout (counted on the injected
 * clock) or an error status all come back as a result to record.
 */
export function postWebhook(
  req: WebhookRequest,
  options: { timeoutMs: number; clock: Clock },
): Promise<AttemptResult> {
  const body = webhookBody(req.payload, req.info);
  const url = new URL(req.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      timer.cancel();
      resolve(result);
    };
    const request = send(url, {
      method: 'POST',
      headers: webhookHeaders(req, body),
      // One request per connection: no idle sockets outlive the attempt.
      agent: false,
    });
    const timer = options.clock.setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error) =>
      finish({ outcome: 'retry', code: null, error: error.message || String(error) }),
    );
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) =>
        finish({ outcome: 'retry', code: status, error: error.message }),
      );
      response.on('end', () => {
        const outcome = classifyStatus(status);
        const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).trim();
        const header = response.headers['retry-after'];
        finish({
          outcome,
          code: status,
          error:
            outcome === 'delivered'
              ? null
              : `HTTP ${status} ${response.statusMessage ?? ''}`.trim() + (text ? `: ${text}` : ''),
          retryAfterMs: retryAfterMs(
            Array.isArray(header) ? header[0] : header,
            Date.parse(req.info.sentAt),
          ),
        });
      });
    });
    request.end(body);
  });
}
