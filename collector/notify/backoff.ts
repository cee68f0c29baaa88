export interface BackoffSettings {
  initialBackoff: number;
  maxBackoff: number;
  /** Spread of each delay: ± this fraction of it. */
  jitter: number;
}

/**
 * The wait after the `attempt`-th failed attempt (from 1): `initialBackoff` doubled per attempt
 * up to `maxBackoff`, spread by the jitter. `random` is in [0, 1); 0.5 gives the exact delay.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const base = Math.min(settings.maxBackoff, settings.initialBackoff * 2 ** exponent);
  const spread = 1 + settings.jitter * (2 * random - 1);
  return Math.max(0, Math.round(base * spread));
}

/** Seconds or an HTTP date in a `Retry-After` header, as milliseconds from `now`; else null. */
export function retryAfterMs(header: string | undefined, now: number): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
