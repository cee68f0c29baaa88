import type { HealthMessage } from '../../shared/messages/index.js';
import type { Probe, ProbeContext } from './types.js';

interface CpuSample {
  busy: number;
  total: number;
}

/** Uptime, load, CPU busy share and memory: the general health figures, all from procfs. */
export const systemProbe: Probe = {
  name: 'system',
  defaultEnabled: true,
  read(ctx) {
    const uptime = ctx.proc.line('uptime')?.split(/\s+/)[0];
    const loads = (ctx.proc.line('loadavg') ?? '').split(/\s+/).slice(0, 3).map(Number);
    const [one, five, fifteen] = loads.every((n) => Number.isFinite(n)) ? loads : [];
    return {
      health: {
        uptimeS: uptime && Number.isFinite(Number(uptime)) ? Number(uptime) : 0,
        load: { one: one ?? 0, five: five ?? 0, fifteen: fifteen ?? 0 },
        cpu: cpu(ctx),
        memory: memory(ctx),
      },
    };
  },
};

function cpu(ctx: ProbeContext): HealthMessage['cpu'] {
  const text = ctx.proc.text('stat') ?? '';
  const count = (text.match(/^cpu\d+ /gm) ?? []).length;
  const fields = /^cpu +(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n))) {
    return { count, busyPercent: null };
  }
  // user nice system idle iowait irq softirq steal (guest time is already in user/nice).
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const sample: CpuSample = { busy: total - idle, total };
  const previous = ctx.memory.cpu as CpuSample | undefined;
  ctx.memory.cpu = sample;
  if (!previous || sample.total <= previous.total) return { count, busyPercent: null };
  const share = (sample.busy - previous.busy) / (sample.total - previous.total);
  return { count, busyPercent: Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10 };
}

function memory(ctx: ProbeContext): HealthMessage['memory'] {
  const text = ctx.proc.text('meminfo') ?? '';
  const kb = (name: string): number => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return {
    totalBytes: kb('MemTotal'),
    availableBytes: kb('MemAvailable'),
    swapTotalBytes: kb('SwapTotal'),
    swapFreeBytes: kb('SwapFree'),
  };
}
