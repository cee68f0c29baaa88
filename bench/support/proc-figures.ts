// What one process costs, from procfs: CPU seconds (its own and its reaped children's) and
// resident memory. The kernel keeps utime+stime exact (rounded to clock ticks on output).
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

export interface CpuSample {
  /** utime + stime of the process, in seconds. */
  self: number;
  /** cutime + cstime: helpers it spawned and waited for. */
  children: number;
}

export function cpuSeconds(pid: number): CpuSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (n: number): number => Number(fields[n - 3]); // field n of proc(5), 1-based
  return {
    self: (at(14) + at(15)) / TICKS_PER_S,
    children: (at(16) + at(17)) / TICKS_PER_S,
  };
}

export interface MemorySample {
  rssBytes: number;
  peakBytes: number;
}

export function residentMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
}
