import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { naturalCompare } from './natural-order.js';

/** Errors meaning "this attribute has no value here" (absent hardware, sensor not ready). */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);
const UNAVAILABLE = new Set([
  'ENODATA',
  'ENXIO',
  'ENODEV',
  'EAGAIN',
  'EIO',
  'EINVAL',
  'EOPNOTSUPP',
]);

/**
 * Reads small pseudo-files under one root (`/sys` or `/proc`, or a fixture tree). Reads are
 * synchronous on purpose: these files live in memory, and the sync path costs a fraction of the
 * CPU of the promise one, which matters at one cycle every few seconds on every blade.
 *
 * Nothing here throws on bad input: a missing file is `null` (no such hardware), a malformed value
 * or a permission error is `null` plus a problem line, so a probe keeps every good value and the
 * runner reports the problems as `agent.probe_failed`.
 */
export class RootReader {
  readonly problems: string[] = [];

  constructor(readonly root: string) {}

  path(relative: string): string {
    return join(this.root, relative);
  }

  text(relative: string): string | null {
    const path = this.path(relative);
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (ABSENT.has(code) || UNAVAILABLE.has(code)) return null;
      this.problems.push(`${path}: ${code || (error as Error).message}`);
      return null;
    }
  }

  /** The first line, trimmed; `null` when absent. */
  line(relative: string): string | null {
    const text = this.text(relative);
    if (text === null) return null;
    const end = text.indexOf('\n');
    return (end === -1 ? text : text.slice(0, end)).trim();
  }

  /** A decimal integer; malformed values are a problem, not a zero. */
  int(relative: string): number | null {
    const value = this.line(relative);
    if (value === null) return null;
    if (!/^-?\d+$/.test(value)) {
      this.problems.push(
        `${this.path(relative)}: expected an integer, got "${value.slice(0, 40)}"`,
      );
      return null;
    }
    return Number(value);
  }

  /** Directory entries matching `pattern`, in natural order (mc2 before mc10); none if absent. */
  list(relative: string, pattern?: RegExp): string[] {
    let names: string[];
    try {
      names = readdirSync(this.path(relative));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!ABSENT.has(code)) this.problems.push(`${this.path(relative)}: ${code || String(error)}`);
      return [];
    }
    return (pattern ? names.filter((n) => pattern.test(n)) : names).sort(naturalCompare);
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}
