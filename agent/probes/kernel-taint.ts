import type { Evidence } from '../../shared/messages/index.js';
import type { Probe } from './types.js';

/** Taint letters by bit, as the kernel prints them (`Tainted: G D W`). */
const TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTNJ';
const TAINT_DIE = 7;

export function taintFlags(value: number): string {
  let flags = '';
  for (let bit = 0; bit < TAINT_LETTERS.length; bit++) {
    if (value & (1 << bit)) flags += TAINT_LETTERS[bit];
  }
  return flags;
}

/**
 * Kernel oopses. Kernels from 6.2 count them (`/sys/kernel/oops_count`): every increase is an
 * observation. Older kernels only have the taint mask, whose `D` bit says an oops happened in
 * this boot: that is a condition, active until the next reboot.
 */
export const kernelTaintProbe: Probe = {
  name: 'kernel-taint',
  defaultEnabled: true,
  read(ctx) {
    const tainted = ctx.proc.int('sys/kernel/tainted');
    const present = ctx.sys.line('kernel/oops_count') !== null;
    const oops = present ? ctx.sys.int('kernel/oops_count') : null;
    const evidence: Evidence = {
      tainted,
      taintFlags: tainted === null ? null : taintFlags(tainted),
      warnings: ctx.sys.int('kernel/warn_count'),
    };
    const component = { kind: 'kernel' as const, id: 'oops', location: null };
    if (oops !== null) {
      return {
        counters: [
          {
            key: 'kernel:oops_count',
            signal: 'kernel.oops',
            component,
            value: oops,
            evidence,
            summary: 'Kernel oops',
          },
        ],
      };
    }
    // A counter that exists but does not parse is a problem (reported), not an old kernel.
    if (present || tainted === null) return {};
    const died = (tainted & (1 << TAINT_DIE)) !== 0;
    return {
      conditions: [
        {
          key: 'kernel:taint-die',
          signal: 'kernel.oops',
          component,
          active: died,
          evidence,
          summary: died ? 'Kernel oops in this boot (taint D)' : 'No kernel oops in this boot',
        },
      ],
    };
  },
};
