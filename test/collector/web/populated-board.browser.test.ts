import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../../collector/broker/embedded-broker.js';
import { projectFile } from '../../../shared/paths.js';
import { browserMissing } from '../../support/browser.js';
import type { TestBroker } from '../../support/broker.js';
import { DashboardHarness } from '../../support/dashboard.js';
import { populate, SCENARIO_SITES } from '../../support/dashboard-scenario.js';
import { collectorStoreTargets } from '../../support/stores.js';

const sqlite = collectorStoreTargets.find((t) => t.name === 'sqlite')!;

/** Into docs/ with UPDATE_SCREENSHOT=1 (the README's pictures), else into .tmp/ to look at. */
async function picture(page: Page, name: string): Promise<void> {
  const dir = projectFile(process.env.UPDATE_SCREENSHOT ? 'docs' : '.tmp');
  mkdirSync(dir, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(dir, name) });
}

/**
 * A populated board (five frames at two sites, tickets in every state, blades down), seen at
 * 1366×768 on a Tuesday afternoon in New York. With UPDATE_SCREENSHOT=1 it refreshes the
 * README's picture, docs/dashboard.png.
 */
describe.skipIf(browserMissing)('dashboard: a populated board (Chromium)', () => {
  let broker: EmbeddedBroker;
  let h: DashboardHarness;
  let ids: Record<string, string>;

  beforeAll(async () => {
    // Its own broker always: the scenario's site names are real ones, not unique test sites.
    broker = new EmbeddedBroker({ port: 0 });
    await broker.start();
    const testBroker: TestBroker = {
      url: broker.url,
      protocolVersion: 4,
      embedded: true,
      stop: () => broker.stop(),
    };
    h = await DashboardHarness.start({
      broker: testBroker,
      location: await sqlite.create(),
      sites: SCENARIO_SITES,
      topicSite: '+',
      now: '2026-03-10T19:42:00Z',
      fleet: { frameWindow: '1s', scanInterval: '1s' },
    });
    ids = await populate(h);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('shows every site, frame and fault, the nearest due first', async () => {
    const page = await h.open('engineer');
    const rows = page.locator('tr.ticket-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(11);
    await picture(page, 'dashboard.png');

    // Breached clocks head the list (the software call unanswered for over an hour, the
    // severity 1 not reached on site), then warnings, then the rest by due time.
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-ticket')));
    expect(order.slice(0, 2).sort()).toEqual([ids.fs, ids.panic].sort());
    expect(order.slice(2, 4).sort()).toEqual([ids.oom, ids.ecc].sort());
    expect(order.at(-1)).toBe(ids.fan);
    const levels = await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.querySelector('.countdown')?.getAttribute('data-level') ?? 'none'),
    );
    expect(levels.slice(0, 4)).toEqual(['breached', 'breached', 'warning', 'warning']);
    expect(levels.at(-1)).toBe('none');
    await expect
      .poll(() => page.locator(`[data-blade="${ids.silentBlade}"]`).getAttribute('data-state'), {
        timeout: 20_000,
      })
      .toBe('silent');
    await expect
      .poll(() => page.locator(`[data-blade="${ids.lostBlade}"]`).getAttribute('data-state'))
      .toBe('offline');
    expect(await page.locator('[data-blade="nj1-f3-b01"]').getAttribute('data-state')).toBe(
      'stopped',
    );
    expect(await page.locator('[data-blade="nj1-f2-b11"]').getAttribute('data-severity')).toBe('1');
    expect(await page.getByRole('grid').count()).toBe(2);
    expect(await page.locator('.frame-row').count()).toBe(5);
  });

  it('shows a ticket with its clocks, classification, evidence, escalations and log', async () => {
    const page = await h.open('engineer');
    await page.goto(`${h.url}/#/tickets/${ids.ecc}`);
    const detail = page.getByRole('region', { name: /Uncorrectable ECC error/ });
    await detail.getByRole('heading', { name: 'Event log' }).waitFor();
    expect(await detail.locator('.rule-id').textContent()).toBe('memory-uncorrectable');
    const clocks = detail.locator('.clock-list .countdown');
    await expect.poll(() => clocks.count()).toBeGreaterThanOrEqual(1);
    expect(await clocks.first().getAttribute('data-level')).toBe('warning');
    const log = await detail.locator('.event-log').textContent();
    expect(log).toContain('Ana Ruiz');
    expect(log).toContain('Engaged; dispatching a CE.');
    // Responded: the engineer may arrive, diagnose, update, note or fix; not respond again.
    const actions = detail.getByRole('group', { name: 'Ticket actions' });
    const labels = await actions.getByRole('button').allTextContents();
    expect(labels).toEqual(['Arrive on site', 'Diagnose', 'Send update', 'Mark fixed', 'Add note']);
    await picture(page, 'dashboard-ticket.png');
  });
});
