import type { Clock } from '../../shared/clock.js';

/** Checks `probe` every `everyMs` until it returns a value or `timeoutMs` passes. */
export async function pollUntil<T>(
  probe: () => T | undefined,
  clock: Clock,
  timeoutMs: number,
  everyMs = 200,
): Promise<T | undefined> {
  const deadline = clock.now().getTime() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (clock.now().getTime() >= deadline) return undefined;
    await new Promise<void>((resolve) => clock.setTimeout(resolve, everyMs));
  }
}

export function racePromise<T>(
  promise: Promise<T>,
  clock: Clock,
  timeoutMs: number,
): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(undefined), timeoutMs);
    promise.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        timer.cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
