/**
 * Times as ISO text, remembering the last few. Ingest writes each message's receive time (and
 * its blade's silence deadline) as text at several places, a batch's messages share a few
 * receive times (one per read from the broker), and a `toISOString` costs half a microsecond:
 * a good part of a health message's work on the store's thread.
 */
const SIZE = 4;
const times = new Float64Array(SIZE).fill(Number.NaN);
const texts: string[] = new Array<string>(SIZE).fill('');
let next = 0;

/** `new Date(ms).toISOString()`, throwing as it does for a time that is not one. */
export function isoAt(ms: number): string {
  for (let i = 0; i < SIZE; i++) if (times[i] === ms) return texts[i]!;
  const text = new Date(ms).toISOString();
  times[next] = ms;
  texts[next] = text;
  next = (next + 1) % SIZE;
  return text;
}

/** `date.toISOString()`, remembered as `isoAt` does. */
export function isoOf(date: Date): string {
  return isoAt(date.getTime());
}
