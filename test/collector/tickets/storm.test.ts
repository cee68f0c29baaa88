import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationInput } from '../../../collector/tickets/ticket-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  clockDueAt,
  engineer,
  observation,
  rowsAndLogs,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

describe.each(storeTargets)('storms on $name', (target) => {
  let h: TicketHarness;
  beforeEach(async () => {
    h = await ticketHarness(target, { settings: { storm: { minBlades: 3, window: 5 * 60_000 } } });
  });
  afterEach(() => h.close());

  const fault = (blade: string, extra: Partial<ObservationInput> = {}) =>
    observation(h.clock, {
      signal: 'pcie.aer.fatal',
      component: { kind: 'pcie', id: '0000:3b:00.0', location: null },
      bladeId: blade,
      evidence: { delta: 1 },
      summary: `PCIe fatal on ${blade}`,
      ...extra,
    });

  async function parents() {
    return h.store.db
      .selectFrom('tickets')
      .selectAll()
      .where('signal', '=', 'frame.storm')
      .execute();
  }

  it('turns faults of many blades of one frame within the window into a parent with children', async () => {
    const a = await h.service.recordObservation(fault('b01'));
    h.clock.advance(60_000);
    const b = await h.service.recordObservation(fault('b02'));
    expect(await parents()).toHaveLength(0);
    h.clock.advance(60_000);
    const c = await h.service.recordObservation(fault('b03'));
    const [parent] = await parents();
    expect(parent).toBeDefined();
    const parentId = String(parent!.id);
    const { view, events } = (await h.service.get(parentId))!;
    expect(view).toMatchObject({
      severity: 2,
      parentId: null,
      opened: {
        signal: 'frame.storm',
        source: 'fleet',
        frameId: 'f1',
        bladeId: null,
        // The storm began when its first fault was detected.
        detectedAt: (await h.service.get(a.ticketId!))!.view.opened.detectedAt,
      },
      classification: { ruleId: 'frame-storm' },
    });
    expect(view.classification.explanation).toContain('3 blades of frame f1 faulted within 5m');
    expect(view.children.sort()).toEqual([a.ticketId, b.ticketId, c.ticketId].sort());
    expect(events.filter((e) => e.type === 'child-attached')).toHaveLength(3);
    for (const child of [a, b, c]) {
      const childView = (await h.service.get(child.ticketId!))!.view;
      expect(childView.parentId).toBe(parentId);
    }
    // While the storm is open, a new blade's fault joins it at once.
    h.clock.advance(10 * 60_000);
    const d = await h.service.recordObservation(fault('b04'));
    const dView = (await h.service.get(d.ticketId!))!.view;
    expect(dView.opened.parentId).toBe(parentId);
    expect((await h.service.get(parentId))!.view.children).toContain(d.ticketId);
    expect(await parents()).toHaveLength(1);
    // Opened under the parent, it has no clocks of its own: nothing for the clock engine.
    expect(await clockDueAt(h, d.ticketId!)).toBeNull();
    expect(await clockDueAt(h, parentId)).not.toBeNull();
  });

  it('raises the parent to the most severe child', async () => {
    await h.service.recordObservation(fault('b01'));
    await h.service.recordObservation(fault('b02'));
    await h.service.recordObservation(fault('b03'));
    const parentId = String((await parents())[0]!.id);
    await h.service.recordObservation(
      fault('b05', {
        signal: 'kernel.panic',
        component: { kind: 'kernel', id: 'kernel', location: null },
        evidence: { machineCheck: true },
      }),
    );
    // A less severe child joins without raising it.
    await h.service.recordObservation(
      fault('b06', {
        signal: 'memory.ecc.correctable',
        component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: null },
      }),
    );
    const view = (await h.service.get(parentId))!.view;
    expect(view.severity).toBe(1);
    expect(view.severityChanges).toEqual([
      expect.objectContaining({ from: 2, to: 1, reason: expect.stringMatching(/severity 1/) }),
    ]);
    expect(view.children).toHaveLength(5);
    for (const { row, log } of await rowsAndLogs(h)) expect(row).toBe(log);
  });

  it('counts distinct blades only, within the window, in one frame', async () => {
    await h.service.recordObservation(fault('b01'));
    await h.service.recordObservation(
      fault('b01', { component: { kind: 'pcie', id: 'other', location: null } }),
    );
    await h.service.recordObservation(fault('b02'));
    expect(await parents()).toHaveLength(0);
    // Another frame does not count.
    await h.service.recordObservation(fault('b03', { frameId: 'f2' }));
    expect(await parents()).toHaveLength(0);
    // Past the window the earlier faults no longer count.
    h.clock.advance(6 * 60_000);
    await h.service.recordObservation(fault('b04'));
    await h.service.recordObservation(fault('b05'));
    expect(await parents()).toHaveLength(0);
    await h.service.recordObservation(fault('b06'));
    expect(await parents()).toHaveLength(1);
    const parent = (await h.service.get(String((await parents())[0]!.id)))!.view;
    expect(parent.children).toHaveLength(3);
  });

  it('leaves test calls, customer calls and fixed tickets out of storms', async () => {
    await h.service.recordObservation(
      fault('b01', { signal: 'test.call', component: { kind: 'agent', id: 'a', location: null } }),
    );
    await h.service.openByCustomer(engineer, {
      siteId: 'nj1',
      frameId: 'f1',
      bladeId: 'b02',
      severity: 2,
      summary: 'x',
    });
    const fixed = await h.service.recordObservation(fault('b03'));
    await h.service.respond(fixed.ticketId!, engineer);
    await h.service.markFixed(fixed.ticketId!, engineer, { resolution: 'reseated' });
    await h.service.recordObservation(fault('b04'));
    await h.service.recordObservation(fault('b05'));
    expect(await parents()).toHaveLength(0);
  });
});
