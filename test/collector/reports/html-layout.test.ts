import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type AnyReport } from '../../../collector/reports/render/render-report.js';
import { browserMissing, launchChromium } from '../../support/browser.js';
import { march5Report, marchReport, week11Report } from './fixture-reports.js';

/** Letter paper less the page's 12 mm margins, in CSS pixels (96 per inch). */
const PRINTABLE_WIDTH = Math.floor(8.5 * 96 - 2 * (12 / 25.4) * 96);

/**
 * The HTML reports laid out by a real browser (Debian's Chromium): the SLR chart is drawn and
 * visible, and no table is wider than the page, on screen at Letter width and in print.
 */
describe.skipIf(browserMissing !== undefined)('the HTML reports in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  async function open(report: AnyReport, width: number, media: 'screen' | 'print'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.emulateMedia({ media });
    await page.setContent(renderReport(report, 'html').body, { waitUntil: 'load' });
    expect(requests, 'the page fetched something').toEqual([]);
    return page;
  }

  /** Every table's right edge and the document's width against the viewport. */
  async function overflow(page: Page) {
    return page.evaluate(() => ({
      document: document.documentElement.scrollWidth - window.innerWidth,
      tables: [...document.querySelectorAll('table')].map((t) => ({
        right: Math.ceil(t.getBoundingClientRect().right) - window.innerWidth,
        clipped: t.scrollWidth - t.clientWidth,
        cells: [...t.querySelectorAll('td')].filter((td) => td.scrollWidth > td.clientWidth + 1)
          .length,
      })),
    }));
  }

  it.each([
    ['on screen at Letter width', 816, 'screen'],
    ['in print', PRINTABLE_WIDTH, 'print'],
  ] as const)('lays the monthly report out %s', async (_name, width, media) => {
    const page = await open(await marchReport(), width, media);
    try {
      const chart = page.locator('svg.slr-chart');
      await expect.poll(() => chart.isVisible()).toBe(true);
      const box = (await chart.boundingBox())!;
      expect(box.width).toBeGreaterThan(width * 0.8);
      expect(box.height).toBeGreaterThan(80);
      // Two bars, as long as the percentages (75 % and 50 %), the one below the threshold red.
      const bars = await page.locator('svg.slr-chart rect.bar').evaluateAll((rects) =>
        rects.map((r) => ({
          width: r.getBoundingClientRect().width,
          fill: r.getAttribute('fill'),
        })),
      );
      expect(bars.map((b) => b.fill)).toEqual(['#12b76a', '#d92d20']);
      expect(bars[0]!.width / bars[1]!.width).toBeCloseTo(1.5, 1);
      const threshold = (await page.locator('svg.slr-chart line.threshold').boundingBox())!;
      expect(threshold.x).toBeGreaterThan(box.x);
      expect(threshold.x).toBeLessThan(box.x + box.width);

      const fit = await overflow(page);
      expect(fit.document).toBeLessThanOrEqual(0);
      expect(fit.tables.length).toBe(3);
      for (const t of fit.tables)
        expect(t).toEqual({ right: expect.any(Number), clipped: 0, cells: 0 });
      for (const t of fit.tables) expect(t.right).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });

  it('prints the monthly report to Letter pages', async () => {
    const page = await open(await marchReport(), 816, 'print');
    try {
      const pdf = await page.pdf({ format: 'Letter', printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2);
    } finally {
      await page.close();
    }
  });

  it.each([
    ['daily', () => march5Report()],
    ['requirements', () => week11Report()],
  ] as const)('lays the %s report out within the page', async (_name, build) => {
    for (const [width, media] of [
      [816, 'screen'],
      [PRINTABLE_WIDTH, 'print'],
    ] as const) {
      const page = await open(build(), width, media);
      try {
        const fit = await overflow(page);
        expect(fit.document).toBeLessThanOrEqual(0);
        expect(fit.tables.length).toBeGreaterThan(0);
        for (const t of fit.tables) {
          expect(t.right).toBeLessThanOrEqual(0);
          expect(t.clipped).toBe(0);
        }
      } finally {
        await page.close();
      }
    }
  });
});

describe.runIf(browserMissing !== undefined)('the HTML reports in Chromium (skipped)', () => {
  it.skip(`cannot run: ${browserMissing}`, () => {});
});
