import type { RecordReading, Probe } from './types.js';

const PSTORE = 'fs/pstore';
const HEADER = /^(Panic|Oops)#(\d+) Part(\d+)/;
const MACHINE_CHECK =
  /machine check|\[Hardware Error\]|\bMCE\b|uncorrect(?:ed|able)[^\n]*(?:memory|ECC|DRAM)/i;
/** The line that says what happened, in order of preference. */
const HEADLINES = [
  /Kernel panic - not syncing[^\n]*/,
  /BUG:[^\n]*/,
  /Oops:[^\n]*/,
  /general protection fault[^\n]*/,
];
const EXCERPT_CHARS = 200;

/**
 * Crash records the kernel saved in persistent storage (ramoops, EFI, ERST) before the previous
 * boot died: `dmesg-<backend>-<id>` files whose first line reads `Panic#1 Part1`. A record split
 * in parts is one crash; its id is the file name of Part1. Detect reports each record once, ever.
 */
export const pstoreProbe: Probe = {
  name: 'pstore',
  defaultEnabled: true,
  read(ctx) {
    const crashes = new Map<string, { id: string; reason: string; parts: string[] }>();
    for (const file of ctx.sys.list(PSTORE, /^dmesg-/)) {
      const text = ctx.sys.text(`${PSTORE}/${file}`);
      if (text === null) continue;
      const header = HEADER.exec(text);
      // Compressed records the kernel could not unpack, and clean shutdown records, are skipped.
      if (!header) continue;
      const backend = file.replace(/^dmesg-/, '').replace(/-\d+(\.enc\.z)?$/, '');
      const key = `${backend}:${header[1]}#${header[2]}`;
      const crash = crashes.get(key) ?? { id: file, reason: header[1]!, parts: [] };
      if (header[3] === '1') crash.id = file;
      crash.parts.push(text);
      crashes.set(key, crash);
    }
    const records: RecordReading[] = [];
    for (const crash of crashes.values()) {
      // Each part starts with its own `Panic#1 PartN` header line.
      const text = crash.parts.map((p) => p.slice(p.indexOf('\n') + 1)).join('\n');
      const machineCheck = MACHINE_CHECK.test(text);
      const headline = HEADLINES.map((re) => re.exec(text)?.[0]).find(Boolean);
      const excerpt = (headline ?? text.split('\n')[0] ?? '')
        .replace(/^<\d>/, '')
        .trim()
        .slice(0, EXCERPT_CHARS);
      const panic = crash.reason === 'Panic';
      records.push({
        id: `pstore:${crash.id}`,
        signal: panic ? 'kernel.panic' : 'kernel.oops',
        component: { kind: 'kernel', id: panic ? 'panic' : 'oops', location: null },
        evidence: { source: 'pstore', recordId: crash.id, machineCheck, excerpt },
        summary: `${panic ? 'Kernel panic' : 'Kernel oops'} in the previous boot${
          machineCheck ? ' (machine check)' : ''
        }: ${excerpt}`.slice(0, 500),
      });
    }
    return { records };
  },
};
