import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ReportScheduler } from '../../reports/report-scheduler.js';
import type { ReportService } from '../../reports/report-service.js';
import {
  parseFormat,
  renderReport,
  reportFileName,
  REPORT_FORMATS,
  type AnyReport,
} from '../../reports/render/render-report.js';
import { parseRequest } from '../errors.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const week = z.string().regex(/^\d{4}-W\d{2}$/, 'must be an ISO week YYYY-Www');
const site = z.string().min(1).max(64);
const format = z
  .string()
  .optional()
  .describe(`${REPORT_FORMATS.join(', ')} (default json); html is a printable page`);

const slrQuery = z.strictObject({
  month: month.optional().describe('Default: the current month in the contract zone'),
  site: site.optional(),
});
const dailyQuery = z.strictObject({ date: date.optional().describe('Default: today'), format });
const monthlyQuery = z.strictObject({
  month: month.optional().describe('Default: the previous month'),
  site: site.optional(),
  format,
});
const requirementsQuery = z.strictObject({
  week: week.optional().describe('Default: the current ISO week'),
  format,
});

export interface ReportRoutesOptions {
  reports: ReportService;
  scheduler?: ReportScheduler | undefined;
}

/**
 * The contract's figures and reports: the SLR per site and month, the term with its credits,
 * the daily, monthly and requirements reports in JSON, CSV, Markdown or printable HTML, and the
 * log of the scheduled deliveries. Everything is recomputed from the ticket logs per request.
 */
const reportRoutes: FastifyPluginAsync<ReportRoutesOptions> = async (
  app,
  { reports, scheduler },
) => {
  const send = (report: AnyReport, fmt: string | undefined, reply: FastifyReply) => {
    const f = parseFormat(fmt);
    if (f === 'json') return report;
    const rendered = renderReport(report, f);
    return reply
      .header('content-type', rendered.contentType)
      .header('content-disposition', `inline; filename="${reportFileName(report, f)}"`)
      .send(rendered.body);
  };

  app.get(
    '/api/slr',
    {
      config: {
        access: 'read',
        doc: {
          summary: 'The SLR per site for a month, with any credit',
          description:
            'Calls responded to within their SLR ÷ calls, per site (a data center), in the contract zone. `final` once the month is over and every call decided; `credit` when a final month is below the threshold (the term is extended one month).',
          tags: ['reports'],
          query: slrQuery,
        },
      },
    },
    async (request) => {
      const q = parseRequest(slrQuery, request.query, 'query');
      return reports.slr(q.month ?? reports.currentMonth(), q.site);
    },
  );

  app.get(
    '/api/reports/term',
    {
      config: {
        access: 'read',
        doc: {
          summary: 'The term of service: start, original and extended end, credits',
          tags: ['reports'],
        },
      },
    },
    async () => reports.term(),
  );

  app.get(
    '/api/reports/daily',
    {
      config: {
        access: 'read',
        doc: {
          summary:
            'The daily report: outstanding calls with their clocks, calls closed that day, spare shortfalls',
          tags: ['reports'],
          query: dailyQuery,
        },
      },
    },
    async (request, reply) => {
      const q = parseRequest(dailyQuery, request.query, 'query');
      parseFormat(q.format);
      return send(await reports.daily(q.date ?? reports.today()), q.format, reply);
    },
  );

  app.get(
    '/api/reports/monthly',
    {
      config: {
        access: 'read',
        doc: {
          summary:
            'The monthly report: every call, the calls that missed their SLR, the SLR per site and credits',
          tags: ['reports'],
          query: monthlyQuery,
        },
      },
    },
    async (request, reply) => {
      const q = parseRequest(monthlyQuery, request.query, 'query');
      parseFormat(q.format);
      return send(
        await reports.monthly(q.month ?? reports.previousMonth(), q.site),
        q.format,
        reply,
      );
    },
  );

  app.get(
    '/api/reports/requirements',
    {
      config: {
        access: 'read',
        doc: {
          summary:
            'The product requirements matrix (severity 5 requests) and the week’s review list',
          tags: ['reports'],
          query: requirementsQuery,
        },
      },
    },
    async (request, reply) => {
      const q = parseRequest(requirementsQuery, request.query, 'query');
      parseFormat(q.format);
      return send(await reports.requirements(q.week ?? reports.currentWeek()), q.format, reply);
    },
  );

  app.get(
    '/api/reports/deliveries',
    {
      config: {
        access: 'read',
        doc: {
          summary: 'The scheduled report deliveries, newest first',
          tags: ['reports'],
        },
      },
    },
    async () => ({ deliveries: scheduler ? await scheduler.deliveries() : [] }),
  );
};

export default reportRoutes;
