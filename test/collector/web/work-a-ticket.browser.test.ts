import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing } from '../../support/browser.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { DashboardHarness, ROLE_USERS } from '../../support/dashboard.js';
import { collectorStoreTargets } from '../../support/stores.js';

const sqlite = collectorStoreTargets.find((t) => t.name === 'sqlite')!;

/** Local `YYYY-MM-DDTHH:mm:ss` for a datetime-local field. */
function localInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

describe.skipIf(browserMissing)('dashboard: working a ticket to closed (Chromium)', () => {
  let broker: TestBroker;
  let h: DashboardHarness;
  const site = uniqueSite('web');

  beforeAll(async () => {
    broker = await startTestBroker();
    h = await DashboardHarness.start({
      broker,
      location: await sqlite.create(),
      sites: [{ id: site, name: 'Test data center' }],
    });
  });
  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  /** Opens an action's form, fills it, submits, and waits for the collector's word. */
  async function act(
    page: Page,
    action: string,
    fill: (form: ReturnType<Page['getByRole']>) => Promise<void>,
    done: RegExp,
  ) {
    const detail = page.locator('#detail');
    await detail
      .getByRole('group', { name: 'Ticket actions' })
      .getByRole('button', { name: action })
      .click();
    const form = detail.getByRole('form', { name: action });
    await fill(form);
    await form.locator('button[type=submit]').click();
    await detail.getByRole('status').filter({ hasText: done }).waitFor();
  }

  const stateOf = (page: Page) => page.locator('#detail .facts .state').textContent();

  it('an engineer works a fault through to fixed; the customer raises it and closes it with written consent', async () => {
    const blade = await h.bringUp(site, 'f2', 'b05');
    await h.fault(blade, 'fan.failed', {
      component: { kind: 'fan', id: 'fan2', location: 'Rear fan 2' },
      evidence: { rpm: 0, minimumRpm: 1800 },
      summary: 'Rear fan 2 stopped (0 rpm)',
    });
    const id = await h.ticketFor('b05', 'fan.failed');

    const engineer = await h.open('engineer');
    await engineer.getByRole('link', { name: /Rear fan 2 stopped/ }).click();
    await engineer.locator('#detail').getByRole('heading', { name: 'Actions' }).waitFor();
    expect(await stateOf(engineer)).toBe('Open');

    await act(
      engineer,
      'Respond',
      (f) => f.getByLabel('Note (optional)').fill('Looking at it.'),
      /Response recorded/,
    );
    expect(await stateOf(engineer)).toBe('Responded');
    await act(engineer, 'Arrive on site', async () => undefined, /Arrival on site recorded/);
    expect(await stateOf(engineer)).toBe('On site');

    // The customer, meanwhile, judges it more severe.
    const customer = await h.open('customer');
    await customer.goto(`${h.url}/#/tickets/${id}`);
    await customer.locator('#detail').getByRole('heading', { name: 'Actions' }).waitFor();
    const customerButtons = await customer
      .getByRole('group', { name: 'Ticket actions' })
      .getByRole('button')
      .allTextContents();
    expect(customerButtons).toEqual(['Raise severity', 'Add note']);
    await act(
      customer,
      'Raise severity',
      async (f) => {
        await f.getByLabel('New severity').selectOption('1');
        await f.getByLabel('Reason').fill('The trading blade of the frame: critical for us.');
      },
      /Severity raised/,
    );
    expect(await customer.locator('#detail-heading .sev').textContent()).toBe('S1');

    // Back to the engineer: the software class is asked for a software diagnosis only.
    await engineer.reload();
    await engineer.locator('#detail').getByRole('heading', { name: 'Actions' }).waitFor();
    await act(
      engineer,
      'Diagnose',
      async (f) => {
        await f.getByRole('radio', { name: 'Software', exact: true }).check();
        await f.getByRole('radio', { name: 'Reproducible Error' }).waitFor();
        await f.getByRole('radio', { name: 'Hardware', exact: true }).check();
        expect(await f.getByRole('radio', { name: 'Reproducible Error' }).count()).toBe(0);
        await f.getByLabel('Note (optional)').fill('Fan tray failed.');
      },
      /Diagnosis recorded/,
    );
    await act(
      engineer,
      'Dispatch replacement blade',
      async (f) => {
        await f.getByLabel('Spare set (optional)').fill(`${site}-spares-a`);
        await f.getByLabel('Replacement serial (optional)').fill('SN-4410');
      },
      /Replacement dispatch recorded/,
    );
    expect(await stateOf(engineer)).toBe('Replacement sent');
    await act(
      engineer,
      'Mark fixed',
      (f) => f.getByLabel('Resolution').fill('Blade swapped from the spare set.'),
      /Marked fixed/,
    );
    expect(await stateOf(engineer)).toBe('Fixed');
    const engineerButtons = await engineer
      .getByRole('group', { name: 'Ticket actions' })
      .getByRole('button')
      .allTextContents();
    expect(engineerButtons).not.toContain('Mark fixed');

    // The customer closes: a consent dated in the future is refused, the API's words shown inline.
    await customer.reload();
    await customer.locator('#detail').getByRole('heading', { name: 'Actions' }).waitFor();
    const detail = customer.locator('#detail');
    await detail.getByRole('button', { name: 'Give written consent and close' }).click();
    const form = detail.getByRole('form', { name: 'Give written consent and close' });
    expect(await form.getByLabel('Consent given by').inputValue()).toBe(ROLE_USERS.customer);
    await form
      .getByLabel('Consent given at')
      .fill(localInput(new Date(Date.now() + 3 * 3_600_000)));
    await form.getByLabel('Written consent').fill('Confirmed working, please close.');
    await form.getByRole('button', { name: 'Close with consent' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('consent.at: must lie between');
    expect(await stateOf(customer)).toBe('Fixed');

    await form.getByLabel('Consent given at').fill(localInput(new Date()));
    await form.getByRole('button', { name: 'Close with consent' }).click();
    await detail
      .getByRole('status')
      .filter({ hasText: /Closed with the customer/ })
      .waitFor();
    expect(await stateOf(customer)).toBe('Closed');
    expect(await detail.locator('.actions').textContent()).toContain(
      'This ticket is closed; notes may still be added.',
    );
    expect(
      await detail
        .getByRole('group', { name: 'Ticket actions' })
        .getByRole('button')
        .allTextContents(),
    ).toEqual(['Add note']);

    // Who did what, when: every step in the log under its author's name.
    const log = await detail.locator('.event-log').textContent();
    for (const text of [
      `${ROLE_USERS.engineer} (engineer)responded: Looking at it.`,
      `${ROLE_USERS.customer} (customer)severity raised S2 → S1`,
      'diagnosed hardware: Fan tray failed.',
      'replacement blade dispatched (serial SN-4410)',
      'marked fixed: Blade swapped from the spare set.',
      `closed with consent of ${ROLE_USERS.customer}: “Confirmed working, please close.”`,
    ]) {
      expect(log).toContain(text);
    }
    // Closed tickets leave the board.
    await customer.getByRole('button', { name: 'Close ticket (Escape)' }).click();
    await expect.poll(() => customer.locator(`tr[data-ticket="${id}"]`).count()).toBe(0);
  });

  it('the customer places a call by hand, severity 5 a feature request', async () => {
    const customer = await h.open('customer');
    await customer.getByRole('button', { name: 'Place a call' }).click();
    const dialog = customer.getByRole('dialog', { name: 'Place a call' });
    await dialog.getByLabel('Site').selectOption(site);
    await dialog.getByLabel(/Feature request/).check();
    await dialog
      .getByLabel('The feature requested')
      .fill('A weekly digest of closed calls by email');
    await dialog.getByRole('button', { name: 'Submit feature request' }).click();
    const detail = customer.locator('#detail');
    await detail.getByRole('heading', { name: 'Classification' }).waitFor();
    expect(await detail.locator('#detail-heading').textContent()).toContain(
      'A weekly digest of closed calls by email',
    );
    expect(await detail.locator('#detail-heading .sev').textContent()).toBe('S5');
    expect(await detail.locator('.rule-id').textContent()).toBe('feature-request');

    // Operations may not place calls: no such button for them.
    const operations = await h.open('operations');
    expect(await operations.getByRole('button', { name: 'Place a call' }).count()).toBe(0);
  });
});
