import type { Probe } from './types.js';

/** Out-of-memory kills: the `oom_kill` counter of /proc/vmstat (Linux 4.13+). */
export const oomProbe: Probe = {
  name: 'oom',
  defaultEnabled: true,
  read(ctx) {
    const text = ctx.proc.text('vmstat');
    if (text === null) return {};
    const m = /^oom_kill (\S+)$/m.exec(text);
    if (!m) return { health: { counters: { oomKills: null } } };
    if (!/^\d+$/.test(m[1]!)) {
      ctx.proc.problem(`${ctx.proc.path('vmstat')}: oom_kill is "${m[1]!.slice(0, 40)}"`);
      return {};
    }
    const value = Number(m[1]);
    return {
      counters: [
        {
          key: 'vmstat:oom_kill',
          signal: 'kernel.oom_kill',
          component: { kind: 'kernel', id: 'oom-killer', location: null },
          value,
          evidence: {},
          summary: 'Processes killed by the out-of-memory killer',
        },
      ],
      health: { counters: { oomKills: value } },
    };
  },
};
