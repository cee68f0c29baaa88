import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  parseFormat,
  renderReport,
  reportFileName,
  REPORT_FORMATS,
  type AnyReport,
} from '../../../collector/reports/render/render-report.js';
import { escapeHtml } from '../../../collector/reports/render/escape.js';
import { golden } from '../../agent/support/golden.js';
import { march5Report, marchReport, week11Report } from './fixture-reports.js';

const goldenPath = (name: string) =>
  fileURLToPath(new URL(`../../golden/reports/${name}`, import.meta.url));

const reports: [string, () => Promise<AnyReport> | AnyReport][] = [
  ['monthly-2026-03', () => marchReport()],
  ['daily-2026-03-05', () => march5Report()],
  ['requirements-2026-W11', () => week11Report()],
];

describe.each(reports)('the %s report', (name, build) => {
  it.each(REPORT_FORMATS)(
    'matches its golden %s file (UPDATE_GOLDEN=1 rewrites)',
    async (format) => {
      const report = await build();
      const rendered = renderReport(report, format);
      expect(`${name}.${format}`).toBe(reportFileName(report, format));
      expect(rendered.body).toBe(golden(goldenPath(`${name}.${format}`), rendered.body));
    },
  );

  it('renders HTML that needs nothing from outside the page', async () => {
    const html = renderReport(await build(), 'html').body;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|src=|href="(?!#)/i);
    expect(html.match(/url\(([^)]*)\)/g) ?? []).toEqual(
      (html.match(/url\(#provisional\)/g) ?? []) as string[],
    );
  });

  it('renders CSV with one header per section and the same width on every row', async () => {
    const csv = renderReport(await build(), 'csv').body;
    expect(csv.endsWith('\r\n')).toBe(true);
    const sections = csv.split('\r\n\r\n');
    for (const block of sections) {
      const lines = parseCsv(block);
      const header = lines[0]![0] === 'section' ? lines[1]! : lines[0]!;
      const body = lines.slice(lines[0]![0] === 'section' ? 2 : 1);
      for (const row of body) expect(row).toHaveLength(header.length);
    }
  });
});

describe('the monthly report’s content in each format', () => {
  it('states every call, the missed clocks, the SLR per site and the credit', async () => {
    const report = await marchReport();
    const md = renderReport(report, 'md').body;
    expect(md).toContain(
      '| 3 | nj1 | 2 | On-site response | 2026-03-04 13:00 EST | 2026-03-04 14:00 EST | 1h | yes |',
    );
    expect(md).toContain('| nj1 Weehawken primary | 4 | 3 | 1 | 0 | 75.00 % | met | — |');
    expect(md).toContain('now to **2027-01-31**');
    const html = renderReport(report, 'html').body;
    expect(html).toContain('<svg class="slr-chart"');
    expect(html).toContain('aria-label="SLR per site: nj1 75.00 %, ny2 50.00 %; threshold 75 %"');
    const csv = renderReport(report, 'csv').body;
    expect(csv).toContain('section,slr\r\n');
    expect(csv).toContain(
      'ny2,Lower Manhattan secondary,2026-03,4,2,2,0,50,75,true,true,1,2027-01-31',
    );
    expect(csv).toContain('2026-03-31T19:00:00-04:00');
  });

  it('escapes what callers typed', () => {
    expect(escapeHtml(`<b onclick="x">Tom & 'Jerry'</b>`)).toBe(
      '&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;',
    );
  });
});

describe('formats', () => {
  it('accepts json, csv, md (or markdown) and html, and refuses others', () => {
    expect(parseFormat(undefined)).toBe('json');
    expect(parseFormat('Markdown')).toBe('md');
    expect(parseFormat('HTML')).toBe('html');
    expect(() => parseFormat('pdf')).toThrow(/format must be one of json, csv, md, html/);
  });
});

/** A small RFC 4180 reader, enough to check the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f !== ''));
}
