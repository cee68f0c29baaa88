import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../collector/notify/signature.js';
import {
  classifyStatus,
  postWebhook,
  type WebhookRequest,
} from '../../../collector/notify/webhook.js';
import { ManualClock, systemClock } from '../../../shared/clock.js';
import { startReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { until } from '../../support/wait.js';

const SECRET = 'a-shared-secret-of-some-length';

function request(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    secret: SECRET,
    headers: { 'x-api-key': 'k-123' },
    eventKey: 'ticket-event:42',
    eventType: 'clock-breached',
    payload: {
      type: 'ticket.event',
      ticket: { id: '7', summary: 'Uncorrectable ECC error · DIMM A1' },
    },
    info: { deliveryId: '9', attempt: 2, sentAt: '2026-01-05T14:00:00.000Z' },
    ...overrides,
  };
}

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.stop();
  receiver = undefined;
});

describe('webhook signature', () => {
  it('is sha256=<hex HMAC-SHA256> of the exact body bytes', () => {
    const body = '{"a":1,"text":"é"}';
    const hex = createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signBody(body, SECRET)).toBe(`sha256=${hex}`);
    expect(verifySignature(body, `sha256=${hex}`, SECRET)).toBe(true);
    expect(verifySignature(body + ' ', `sha256=${hex}`, SECRET)).toBe(false);
    expect(verifySignature(body, `sha256=${hex}`, 'another-secret-entirely')).toBe(false);
    expect(verifySignature(body, undefined, SECRET)).toBe(false);
    expect(verifySignature(body, `sha1=${hex}`, SECRET)).toBe(false);
  });
});

describe('postWebhook against a real receiver', () => {
  it('sends a body the receiver verifies with the shared secret, with event, delivery and timestamp', async () => {
    receiver = await startReceiver(204);
    const result = await postWebhook(request(receiver.url), {
      timeoutMs: 5000,
      clock: systemClock,
    });
    expect(result).toMatchObject({ outcome: 'delivered', code: 204, error: null });
    const [got] = receiver.requests;
    expect(got!.method).toBe('POST');
    expect(got!.headers['content-type']).toBe('application/json; charset=utf-8');
    // The receiver's check, on the raw body as received:
    expect(verifySignature(got!.body, got!.headers['x-signature'] as string, SECRET)).toBe(true);
    expect(
      verifySignature(got!.body, got!.headers['x-signature'] as string, 'wrong-secret-0000000'),
    ).toBe(false);
    expect(got!.headers['x-bladeframe-event']).toBe('ticket-event:42');
    expect(got!.headers['x-bladeframe-event-type']).toBe('clock-breached');
    expect(got!.headers['x-bladeframe-delivery']).toBe('9');
    expect(got!.headers['x-bladeframe-timestamp']).toBe(
      String(Date.parse('2026-01-05T14:00:00Z') / 1000),
    );
    expect(got!.headers['x-api-key']).toBe('k-123');
    const body = JSON.parse(got!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'ticket.event',
      ticket: { id: '7', summary: 'Uncorrectable ECC error · DIMM A1' },
      delivery: { id: '9', attempt: 2, sentAt: '2026-01-05T14:00:00.000Z' },
    });
  });

  it('a tampered body fails verification', async () => {
    receiver = await startReceiver(200);
    await postWebhook(request(receiver.url), { timeoutMs: 5000, clock: systemClock });
    const got = receiver.requests[0]!;
    const tampered = got.body.replace('"7"', '"8"');
    expect(verifySignature(tampered, got.headers['x-signature'] as string, SECRET)).toBe(false);
  });

  it.each([
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [302, 'retry'],
    [400, 'failed'],
    [401, 'failed'],
    [404, 'failed'],
    [410, 'failed'],
  ] as const)('HTTP %i means %s', async (status, outcome) => {
    receiver = await startReceiver({ status, body: 'receiver says no' });
    const result = await postWebhook(request(receiver.url), {
      timeoutMs: 5000,
      clock: systemClock,
    });
    expect(result.outcome).toBe(outcome);
    expect(result.code).toBe(status);
    expect(result.error).toContain(`HTTP ${status}`);
    expect(result.error).toContain('receiver says no');
    expect(classifyStatus(status)).toBe(outcome);
  });

  it('reads Retry-After', async () => {
    receiver = await startReceiver({ status: 429, headers: { 'retry-after': '120' } });
    const result = await postWebhook(request(receiver.url), {
      timeoutMs: 5000,
      clock: systemClock,
    });
    expect(result).toMatchObject({ outcome: 'retry', retryAfterMs: 120_000 });
  });

  it('a refused connection is retried', async () => {
    receiver = await startReceiver(200);
    const url = receiver.url;
    await receiver.stop();
    const result = await postWebhook(request(url), { timeoutMs: 5000, clock: systemClock });
    expect(result.outcome).toBe('retry');
    expect(result.code).toBeNull();
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it('times out on the injected clock when the receiver never answers', async () => {
    receiver = await startReceiver('hang');
    const clock = new ManualClock();
    const pending = postWebhook(request(receiver.url), { timeoutMs: 10_000, clock });
    await until(() => receiver!.requests.length === 1, { what: 'the request to arrive' });
    clock.advance(9_999);
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    clock.advance(1);
    const result = await pending;
    expect(result.outcome).toBe('retry');
    expect(result.error).toContain('no answer within 10000 ms');
  });
});
