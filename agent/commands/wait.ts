import type { Clock } from '../../shared/clock.js';

/**
 * The system clock's timers do not hold the process open (a service must be free to exit), so a
 * command that waits on one holds it open itself; otherwise Node would end mid-wait with exit 13.
 */
function holdOpen(): () => void {
  const handle = setInterval(() => undefined, 60_000);
  return () => clearInterval(handle);
}

/** Checks `probe` every `everyMs` until it returns a value or `timeoutMs` passes. */
export async function pollUntil<T>(
  probe: () => T | undefined,
  clock: Clock,
  timeoutMs: number,
  everyMs = 200,
): Promise<T | undefined> {
  const release = holdOpen();
  try {
    const deadline = clock.now().getTime() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (clock.now().getTime() >= deadline) return undefined;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, everyMs));
    }
  } finally {
    release();
  }
}

/** `promise`'s value, or undefined once `timeoutMs` has passed without one. */
export function racePromise<T>(
  promise: Promise<T>,
  clock: Clock,
  timeoutMs: number,
): Promise<T | undefined> {
  const release = holdOpen();
  return new Promise<T | undefined>((resolve, reject) => {
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
  }).finally(release);
}
