/**
 * Reconnect delays: exponential from `minMs` to `maxMs`, with "equal jitter" (half fixed, half
 * random) so a frame of blades losing the broker together does not return in lockstep.
 */
export function reconnectDelay(
  attempt: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
