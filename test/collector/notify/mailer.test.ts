import { afterEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../collector/notify/delivery-store.js';
import { BladeframeError } from '../../../shared/errors.js';
import { notifyHarness, type NotifyHarness } from '../../support/notify.js';
import { startSmtp, type TestSmtpServer } from '../../support/smtp.js';
import { storeTargets } from '../../support/stores.js';

const report = {
  to: ['ops@customer.example', 'Priya.Raman@example.com'],
  subject: 'Daily report 2026-01-05: 3 calls outstanding',
  text: 'Outstanding calls: 3\nClosed today: 1\n',
  html: '<h1>Daily report</h1><p>Outstanding calls: 3</p>',
  attachments: [
    { filename: 'daily-2026-01-05.csv', content: 'id,state\n17,open\n', contentType: 'text/csv' },
  ],
  key: 'report:daily:2026-01-05',
};

describe.each(storeTargets)('Mailer on $name', (target) => {
  let h: NotifyHarness;
  let smtp: TestSmtpServer | undefined;
  afterEach(async () => {
    await h.close();
    await smtp?.stop();
    smtp = undefined;
  });

  async function withSmtp() {
    smtp = await startSmtp();
    h = await notifyHarness(target, {
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'reports@bladeframe.example' },
    });
  }

  it('queues a message per address and sends it with its attachments', async () => {
    await withSmtp();
    expect(h.notifier.mailer.enabled).toBe(true);
    const receipt = await h.notifier.mailer.send(report);
    expect(receipt.key).toBe('report:daily:2026-01-05');
    expect(receipt.deliveryIds).toHaveLength(2);
    await h.notifier.runDue();
    expect(smtp!.mails.map((m) => m.envelopeTo[0]).sort()).toEqual([
      'ops@customer.example',
      'priya.raman@example.com',
    ]);
    const mail = smtp!.to('ops@customer.example')[0]!;
    expect(mail.subject).toBe(report.subject);
    expect(mail.text.trimEnd()).toBe(report.text.trimEnd());
    expect(mail.html).toBe(report.html);
    expect(mail.attachments).toEqual([
      {
        filename: 'daily-2026-01-05.csv',
        contentType: 'text/csv',
        content: Buffer.from('id,state\n17,open\n'),
      },
    ]);
    const log = await listDeliveries(h.store.db, { eventType: ['mail'] });
    expect(log.map((d) => [d.status, d.subject])).toEqual([
      ['delivered', report.subject],
      ['delivered', report.subject],
    ]);
  });

  it('sends a message with the same key once, however often it is sent', async () => {
    await withSmtp();
    const first = await h.notifier.mailer.send(report);
    const again = await h.notifier.mailer.send(report);
    expect(again.deliveryIds).toEqual(first.deliveryIds);
    await h.notifier.runDue();
    await h.notifier.mailer.send(report);
    await h.notifier.runDue();
    expect(smtp!.mails).toHaveLength(2);
    const fresh = await h.notifier.mailer.send({ ...report, key: undefined, to: 'a@example.com' });
    expect(fresh.key).not.toBe(report.key);
  });

  it('keeps mail queued through an SMTP outage', async () => {
    await withSmtp();
    await smtp!.stop();
    await h.notifier.mailer.send(report);
    await h.notifier.runDue();
    expect((await listDeliveries(h.store.db, { status: ['pending'] })).length).toBe(2);
    await smtp!.start();
    h.clock.advance(30_000);
    await h.notifier.runDue();
    expect(smtp!.mails).toHaveLength(2);
  });

  it('refuses a malformed message with the fields named', async () => {
    await withSmtp();
    const error = await h.notifier.mailer
      .send({ to: ['not-an-address'], subject: ' ', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BladeframeError);
    expect((error as BladeframeError).details).toEqual([
      'mail.to.0: must be an email address',
      'mail.subject: must not be empty',
    ]);
    expect(await listDeliveries(h.store.db, {})).toEqual([]);
  });

  it('without SMTP, says so and fails the delivery with the reason', async () => {
    h = await notifyHarness(target, {});
    expect(h.notifier.mailer.enabled).toBe(false);
    await h.notifier.mailer.send({ to: 'a@example.com', subject: 'Report', text: 'x' });
    await h.notifier.runDue();
    const [d] = await listDeliveries(h.store.db, {});
    expect(d).toMatchObject({ status: 'failed' });
    expect(d!.lastError).toContain('no email channel is configured');
  });
});
