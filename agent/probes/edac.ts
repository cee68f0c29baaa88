import type { Component, Evidence } from '../../shared/messages/index.js';
import type { CounterReading, Probe, ProbeContext } from './types.js';

const MC = 'devices/system/edac/mc';

/**
 * EDAC memory controllers: corrected (CE) and uncorrected (UE) error counters per DIMM, from the
 * per-DIMM interface (`dimmN/`, `rankN/`) where the driver has it, else the legacy csrow
 * interface (`csrowN/chM_ce_count`, `csrowN/ue_count`). The controller totals are sums of those,
 * so only errors the driver could not place (`*_noinfo_count`) are counted at controller level.
 */
export const edacProbe: Probe = {
  name: 'edac',
  defaultEnabled: true,
  read(ctx) {
    const counters: CounterReading[] = [];
    let ce: number | null = null;
    let ue: number | null = null;
    for (const mc of ctx.sys.list(MC, /^mc\d+$/)) {
      const base = `${MC}/${mc}`;
      const mcCe = ctx.sys.int(`${base}/ce_count`);
      const mcUe = ctx.sys.int(`${base}/ue_count`);
      if (mcCe !== null) ce = (ce ?? 0) + mcCe;
      if (mcUe !== null) ue = (ue ?? 0) + mcUe;
      const dimms = ctx.sys.list(base, /^(dimm|rank)\d+$/);
      if (dimms.length > 0) readDimms(ctx, mc, dimms, counters);
      else readCsrows(ctx, mc, counters);
      readNoInfo(ctx, mc, counters);
    }
    return { counters, health: { counters: { edacCorrectable: ce, edacUncorrectable: ue } } };
  },
};

function readDimms(ctx: ProbeContext, mc: string, dimms: string[], out: CounterReading[]): void {
  for (const dimm of dimms) {
    const base = `${MC}/${mc}/${dimm}`;
    const label = nonEmpty(ctx.sys.line(`${base}/dimm_label`));
    const place = nonEmpty(ctx.sys.line(`${base}/dimm_location`));
    const channel = place?.match(/channel (\d+)/)?.[1];
    const component: Component = { kind: 'dimm', id: `${mc}/${dimm}`, location: label ?? place };
    const evidence: Evidence = {
      mc,
      dimm,
      channel: channel === undefined ? null : Number(channel),
      label: label ?? place,
    };
    const ce = ctx.sys.int(`${base}/dimm_ce_count`);
    const ue = ctx.sys.int(`${base}/dimm_ue_count`);
    if (ce !== null) out.push(correctable(`edac:${mc}/${dimm}`, ce, { component, evidence }));
    if (ue !== null) out.push(uncorrectable(`edac:${mc}/${dimm}`, ue, { component, evidence }));
  }
}

function readCsrows(ctx: ProbeContext, mc: string, out: CounterReading[]): void {
  for (const csrow of ctx.sys.list(`${MC}/${mc}`, /^csrow\d+$/)) {
    const base = `${MC}/${mc}/${csrow}`;
    const channels = ctx.sys
      .list(base, /^ch\d+_ce_count$/)
      .map((name) => Number(name.slice(2, name.indexOf('_'))));
    const labels: string[] = [];
    for (const ch of channels) {
      const label = nonEmpty(ctx.sys.line(`${base}/ch${ch}_dimm_label`));
      if (label) labels.push(label);
      const value = ctx.sys.int(`${base}/ch${ch}_ce_count`);
      if (value === null) continue;
      out.push(
        correctable(`edac:${mc}/${csrow}/ch${ch}`, value, {
          component: { kind: 'dimm', id: `${mc}/${csrow}/ch${ch}`, location: label },
          evidence: { mc, csrow, channel: ch, label },
        }),
      );
    }
    // A csrow spans its channels' DIMMs: a UE is placed on the csrow, named by all its labels.
    const location = labels.length > 0 ? labels.join(' / ') : null;
    const where = {
      component: { kind: 'dimm' as const, id: `${mc}/${csrow}`, location },
      evidence: {
        mc,
        csrow,
        channel: channels.length === 1 ? (channels[0] ?? null) : null,
        label: location,
      },
    };
    if (channels.length === 0) {
      const value = ctx.sys.int(`${base}/ce_count`);
      if (value !== null) out.push(correctable(`edac:${mc}/${csrow}`, value, where));
    }
    const ueValue = ctx.sys.int(`${base}/ue_count`);
    if (ueValue !== null) out.push(uncorrectable(`edac:${mc}/${csrow}`, ueValue, where));
  }
}

function readNoInfo(ctx: ProbeContext, mc: string, out: CounterReading[]): void {
  const base = `${MC}/${mc}`;
  const name = nonEmpty(ctx.sys.line(`${base}/mc_name`));
  const where = {
    component: { kind: 'memory-controller' as const, id: mc, location: name },
    evidence: { mc, label: null },
  };
  const ce = ctx.sys.int(`${base}/ce_noinfo_count`);
  const ue = ctx.sys.int(`${base}/ue_noinfo_count`);
  if (ce !== null) out.push(correctable(`edac:${mc}:noinfo`, ce, where));
  if (ue !== null) out.push(uncorrectable(`edac:${mc}:noinfo`, ue, where));
}

interface Where {
  component: Component;
  evidence: Evidence;
}

function correctable(key: string, value: number, where: Where): CounterReading {
  return {
    key: `${key}:ce`,
    signal: 'memory.ecc.correctable',
    ...where,
    value,
    bucket: 'memoryCorrectable',
    summary: `Correctable ECC errors on ${describe(where.component)}`,
  };
}

function uncorrectable(key: string, value: number, where: Where): CounterReading {
  return {
    key: `${key}:ue`,
    signal: 'memory.ecc.uncorrectable',
    ...where,
    value,
    summary: `Uncorrectable ECC error on ${describe(where.component)}`,
  };
}

function describe(component: Component): string {
  if (component.kind === 'memory-controller') {
    return `memory controller ${component.id} (no DIMM information)`;
  }
  return component.location
    ? `DIMM ${component.location} (${component.id})`
    : `DIMM ${component.id}`;
}

function nonEmpty(value: string | null): string | null {
  return value ? value : null;
}
