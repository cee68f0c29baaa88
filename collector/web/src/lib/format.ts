/** Durations and times as people on a support desk read them. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `2d 4h`, `3h 07m`, `12m 05s`, `45s`: two units, the finer one zero-padded. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) {
    const d = Math.floor(abs / DAY);
    const h = Math.floor((abs % DAY) / HOUR);
    return `${d}d ${h}h`;
  }
  if (abs >= HOUR) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return `${h}h ${String(m).padStart(2, '0')}m`;
  }
  if (abs >= MINUTE) {
    const m = Math.floor(abs / MINUTE);
    const s = Math.floor((abs % MINUTE) / 1000);
    return `${m}m ${String(s).padStart(2, '0')}s`;
  }
  return `${Math.floor(abs / 1000)}s`;
}

/** The same in words, for screen readers: "3 hours 7 minutes". */
export function spokenDuration(ms: number): string {
  const abs = Math.abs(ms);
  const parts: string[] = [];
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (d) parts.push(plural(d, 'day'));
  if (h) parts.push(plural(h, 'hour'));
  if (m && !d) parts.push(plural(m, 'minute'));
  if (parts.length === 0) parts.push(plural(Math.floor(abs / 1000), 'second'));
  return parts.join(' ');
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const fullFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** `14:32` today, else `Tue 6 Jan 14:32`. */
export function formatWhen(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  const today = new Date(now);
  const sameDay =
    at.getFullYear() === today.getFullYear() &&
    at.getMonth() === today.getMonth() &&
    at.getDate() === today.getDate();
  return sameDay ? timeFormat.format(at) : dayTimeFormat.format(at);
}

export function formatFull(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '—' : fullFormat.format(at);
}

/** `5m ago`, `2h ago`. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  if (ms < 45_000) return 'just now';
  return `${formatDuration(ms).split(' ')[0]} ago`;
}

/** `hardware.memory-ecc` → `hardware memory ecc`; kebab labels to words. */
export function words(id: string): string {
  return id.replace(/[-_.]+/g, ' ');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
