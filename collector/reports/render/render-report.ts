import { BladeframeError } from '../../../shared/errors.js';
import type { DailyReport } from '../daily-report.js';
import type { MonthlyReport } from '../monthly-report.js';
import type { RequirementsReport } from '../requirements.js';
import { dailyCsv, monthlyCsv, requirementsCsv } from './csv.js';
import { dailyHtml, monthlyHtml, requirementsHtml } from './html.js';
import { dailyMarkdown, monthlyMarkdown, requirementsMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type AnyReport = DailyReport | MonthlyReport | RequirementsReport;

export interface RenderedReport {
  body: string;
  contentType: string;
  extension: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export function parseFormat(value: string | undefined, field = 'format'): ReportFormat {
  const format = (value ?? 'json').toLowerCase();
  const alias = format === 'markdown' ? 'md' : format;
  if ((REPORT_FORMATS as readonly string[]).includes(alias)) return alias as ReportFormat;
  throw new BladeframeError(
    'BF_BAD_REQUEST',
    `${field} must be one of ${REPORT_FORMATS.join(', ')}`,
    [`${field}: "${value}" is not ${REPORT_FORMATS.join(', ')}`],
  );
}

function body(report: AnyReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  switch (report.kind) {
    case 'monthly':
      return format === 'csv'
        ? monthlyCsv(report)
        : format === 'md'
          ? monthlyMarkdown(report)
          : monthlyHtml(report);
    case 'daily':
      return format === 'csv'
        ? dailyCsv(report)
        : format === 'md'
          ? dailyMarkdown(report)
          : dailyHtml(report);
    case 'requirements':
      return format === 'csv'
        ? requirementsCsv(report)
        : format === 'md'
          ? requirementsMarkdown(report)
          : requirementsHtml(report);
  }
}

/** A report in one of the formats, with its content type and file extension. */
export function renderReport(report: AnyReport, format: ReportFormat): RenderedReport {
  return { body: body(report, format), contentType: CONTENT_TYPES[format], extension: format };
}

/** The file name a report is delivered under, e.g. `monthly-2026-03-nj1.csv`. */
export function reportFileName(report: AnyReport, format: ReportFormat): string {
  const period =
    report.kind === 'monthly'
      ? `${report.month}${report.siteId ? `-${report.siteId}` : ''}`
      : report.kind === 'daily'
        ? report.date
        : report.week;
  return `${report.kind}-${period}.${format}`;
}
