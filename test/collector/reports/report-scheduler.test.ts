import { afterEach, describe, expect, it } from 'vitest';
import { getDelivery, listDeliveries } from '../../../collector/notify/delivery-store.js';
import { QueueMailer, type StoredEmail } from '../../../collector/notify/mailer.js';
import { ReportScheduler } from '../../../collector/reports/report-scheduler.js';
import { ReportService } from '../../../collector/reports/report-service.js';
import { storeTargets } from '../../support/stores.js';
import {
  contract,
  customer,
  engineer,
  ticketHarness,
  type TicketHarness,
} from '../../support/tickets.js';

/**
 * Scheduled delivery under the example contract (reports to dana.whitfield@ and support@; nj1's
 * monthly report also to priya.raman@, ny2's to tomas.ferreira@; the daily report at 07:00, the
 * monthly on the 1st at 08:00, the requirements review on Mondays at 09:00, New York time).
 */
describe.each(storeTargets)('scheduled reports on the $name store', (target) => {
  let h: TicketHarness;
  let scheduler: ReportScheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    await h?.close();
  });

  function startScheduler() {
    const mailer = new QueueMailer({ db: h.store.db, clock: h.clock, enabled: true });
    const reports = new ReportService({ db: h.store.db, contract, clock: h.clock });
    scheduler = new ReportScheduler({ db: h.store.db, reports, clock: h.clock, mailer });
    return scheduler;
  }

  const mails = async () =>
    (await listDeliveries(h.store.db, { eventType: ['mail'], limit: 500 }))
      .map((d) => `${d.target} ${d.subject}`)
      .sort();

  async function at(time: string) {
    h.clock.set(time);
    await scheduler!.settled();
  }

  it('sends each report once, on time, and catches up after a restart', async () => {
    // First started on Friday 30 January 2026, 09:00 EST: nothing that fell due before is sent.
    h = await ticketHarness(target, { start: '2026-01-30T14:00:00Z' });
    const s = startScheduler();
    await s.start();
    expect(await s.deliveries()).toEqual([]);

    // Sunday 1 February, 08:00 EST: January's monthly report is due; the daily reports of 30
    // and 31 January (due at 07:00 the next day) are not called for: no call.
    await at('2026-02-01T13:00:00Z');
    expect((await s.deliveries()).map((d) => `${d.key} ${d.status}`).sort()).toEqual([
      'daily:2026-01-30 not-due',
      'daily:2026-01-31 not-due',
      'monthly:2026-01 sent',
      'monthly:2026-01:site:nj1 sent',
      'monthly:2026-01:site:ny2 sent',
    ]);
    expect(await mails()).toEqual([
      'dana.whitfield@example.com Monthly service report, 2026-01: 0 call(s), SLR met at every site',
      'priya.raman@example.com Monthly service report, 2026-01, site nj1: 0 call(s), SLR met at every site',
      'support@egenera.com Monthly service report, 2026-01: 0 call(s), SLR met at every site',
      'tomas.ferreira@example.com Monthly service report, 2026-01, site ny2: 0 call(s), SLR met at every site',
    ]);

    // Monday 2 February, 09:00 EST: a severity 3 call, answered at 10:00.
    await at('2026-02-02T14:00:00Z');
    const a = await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 3,
      summary: 'Blade b04 reboots under load',
    });
    await at('2026-02-02T15:00:00Z');
    await h.service.respond(a.id, engineer);

    // Tuesday 07:00 EST: 2 February's daily report, with the call outstanding.
    await at('2026-02-03T12:00:00Z');
    const daily = (await listDeliveries(h.store.db, { eventType: ['mail'] })).filter((d) =>
      d.subject.startsWith('Daily'),
    );
    expect(daily.map((d) => `${d.target} ${d.subject}`).sort()).toEqual([
      'dana.whitfield@example.com Daily service report 2026-02-02: 1 outstanding, 0 closed',
      'support@egenera.com Daily service report 2026-02-02: 1 outstanding, 0 closed',
    ]);
    const email = (await getDelivery(h.store.db, daily[0]!.id))!.payload as StoredEmail;
    expect(email.text).toContain('# Daily service report, 2026-02-02');
    expect(email.html).toContain('<h1>Daily service report, 2026-02-02</h1>');
    expect(email.attachments!.map((x) => [x.filename, x.contentType])).toEqual([
      ['daily-2026-02-02.csv', 'text/csv; charset=utf-8; header=present'],
      ['daily-2026-02-02.json', 'application/json; charset=utf-8'],
      ['daily-2026-02-02.html', 'text/html; charset=utf-8'],
    ]);

    // Down from Tuesday to Friday evening; back on Friday 20:00 EST: the reports of 3, 4 and
    // 5 February (each due at 07:00 the next day) are caught up.
    await s.stop();
    h.clock.set('2026-02-07T01:00:00Z');
    const restarted = startScheduler();
    await restarted.start();
    const days = (await restarted.deliveries())
      .filter((d) => d.kind === 'daily')
      .map((d) => `${d.period} ${d.status}`);
    expect(days).toEqual([
      '2026-02-05 sent',
      '2026-02-04 sent',
      '2026-02-03 sent',
      '2026-02-02 sent',
      '2026-02-01 not-due',
      '2026-01-31 not-due',
      '2026-01-30 not-due',
    ]);
    const count = (await mails()).length;
    await restarted.stop();
    await startScheduler().start();
    expect((await mails()).length).toBe(count);
  });

  it('sends a provisional monthly report while a call is undecided, then the final one', async () => {
    // Friday 27 February 2026, 19:30 EST: a severity 3 call, due Monday 2 March 11:30 EST.
    h = await ticketHarness(target, { start: '2026-02-28T00:30:00Z' });
    const call = await h.service.openByCustomer(customer, {
      siteId: 'ny2',
      severity: 3,
      summary: 'Management console unreachable',
    });
    const s = startScheduler();
    await s.start();
    // Sunday 1 March 08:00 EST: February is over, but the call still runs.
    await at('2026-03-01T13:00:00Z');
    const keys = async () =>
      (await s.deliveries())
        .filter((d) => d.kind === 'monthly')
        .map((d) => d.key)
        .sort();
    expect(await keys()).toEqual([
      'monthly:2026-02:provisional',
      'monthly:2026-02:site:nj1',
      'monthly:2026-02:site:ny2:provisional',
    ]);
    expect(await mails()).toContain(
      'dana.whitfield@example.com [Provisional] Monthly service report, 2026-02: 1 call(s), 1 not yet decided',
    );
    // Answered Monday 09:00 EST, in time; the Tuesday 07:00 run sends the final editions.
    await at('2026-03-02T14:00:00Z');
    await h.service.respond(call.id, engineer);
    await at('2026-03-03T12:00:00Z');
    expect(await keys()).toEqual([
      'monthly:2026-02',
      'monthly:2026-02:provisional',
      'monthly:2026-02:site:nj1',
      'monthly:2026-02:site:ny2',
      'monthly:2026-02:site:ny2:provisional',
    ]);
    const final = (await s.deliveries()).find((d) => d.key === 'monthly:2026-02')!;
    expect(final.recipients).toEqual(['dana.whitfield@example.com', 'support@egenera.com']);
    expect(await mails()).toContain(
      'tomas.ferreira@example.com Monthly service report, 2026-02, site ny2: 1 call(s), SLR met at every site',
    );
  });

  it('sends the weekly review of the product requirements matrix', async () => {
    // Wednesday 4 March 2026: a feature request; the review of week 2026-W10 is on Monday 9
    // March at 09:00 EDT.
    h = await ticketHarness(target, { start: '2026-03-04T15:00:00Z' });
    const s = startScheduler();
    await s.start();
    await h.service.openByCustomer(customer, {
      siteId: 'nj1',
      severity: 5,
      summary: 'Per-blade power capping',
      contact: 'Marcus Oyelaran',
    });
    await at('2026-03-09T12:00:00Z');
    const reviews = async () =>
      (await s.deliveries())
        .filter((d) => d.kind === 'requirements')
        .map((d) => [d.key, d.status, d.recipients]);
    // 08:00 EDT: the last review due (of week 9, on 2 March) fell before the first start.
    expect(await reviews()).toEqual([]);
    await at('2026-03-09T13:00:00Z');
    expect(await reviews()).toEqual([
      ['requirements:2026-W10', 'sent', ['product@egenera.example']],
    ]);
    expect(await mails()).toContain(
      'product@egenera.example Product requirements review, 2026-W10: 1 new, 1 open',
    );
  });
});
