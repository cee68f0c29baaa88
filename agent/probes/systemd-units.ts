import type { Probe } from './types.js';

/** systemd units in the `failed` state (through the host adapter: one systemctl call). */
export const systemdUnitsProbe: Probe = {
  name: 'systemd-units',
  defaultEnabled: true,
  async read(ctx) {
    const units = await ctx.host.failedUnits();
    if (units === null) return {};
    return {
      conditions: units.map((u) => ({
        key: `unit:${u.unit}`,
        signal: 'service.failed' as const,
        component: { kind: 'service' as const, id: u.unit, location: null },
        active: true,
        evidence: { unit: u.unit, load: u.load, active: u.active, sub: u.sub },
        summary: `systemd unit ${u.unit} failed`,
      })),
    };
  },
};
