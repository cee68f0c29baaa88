/**
 * Natural order for sysfs names (mc2 before mc10, temp1_input before temp10_input): runs of
 * digits compare by value, the rest by code unit. Plain code rather than `Intl.Collator`, whose
 * ICU collation data would stay resident in every agent for a sort of a few names.
 */
export function naturalCompare(a: string, b: string): number {
  const as = a.match(/\d+|\D+/g) ?? [];
  const bs = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i]!;
    const y = bs[i]!;
    if (x === y) continue;
    const digits = /^\d/.test(x) && /^\d/.test(y);
    if (digits && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (!digits) return x < y ? -1 : 1;
  }
  if (as.length !== bs.length) return as.length - bs.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
