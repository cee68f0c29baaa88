import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the webhook's shared secret. */
export function signBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * What a receiver does with `X-Signature`: recompute over the raw body as received (before any
 * JSON parsing) and compare in constant time. True only for an exact match.
 */
export function verifySignature(
  body: string | Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
