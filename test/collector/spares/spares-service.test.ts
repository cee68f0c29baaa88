import { afterEach, describe, expect, it } from 'vitest';
import type { SiteAlert } from '../../../collector/reports/alerts.js';
import { ReportService } from '../../../collector/reports/report-service.js';
import { SparesService } from '../../../collector/spares/spares-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  contract,
  engineer,
  observation,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

/**
 * Spare parts on a real store: the example contract's nj1 keeps one set (cage: 2 blades, a PSU,
 * a fan tray). Each replacement blade dispatched takes a blade; below one full set an alert is
 * recorded once and shown in the daily report until a restock is recorded.
 */
describe.each(storeTargets)('spare parts on the $name store', (target) => {
  let h: TicketHarness;
  let spares: SparesService | undefined;
  afterEach(async () => {
    await spares?.stop();
    await h?.close();
  });

  async function replaceBlade(blade: string, spareSetId: string | null = 'nj1-cage') {
    const { ticketId } = await h.service.recordObservation(
      observation(h.clock, {
        bladeId: blade,
        component: { kind: 'dimm', id: 'mc0', location: null },
      }),
    );
    await h.service.respond(ticketId!, engineer);
    await h.service.diagnose(ticketId!, engineer, { domain: 'hardware', note: 'DIMM failed' });
    await h.service.dispatchReplacement(ticketId!, engineer, { spareSetId, serial: `SN-${blade}` });
    return ticketId!;
  }

  it('raises the alert once when a dispatch leaves the site below one set, clears it on restock', async () => {
    h = await ticketHarness(target, { start: '2026-03-02T15:00:00Z' });
    spares = new SparesService({ db: h.store.db, contract, clock: h.clock, tickets: h.service });
    const heard: SiteAlert[] = [];
    spares.onAlert((a) => heard.push(a));
    await spares.start();
    expect(heard).toEqual([]);

    await replaceBlade('b01');
    await spares.settled();
    expect(heard.map((a) => [a.kind, a.siteId])).toEqual([['spares.below-one-set', 'nj1']]);
    expect(heard[0]!.data).toMatchObject({
      belowSince: '2026-03-02T15:00:00.000Z',
      missing: [
        {
          spareSetId: 'nj1-cage',
          part: 'blade',
          missing: 1,
          description: 'pBlade 4x replacement blade',
        },
      ],
    });

    // A second dispatch, and a restart: still one alert.
    h.clock.set('2026-03-03T15:00:00Z');
    await replaceBlade('b02', null);
    await spares.settled();
    await spares.stop();
    spares = new SparesService({ db: h.store.db, contract, clock: h.clock, tickets: h.service });
    spares.onAlert((a) => heard.push(a));
    await spares.start();
    expect(heard).toHaveLength(1);
    const nj1 = (await spares.stock()).find((s) => s.siteId === 'nj1')!;
    expect(nj1.sets[0]!.parts[0]).toMatchObject({ part: 'blade', onHand: 0, missing: 2 });
    expect(nj1.dispatches).toBe(2);

    // The daily report shows the shortfall until the restock.
    const reports = new ReportService({ db: h.store.db, contract, clock: h.clock, spares });
    h.clock.set('2026-03-04T12:00:00Z');
    const day = await reports.daily('2026-03-03');
    expect(day.spares.map((s) => [s.siteId, s.belowSince, s.reason])).toEqual([
      ['nj1', '2026-03-02T15:00:00.000Z', 'no full spare set: 2 × blade (nj1-cage)'],
    ]);

    h.clock.set('2026-03-04T14:00:00Z');
    const one = await spares.restock('nj1', 'eng-ana', {
      spareSetId: 'nj1-cage',
      part: 'blade',
      quantity: 1,
    });
    expect(one.recorded).toHaveLength(1);
    expect(one.site.belowOneSet).toBe(true);
    expect(heard).toHaveLength(1);
    const full = await spares.restock('nj1', 'eng-ana', {
      spareSetId: 'nj1-cage',
      note: 'courier from depot',
    });
    expect(full.recorded.map((r) => [r.part, r.quantity])).toEqual([['blade', 1]]);
    expect(full.site.belowOneSet).toBe(false);
    expect(heard.map((a) => a.kind)).toEqual(['spares.below-one-set', 'spares.restocked']);
    expect((await spares.alertLog()).map((a) => [a.siteId, a.open, a.clearedAt])).toEqual([
      ['nj1', false, '2026-03-04T14:00:00.000Z'],
    ]);
    // Both are in the activity log the live stream serves, as `alert` entries.
    const activity = await h.store.db
      .selectFrom('activity')
      .select(['type', 'site_id', 'data'])
      .where('type', '=', 'alert')
      .orderBy('id')
      .execute();
    expect(
      activity.map((a) => {
        const data = JSON.parse(a.data) as { kind: string; severity: string };
        return [a.site_id, data.kind, data.severity];
      }),
    ).toEqual([
      ['nj1', 'spares.below-one-set', 'warning'],
      ['nj1', 'spares.restocked', 'info'],
    ]);

    // 3 March still shows it (it was short all day); 4 March's end no longer does.
    expect((await reports.daily('2026-03-03')).spares).toHaveLength(1);
    h.clock.set('2026-03-05T12:00:00Z');
    expect((await reports.daily('2026-03-04')).spares).toEqual([]);
  });

  it('refuses restocks of what the contract does not name', async () => {
    h = await ticketHarness(target);
    spares = new SparesService({ db: h.store.db, contract, clock: h.clock });
    await expect(spares.restock('zz9', 'eng', { spareSetId: 'x' })).rejects.toMatchObject({
      code: 'BF_NOT_FOUND',
    });
    await expect(spares.restock('nj1', 'eng', { spareSetId: 'ny2-depot' })).rejects.toMatchObject({
      code: 'BF_BAD_REQUEST',
    });
    await expect(
      spares.restock('nj1', 'eng', { spareSetId: 'nj1-cage', part: 'gpu' }),
    ).rejects.toMatchObject({ code: 'BF_BAD_REQUEST' });
    await expect(
      spares.restock('nj1', 'eng', { spareSetId: 'nj1-cage', quantity: 2 }),
    ).rejects.toMatchObject({ code: 'BF_BAD_REQUEST' });
    await expect(
      spares.restock('nj1', 'eng', { spareSetId: 'nj1-cage', at: '2099-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ code: 'BF_BAD_REQUEST' });
    // A full set restocked records nothing.
    expect((await spares.restock('nj1', 'eng', { spareSetId: 'nj1-cage' })).recorded).toEqual([]);
  });
});
