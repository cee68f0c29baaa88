import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer tokens are 256 random bits, shown once and stored as a SHA-256 hash. A slow password
 * hash buys nothing for secrets of that entropy and would cost a key derivation per request.
 */
export const TOKEN_PREFIX = 'bft_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikeToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length >= TOKEN_PREFIX.length + 40;
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads `Authorization: Bearer <token>`; also accepts `?access_token=` for WebSocket upgrades,
 *  which browsers cannot send headers on. */
export function tokenFromRequest(
  authorization: string | undefined,
  queryToken: string | undefined,
): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? queryToken;
}
