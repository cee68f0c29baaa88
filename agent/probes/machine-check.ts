import type { Probe } from './types.js';

interface MceMemory {
  perCpu?: number[];
}

/**
 * x86 machine-check exceptions: the `MCE:` row of /proc/interrupts, one count per CPU. The
 * evidence names the CPUs whose count rose since the last reading.
 */
export const machineCheckProbe: Probe = {
  name: 'machine-check',
  defaultEnabled: true,
  read(ctx) {
    const text = ctx.proc.text('interrupts');
    if (text === null) return {};
    const row = /^\s*MCE:([\s\d]*)/m.exec(text);
    if (!row) return { health: { counters: { machineChecks: null } } };
    const perCpu = row[1]!.trim().split(/\s+/).filter(Boolean).map(Number);
    const total = perCpu.reduce((a, b) => a + b, 0);
    const memory = ctx.memory as MceMemory;
    const before = memory.perCpu ?? [];
    const rising = perCpu.flatMap((n, cpu) => (n > (before[cpu] ?? 0) ? [cpu] : []));
    memory.perCpu = perCpu;
    return {
      counters: [
        {
          key: 'mce:total',
          signal: 'cpu.machine_check',
          component: { kind: 'cpu', id: 'machine-check', location: null },
          value: total,
          evidence: { cpus: rising.join(',') || null },
          summary: `Machine-check exceptions${rising.length ? ` on CPU ${rising.join(', ')}` : ''}`,
        },
      ],
      health: { counters: { machineChecks: total } },
    };
  },
};
