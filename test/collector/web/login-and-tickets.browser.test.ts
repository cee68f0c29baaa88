import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing } from '../../support/browser.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { DashboardHarness, login, ROLE_USERS } from '../../support/dashboard.js';
import { collectorStoreTargets } from '../../support/stores.js';

// SQLite: the browser tests are about the dashboard; the stores have their own tests.
const sqlite = collectorStoreTargets.find((t) => t.name === 'sqlite')!;

describe.skipIf(browserMissing)('dashboard: login, ticket list and detail (Chromium)', () => {
  let broker: TestBroker;
  let h: DashboardHarness;
  const site = uniqueSite('web');

  beforeAll(async () => {
    broker = await startTestBroker();
    h = await DashboardHarness.start({
      broker,
      location: await sqlite.create(),
      sites: [{ id: site, name: 'Weehawken primary' }],
    });
  });
  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('refuses a bad token with a clear message, then shows who is logged in, and logs out', async () => {
    const page = await h.open(null);
    await expect.poll(() => page.title()).toBe('Bladeframe operations');
    await page.getByLabel('Access token').fill(`bft_${'x'.repeat(43)}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('That token was not accepted');

    await login(page, h.tokens.engineer);
    const header = page.getByRole('banner');
    await expect.poll(() => header.textContent()).toContain(ROLE_USERS.engineer);
    await expect.poll(() => header.textContent()).toContain('Support engineer');
    // The token lives in this tab's session: a reload stays logged in.
    await page.reload();
    await page.getByRole('heading', { name: /Tickets by next due clock/ }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Access token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('You logged out');
  });

  it('lists a fault published over MQTT and opens its detail with the rule that fired', async () => {
    const blade = await h.bringUp(site, 'f1', 'b03');
    await h.fault(blade, 'memory.ecc.uncorrectable', {
      agoMs: 60_000,
      component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: 'CPU0_DIMM_A1' },
      evidence: { ueCount: 1, delta: 1 },
      summary: 'Uncorrectable ECC error on CPU0_DIMM_A1',
    });
    const id = await h.ticketFor('b03', 'memory.ecc.uncorrectable');

    const page = await h.open('operations');
    const row = page.locator(`tr[data-ticket="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Uncorrectable ECC error on CPU0_DIMM_A1');
    expect(await row.textContent()).toContain(`${site} / f1 / b03`);
    // Severity 2 in business hours or not: the on-site response clock counts down.
    await expect.poll(() => row.locator('.countdown').getAttribute('data-level')).toBe('ok');

    await page.getByRole('link', { name: /Uncorrectable ECC error/ }).click();
    const detail = page.getByRole('region', { name: /#\d+ Uncorrectable ECC/ });
    await detail.getByRole('heading', { name: 'Classification' }).waitFor();
    expect(await detail.locator('.rule-id').textContent()).toBe('memory-uncorrectable');
    expect(await detail.textContent()).toContain('ueCount');
    expect(await detail.getByRole('heading', { name: 'Event log' }).count()).toBe(1);
    // Operations read; they have no action to take.
    expect(await detail.getByRole('group', { name: 'Ticket actions' }).count()).toBe(0);
    expect(await detail.textContent()).toContain('No action for the operations role');
  });
});
