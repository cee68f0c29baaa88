import { useEffect, useState } from 'preact/hooks';

/**
 * One ticking clock for the whole page: every countdown re-renders on the same second boundary,
 * from a single timer.
 */
type Listener = (now: number) => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | undefined;

export function now(): number {
  return Date.now();
}

function schedule(): void {
  const wait = 1000 - (Date.now() % 1000) + 5;
  timer = setTimeout(() => {
    const at = now();
    for (const listener of listeners) listener(at);
    schedule();
  }, wait);
}

/** The current time in ms, updated every second while the component is mounted. */
export function useNow(): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    listeners.add(setValue);
    if (!timer) schedule();
    return () => {
      listeners.delete(setValue);
      if (listeners.size === 0 && timer) {
        clearTimeout(timer);
        timer = undefined;
      }
    };
  }, []);
  return value;
}
