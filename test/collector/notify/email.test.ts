import { afterEach, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../../collector/notify/delivery-store.js';
import { ClockEngine } from '../../../collector/tickets/clock-engine.js';
import { notifyHarness, type NotifyHarness } from '../../support/notify.js';
import { startSmtp, type TestSmtpServer } from '../../support/smtp.js';
import { storeTargets } from '../../support/stores.js';
import { engineer, observation } from '../../support/tickets.js';

// The example contract's escalation lists (deploy/contract.example.yaml).
const CE = 'ce-dispatch@egenera.example';
const TSM = 'tsm-ny@egenera.example';
const ESE = 'ese-oncall@egenera.example';
const VP = 'vp-services@egenera.example';
const CUSTOMER = ['dana.whitfield@example.com', 'marcus.oyelaran@example.com'];

describe.each(storeTargets)('email notifications on $name', (target) => {
  let h: NotifyHarness;
  let smtp: TestSmtpServer;
  afterEach(async () => {
    await h.close();
    await smtp.stop();
  });

  async function setup(
    smtpSettings: Record<string, unknown> = {},
    email: Record<string, unknown> = {},
  ) {
    smtp ??= await startSmtp();
    h = await notifyHarness(target, {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        from: '"BladeFrame call home" <callhome@bladeframe.example>',
        ...smtpSettings,
      },
      ...(Object.keys(email).length > 0 ? { email } : {}),
    });
  }

  const open = async (overrides: Parameters<typeof observation>[1] = {}) =>
    (await h.service.recordObservation(observation(h.clock, overrides))).ticketId!;

  /** Addresses that got a mail whose subject matches, sorted. */
  const recipientsOf = (pattern: RegExp) =>
    smtp.mails
      .filter((m) => pattern.test(m.subject))
      .flatMap((m) => m.envelopeTo)
      .sort();

  it('mails a new severity 2 call to customer engineering and service management, ready to act on', async () => {
    smtp = await startSmtp();
    await setup();
    const id = await open();
    await h.notifier.runDue();
    expect(recipientsOf(/new call/)).toEqual([CE, TSM]);
    const mail = smtp.to(CE)[0]!;
    expect(mail.from).toBe('BladeFrame call home <callhome@bladeframe.example>');
    expect(mail.to).toBe(CE);
    expect(mail.subject).toBe(
      `[BladeFrame] S2 #${id} new call at nj1/f1/b01: Uncorrectable ECC error on CPU0_DIMM_A1`,
    );
    // Times in the site's zone (New York): detected 09:00, on site due 13:00.
    for (const line of [
      'A severity 2 call was opened by call home.',
      'First deadline: On-site response by Mon 5 Jan 2026 13:00 EST (in 4h): get an engineer on site',
      `Ticket:     #${id} (open)`,
      'Severity:   2',
      'Site:       Weehawken primary data center (nj1), 300 Harbor Boulevard, Floor 4, Weehawken, NJ 07086',
      'Frame:      f1',
      'Blade:      b01',
      'Component:  dimm mc0/csrow1/ch0 (CPU0_DIMM_A1)',
      'Signal:     memory.ecc.uncorrectable',
      'Detected:   Mon 5 Jan 2026 09:00 EST',
      '  - On-site response: due Mon 5 Jan 2026 13:00 EST (in 4h)',
      `Open the ticket: https://callhome.example.net/#/tickets/${id}`,
      'Egenera, Inc. support: 1-866-301-3117, support@egenera.com',
    ]) {
      expect(mail.text).toContain(line);
    }
    expect(mail.html).toContain(`href="https://callhome.example.net/#/tickets/${id}"`);
    expect(mail.html).toContain('Weehawken primary data center');
    expect(mail.headers.get('x-bladeframe-event')).toMatch(/^ticket-event:\d+$/);
    expect(mail.headers.get('references')).toBe(`<ticket-${id}@bladeframe.example>`);
    const log = await listDeliveries(h.store.db, { channel: 'email' });
    expect(log.map((d) => [d.target, d.status])).toEqual([
      [TSM, 'delivered'],
      [CE, 'delivered'],
    ]);
  });

  it('routes by severity: a severity 3 call goes to customer engineering only', async () => {
    smtp = await startSmtp();
    await setup();
    await open({ signal: 'pcie.aer.nonfatal', summary: 'PCIe AER non-fatal errors on slot 4' });
    await h.notifier.runDue();
    expect(smtp.mails.map((m) => m.envelopeTo)).toEqual([[CE]]);
    expect(smtp.mails[0]!.subject).toMatch(/^\[BladeFrame\] S3 #\d+ new call/);
  });

  it('warns, reports the breach and escalates by the matrix, each to its roles', async () => {
    smtp = await startSmtp();
    await setup();
    const engine = new ClockEngine({ tickets: h.service });
    const id = await open();
    // Severity 2: customer engineer escalated at 2h, warning at 3h, breach and service
    // management escalated at 4h (on-site response), from 09:00 New York.
    h.clock.advance(3 * 3_600_000);
    await engine.runDue();
    h.clock.advance(3_600_000 + 1000);
    await engine.runDue();
    await h.notifier.runDue();
    expect(recipientsOf(/warning/)).toEqual([CE, TSM]);
    expect(recipientsOf(/BREACHED/)).toEqual([CE, ESE, TSM]);
    expect(recipientsOf(/escalated to Customer Engineer/)).toEqual([CE]);
    expect(recipientsOf(/escalated to Technical Service Management/)).toEqual([TSM]);
    expect(recipientsOf(/escalated to V\.P\./)).toEqual([]);

    const warning = smtp.to(TSM).find((m) => /warning/.test(m.subject))!;
    expect(warning.subject).toBe(
      `[BladeFrame] S2 #${id} warning: On-site response due Mon 5 Jan 2026 13:00 EST (in 1h)`,
    );
    expect(warning.text).toContain(
      'To meet it, get an engineer on site and record "Arrive on site".',
    );
    const breach = smtp.to(ESE)[0]!;
    expect(breach.subject).toBe(
      `[BladeFrame] S2 #${id} BREACHED: On-site response was due Mon 5 Jan 2026 13:00 EST`,
    );
    expect(breach.text).toContain('was not met: this call misses its service level.');
    expect(breach.html).toContain('CLOCK BREACHED');
    const escalation = smtp.to(TSM).find((m) => /escalated/.test(m.subject))!;
    expect(escalation.text).toContain(
      'Technical Service Management is notified that no fix has been provided 4h after detection of this severity 2 call.',
    );

    // The V.P. at 24h, on the continuous calendar of severity 2.
    h.clock.advance(20 * 3_600_000);
    await engine.runDue();
    await h.notifier.runDue();
    expect(recipientsOf(/escalated to V\.P\./)).toEqual([VP]);
  });

  it('tells customer engineering and the customer list when a call closes with consent', async () => {
    smtp = await startSmtp();
    await setup();
    const id = await open();
    await h.service.respond(id, engineer);
    await h.service.arriveOnSite(id, engineer);
    await h.service.diagnose(id, engineer, { domain: 'hardware' });
    await h.service.dispatchReplacement(id, engineer, { serial: 'SN-R1' });
    await h.service.markFixed(id, engineer, { resolution: 'DIMM A1 replaced' });
    h.clock.advance(60_000);
    await h.service.close(id, engineer, {
      consent: { by: 'Dana Whitfield', at: h.clock.now().toISOString(), text: 'Please close.' },
    });
    await h.notifier.runDue();
    expect(recipientsOf(/closed/)).toEqual([CE, ...CUSTOMER].sort());
    const mail = smtp.to(CUSTOMER[0]!).find((m) => /closed/.test(m.subject))!;
    expect(mail.text).toContain(
      `Closed with the customer's written consent by Dana Whitfield at Mon 5 Jan 2026 09:01 EST: "Please close.".`,
    );
    expect(mail.text).toContain('Resolution: DIMM A1 replaced');
  });

  it('mails a test call to customer engineering, marked as a test', async () => {
    smtp = await startSmtp();
    await setup();
    await open({ signal: 'test.call', summary: 'Test call from b01' });
    await h.notifier.runDue();
    expect(smtp.mails.map((m) => m.envelopeTo)).toEqual([[CE]]);
    expect(smtp.mails[0]!.subject).toMatch(/^\[BladeFrame\] \[TEST\] S4 #\d+ new call/);
    expect(smtp.mails[0]!.text).toContain('A test call arrived end to end');
  });

  it('follows configured rules: addresses, site contacts, severities', async () => {
    smtp = await startSmtp();
    await setup(
      {},
      {
        subjectPrefix: '[Call home]',
        rules: [
          { events: ['opened'], severities: [1, 2], to: ['site', 'noc@customer.example'] },
          { events: ['responded'], to: ['customer-engineer'] },
        ],
      },
    );
    const id = await open();
    await open({ bladeId: 'b09', signal: 'filesystem.full', summary: '/var 95 % full' });
    await h.service.respond(id, engineer, { note: 'On it' });
    await h.notifier.runDue();
    expect(recipientsOf(/new call/)).toEqual(
      ['nj1-ops@example.com', 'noc@customer.example', 'priya.raman@example.com'].sort(),
    );
    expect(recipientsOf(/engineer responded/)).toEqual([CE]);
    expect(smtp.mails.every((m) => m.subject.startsWith('[Call home] '))).toBe(true);
  });

  it('survives an SMTP outage: queued mail goes out once the server is back', async () => {
    smtp = await startSmtp();
    await setup();
    await smtp.stop();
    await open();
    await h.notifier.runDue();
    let log = await listDeliveries(h.store.db, {});
    expect(log.every((d) => d.status === 'pending' && d.attempts === 1)).toBe(true);
    expect(log[0]!.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);

    await smtp.start();
    smtp.messageFault = () => ({ code: 451, message: 'Try again later' });
    h.clock.advance(30_000);
    await h.notifier.runDue();
    log = await listDeliveries(h.store.db, {});
    expect(log.every((d) => d.status === 'pending' && d.attempts === 2 && d.lastCode === 451)).toBe(
      true,
    );

    smtp.messageFault = () => null;
    h.clock.advance(60_000);
    await h.notifier.runDue();
    expect(recipientsOf(/new call/)).toEqual([CE, TSM]);
    log = await listDeliveries(h.store.db, {});
    expect(log.every((d) => d.status === 'delivered' && d.attempts === 3)).toBe(true);
  });

  it('fails a recipient the server refuses for good (550), and goes on with the others', async () => {
    smtp = await startSmtp();
    smtp.recipientFault = (address) =>
      address === TSM ? { code: 550, message: 'No such mailbox' } : null;
    await setup();
    await open();
    await h.notifier.runDue();
    const [tsm] = await listDeliveries(h.store.db, { target: TSM });
    expect(tsm).toMatchObject({ status: 'failed', attempts: 1, lastCode: 550 });
    expect(tsm!.lastError).toContain('No such mailbox');
    expect(recipientsOf(/new call/)).toEqual([CE]);
  });

  it('logs in over STARTTLS when the server asks for it', async () => {
    smtp = await startSmtp({ auth: { user: 'callhome', pass: 's3cret' } });
    await setup({
      tls: 'starttls',
      rejectUnauthorized: false,
      user: 'callhome',
      password: 's3cret',
    });
    await open();
    await h.notifier.runDue();
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails.every((m) => m.user === 'callhome')).toBe(true);
  });

  it('retries a refused login (the setup is wrong, not the message)', async () => {
    smtp = await startSmtp({ auth: { user: 'callhome', pass: 's3cret' } });
    await setup({
      tls: 'starttls',
      rejectUnauthorized: false,
      user: 'callhome',
      password: 'wrong',
    });
    await open();
    await h.notifier.runDue();
    const log = await listDeliveries(h.store.db, {});
    expect(log.every((d) => d.status === 'pending' && /EAUTH/.test(d.lastError ?? ''))).toBe(true);
    expect(smtp.mails).toEqual([]);
  });
});
