/**
 * A leaky bucket for correctable-error bursts: each error adds one; the bucket drains at
 * `threshold` per `windowMs`. It overflows (alerts) when errors arrive faster than the
 * configured rate for long enough, and it is empty again only after a quiet spell. A steady
 * trickle below the rate never alerts, which is the point: a few corrected errors a day are
 * normal on a large memory.
 */
export interface BucketSettings {
  threshold: number;
  windowMs: number;
}

export function drain(level: number, elapsedMs: number, s: BucketSettings): number {
  if (elapsedMs <= 0) return level;
  return Math.max(0, level - (s.threshold * elapsedMs) / s.windowMs);
}

/** The bucket's level as a rate: errors per hour at which it would stay at this level. */
export function ratePerHour(level: number, s: BucketSettings): number {
  return Math.round(((level * 3_600_000) / s.windowMs) * 100) / 100;
}
