import type { SiteSlr } from '../slr.js';
import { escapeHtml } from './escape.js';

/**
 * The SLR per site as an inline SVG bar chart (no script, no external assets): one bar per site
 * from 0 to 100 %, the threshold as a dashed line, bars below it in red, provisional figures
 * hatched, sites without a decided call named with "no calls".
 */
const WIDTH = 640;
const LABEL = 190;
const VALUE = 70;
const BAR_AREA = WIDTH - LABEL - VALUE;
const ROW = 36;
const TOP = 26;
const BOTTOM = 24;

export function slrChart(sites: readonly SiteSlr[], thresholdPercent: number): string {
  const height = TOP + sites.length * ROW + BOTTOM;
  const x = (pct: number) => LABEL + (BAR_AREA * pct) / 100;
  const parts: string[] = [];
  const summary = sites
    .map((s) => `${s.siteId} ${s.percent === null ? 'no calls' : `${s.percent.toFixed(2)} %`}`)
    .join(', ');
  parts.push(
    `<svg class="slr-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="${escapeHtml(`SLR per site: ${summary}; threshold ${thresholdPercent} %`)}">`,
    `<title>SLR per site (threshold ${thresholdPercent} %)</title>`,
    '<defs><pattern id="provisional" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#d0d5dd"/><line x1="0" y1="0" x2="0" y2="6" stroke="#98a2b3" stroke-width="3"/></pattern></defs>',
  );
  for (const tick of [0, 25, 50, 75, 100]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${TOP - 6}" x2="${x(tick)}" y2="${height - BOTTOM}" stroke="#eaecf0" stroke-width="1"/>`,
      `<text x="${x(tick)}" y="${height - 8}" font-size="11" text-anchor="middle" fill="#475467">${tick} %</text>`,
    );
  }
  sites.forEach((s, i) => {
    const y = TOP + i * ROW;
    const name = s.siteName ?? '';
    const shortName = name.length > 30 ? `${name.slice(0, 29)}…` : name;
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" font-size="12" font-weight="600" text-anchor="end" fill="#101828">${escapeHtml(s.siteId)}</text>`,
      `<text x="${LABEL - 8}" y="${y + 26}" font-size="10" text-anchor="end" fill="#475467">${escapeHtml(shortName)}</text>`,
    );
    if (s.percent === null) {
      parts.push(
        `<text x="${LABEL + 4}" y="${y + 18}" font-size="12" fill="#667085">no calls</text>`,
      );
      return;
    }
    const fill = !s.final ? 'url(#provisional)' : s.belowThreshold ? '#d92d20' : '#12b76a';
    const width = Math.max(1, (BAR_AREA * s.percent) / 100);
    parts.push(
      `<rect class="bar" x="${LABEL}" y="${y + 5}" width="${width.toFixed(1)}" height="${ROW - 12}" rx="2" fill="${fill}"><title>${escapeHtml(`${s.siteId}: ${s.met} of ${s.met + s.missed} calls within SLR (${s.percent.toFixed(2)} %)${s.final ? '' : ', provisional'}`)}</title></rect>`,
      `<text x="${WIDTH - 4}" y="${y + 19}" font-size="12" text-anchor="end" font-weight="600" fill="${s.belowThreshold ? '#b42318' : '#101828'}">${s.percent.toFixed(2)} %</text>`,
    );
  });
  const tx = x(thresholdPercent);
  parts.push(
    `<line class="threshold" x1="${tx}" y1="${TOP - 8}" x2="${tx}" y2="${height - BOTTOM}" stroke="#101828" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    `<text x="${tx}" y="${TOP - 12}" font-size="11" text-anchor="middle" fill="#101828">threshold ${thresholdPercent} %</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
