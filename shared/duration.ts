/** Durations as written in config files: `90s`, `90m`, `4h`, `2d`, `1w`, or combined `1h30m`. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) {
    throw new Error(`"${text}" is not a duration like 90m, 4h, 2d or 1h30m`);
  }
  let total = 0;
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
    total += Number(m[1]) * UNIT_MS[m[2] as string]!;
  }
  return Math.round(total);
}

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text.trim());
}

/** Formats milliseconds compactly for people: `4h`, `1h30m`, `2d3h`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0m';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return sign + (parts.join('') || `${rest}ms`);
}
