/**
 * Waits for something another process or socket does (a message crossing a broker, a row
 * landing), polling: never a fixed sleep standing in for logic.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 20_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
