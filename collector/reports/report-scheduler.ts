import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Clock } from '../../shared/clock.js';
import { ScheduledRuns } from '../scheduled-runs.js';
import type { Contract, ContractContact } from '../../shared/config/contract.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { MailAttachment, Mailer } from '../notify/mailer.js';
import type { Database } from '../store/schema.js';
import type { DailyReport } from './daily-report.js';
import type { MonthlyReport } from './monthly-report.js';
import { addMonths, dateOf, monthOf, weekOf } from './period.js';
import { renderReport, reportFileName, type AnyReport } from './render/render-report.js';
import type { ReportService } from './report-service.js';
import type { RequirementsReport } from './requirements.js';
import { localInstant, nextLocalTime } from './schedule.js';

export interface ReportSchedulerDeps {
  db: Kysely<Database>;
  reports: ReportService;
  clock: Clock;
  mailer?: Mailer | undefined;
  logger?: Logger;
  /** How many missed daily reports to send after an outage (default 7). */
  catchUpDays?: number;
}

export type DeliveryStatus = 'sent' | 'not-due' | 'no-recipients' | 'no-mailer';

export interface ReportDelivery {
  key: string;
  kind: AnyReport['kind'];
  period: string;
  status: DeliveryStatus;
  recipients: string[];
  mailKey: string | null;
  createdAt: string;
}

function emails(contacts: readonly ContractContact[]): string[] {
  return [...new Set(contacts.map((c) => c.email).filter((e): e is string => !!e))];
}

const minusDays = (date: string, n: number) =>
  DateTime.fromISO(date, { zone: 'utc' }).minus({ days: n }).toISODate()!;

/**
 * Delivers the contract's reports by email on schedule, driven by the injected clock: the daily
 * report of each day (at `reports.daily.sendAt` the next morning, when the contract calls for
 * one), the monthly report of each month (on `reports.monthly.dayOfMonth` at its hour; while a
 * call of the month is undecided a provisional edition, then the final one), and the weekly
 * product requirements review (on `reports.requirements.weekday`). Each report is sent once:
 * the mail carries a key the durable mailer queues once, and a row in `report_deliveries` (with
 * what was sent) marks it done, so restarts and several collectors send nothing twice; missed
 * reports are caught up at start.
 */
export class ReportScheduler {
  readonly name = 'report-scheduler';
  private readonly db: Kysely<Database>;
  private readonly reports: ReportService;
  private readonly contract: Contract;
  private readonly clock: Clock;
  private readonly mailer: Mailer | undefined;
  private readonly logger: Logger;
  private readonly catchUpDays: number;
  private readonly runs: ScheduledRuns;

  constructor(deps: ReportSchedulerDeps) {
    this.db = deps.db;
    this.reports = deps.reports;
    this.contract = deps.reports.contract;
    this.clock = deps.clock;
    this.mailer = deps.mailer;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'report-scheduler' });
    this.catchUpDays = deps.catchUpDays ?? 7;
    this.runs = new ScheduledRuns({
      clock: this.clock,
      logger: this.logger,
      failure: 'scheduled reports failed',
      run: () => this.runDue(),
      next: (now) => this.nextRun(now),
    });
  }

  start(): Promise<void> {
    return this.runs.start();
  }

  stop(): Promise<void> {
    return this.runs.stop();
  }

  /** Resolves once the run in progress (if any) is done. */
  settled(): Promise<void> {
    return this.runs.settled();
  }

  private get zone(): string {
    return this.contract.businessHours.zone;
  }

  /** Wakes at the next of the reports' hours; each wake sends whatever has fallen due. */
  private nextRun(now: Date): Date {
    const { daily, monthly, requirements } = this.contract.reports;
    return new Date(
      Math.min(
        ...[daily.sendAt, monthly.sendAt, requirements.sendAt].map((t) =>
          nextLocalTime(now, t, this.zone).getTime(),
        ),
      ),
    );
  }

  /** The deliveries recorded, newest first. */
  async deliveries(limit = 100): Promise<ReportDelivery[]> {
    const rows = await this.db
      .selectFrom('report_deliveries')
      .select(['report_key', 'kind', 'period', 'status', 'recipients', 'mail_key', 'created_at'])
      .where('kind', '!=', 'schedule')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      key: r.report_key,
      kind: r.kind as AnyReport['kind'],
      period: r.period,
      status: r.status as DeliveryStatus,
      recipients: JSON.parse(r.recipients) as string[],
      mailKey: r.mail_key,
      createdAt: r.created_at,
    }));
  }

  /** Sends every report due by now and not yet delivered; returns what it recorded. */
  async runDue(): Promise<ReportDelivery[]> {
    const since = await this.scheduleStart();
    const done: ReportDelivery[] = [];
    const record = (d: ReportDelivery | null) => void (d && done.push(d));
    const after = (due: Date) => due.getTime() > since.getTime();
    for (const day of await this.dueDays()) {
      if (after(localInstant(minusDays(day, -1), this.contract.reports.daily.sendAt, this.zone))) {
        record(await this.deliverDaily(day));
      }
    }
    for (const month of this.dueMonths()) {
      if (after(this.monthlyDue(month))) {
        for (const d of await this.deliverMonthly(month)) record(d);
      }
    }
    for (const week of await this.dueWeeks()) {
      if (after(this.reviewDue(week))) record(await this.deliverRequirements(week));
    }
    return done;
  }

  /**
   * When the schedule began: the first start of a scheduler on this store (recorded once). A
   * report that fell due before it is not sent after the fact; it can be read from the API.
   */
  private async scheduleStart(): Promise<Date> {
    await this.db
      .insertInto('report_deliveries')
      .values({
        report_key: 'schedule:start',
        kind: 'schedule',
        period: '',
        status: 'started',
        recipients: '[]',
        content: null,
        mail_key: null,
        created_at: this.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.column('report_key').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('report_deliveries')
      .select('created_at')
      .where('report_key', '=', 'schedule:start')
      .executeTakeFirstOrThrow();
    return new Date(row.created_at);
  }

  /** When a month's report first falls due. */
  private monthlyDue(month: string): Date {
    const { dayOfMonth, sendAt } = this.contract.reports.monthly;
    const day = `${addMonths(month, 1)}-${String(dayOfMonth).padStart(2, '0')}`;
    return localInstant(day, sendAt, this.zone);
  }

  /** When a week's requirements review falls due: its review day of the following week. */
  private reviewDue(week: string): Date {
    const { weekday, sendAt } = this.contract.reports.requirements;
    const day = DateTime.fromISO(`${week}-${weekday}`, { zone: this.zone })
      .plus({ weeks: 1 })
      .toISODate()!;
    return localInstant(day, sendAt, this.zone);
  }

  private async delivered(key: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('report_deliveries')
      .select('id')
      .where('report_key', '=', key)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Days whose report is due by now: each day's report is due the next day at `daily.sendAt`.
   * After an outage the missed ones are caught up, at most `catchUpDays` of them.
   */
  private async dueDays(): Promise<string[]> {
    const now = this.clock.now();
    const today = dateOf(now, this.zone);
    const sendAt = this.contract.reports.daily.sendAt;
    const last = minusDays(today, now >= localInstant(today, sendAt, this.zone) ? 1 : 2);
    const days: string[] = [];
    for (let d = minusDays(last, this.catchUpDays - 1); d <= last; d = minusDays(d, -1)) {
      if (d >= this.contract.startsOn) days.push(d);
    }
    return days;
  }

  /** The month(s) whose report is due: the previous month from its sending day, and the one before. */
  private dueMonths(): string[] {
    const now = this.clock.now();
    const { dayOfMonth, sendAt } = this.contract.reports.monthly;
    const current = monthOf(now, this.zone);
    const sendDay = `${current}-${String(dayOfMonth).padStart(2, '0')}`;
    const last = addMonths(current, now >= localInstant(sendDay, sendAt, this.zone) ? -1 : -2);
    const start = this.contract.startsOn.slice(0, 7);
    return [addMonths(last, -1), last].filter((m) => m >= start);
  }

  /** The week whose review is due: the last one ended before the review day's hour. */
  private async dueWeeks(): Promise<string[]> {
    const now = this.clock.now();
    const { weekday, sendAt } = this.contract.reports.requirements;
    const local = DateTime.fromJSDate(now, { zone: this.zone });
    let review = local.set({ weekday: weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 }).toISODate()!;
    if (now < localInstant(review, sendAt, this.zone)) review = minusDays(review, 7);
    // The review on that day covers the ISO week that ended before it.
    const week = weekOf(
      DateTime.fromISO(review, { zone: this.zone }).minus({ weeks: 1 }).toJSDate(),
      this.zone,
    );
    return (await this.delivered(`requirements:${week}`)) ? [] : [week];
  }

  private async deliverDaily(day: string): Promise<ReportDelivery | null> {
    const key = `daily:${day}`;
    if (await this.delivered(key)) return null;
    const report = await this.reports.daily(day);
    if (!report.required) return this.mark(key, 'daily', day, 'not-due', [], null, null);
    return this.send(key, report, emails(this.contract.reports.recipients), dailySubject(report));
  }

  private async deliverMonthly(month: string): Promise<ReportDelivery[]> {
    const out: ReportDelivery[] = [];
    const editions: { siteId?: string; recipients: string[] }[] = [
      { recipients: emails(this.contract.reports.recipients) },
      ...this.contract.sites
        .filter((s) => s.reportRecipients.length > 0)
        .map((s) => ({ siteId: s.id, recipients: emails(s.reportRecipients) })),
    ];
    for (const edition of editions) {
      const base = `monthly:${month}${edition.siteId ? `:site:${edition.siteId}` : ''}`;
      if (await this.delivered(base)) continue;
      const report = await this.reports.monthly(month, edition.siteId);
      const key = report.final ? base : `${base}:provisional`;
      if (!report.final && (await this.delivered(key))) continue;
      const delivery = await this.send(key, report, edition.recipients, monthlySubject(report));
      if (delivery) out.push(delivery);
    }
    return out;
  }

  private async deliverRequirements(week: string): Promise<ReportDelivery | null> {
    const key = `requirements:${week}`;
    const report = await this.reports.requirements(week);
    if (report.review.length === 0)
      return this.mark(key, 'requirements', week, 'not-due', [], null, null);
    const own = emails(this.contract.reports.requirements.recipients);
    const recipients = own.length > 0 ? own : emails(this.contract.reports.recipients);
    return this.send(key, report, recipients, requirementsSubject(report));
  }

  private async send(
    key: string,
    report: AnyReport,
    recipients: string[],
    subject: string,
  ): Promise<ReportDelivery | null> {
    const period =
      report.kind === 'monthly'
        ? report.month
        : report.kind === 'daily'
          ? report.date
          : report.week;
    if (recipients.length === 0) {
      this.logger.warn({ report: key }, 'no report recipient with an email address');
      return this.mark(key, report.kind, period, 'no-recipients', [], null, report);
    }
    if (!this.mailer) {
      this.logger.warn({ report: key }, 'no mailer: scheduled report not sent');
      return this.mark(key, report.kind, period, 'no-mailer', recipients, null, report);
    }
    const attachments: MailAttachment[] = (['csv', 'json', 'html'] as const).map((format) => {
      const r = renderReport(report, format);
      return {
        filename: reportFileName(report, format),
        content: r.body,
        contentType: r.contentType,
      };
    });
    const mailKey = `report:${key}`;
    await this.mailer.send({
      to: recipients,
      subject,
      text: renderReport(report, 'md').body,
      html: renderReport(report, 'html').body,
      attachments,
      key: mailKey,
    });
    this.logger.info({ report: key, recipients: recipients.length }, 'report sent');
    return this.mark(key, report.kind, period, 'sent', recipients, mailKey, report);
  }

  private async mark(
    key: string,
    kind: AnyReport['kind'],
    period: string,
    status: DeliveryStatus,
    recipients: string[],
    mailKey: string | null,
    report: AnyReport | null,
  ): Promise<ReportDelivery | null> {
    const createdAt = this.clock.now().toISOString();
    const inserted = await this.db
      .insertInto('report_deliveries')
      .values({
        report_key: key,
        kind,
        period,
        status,
        recipients: JSON.stringify(recipients),
        content: report && status !== 'not-due' ? JSON.stringify(report) : null,
        mail_key: mailKey,
        created_at: createdAt,
      })
      .onConflict((oc) => oc.column('report_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return null;
    return { key, kind, period, status, recipients, mailKey, createdAt };
  }
}

function dailySubject(r: DailyReport): string {
  return `Daily service report ${r.date}: ${r.outstanding.length} outstanding, ${r.closed.length} closed${r.spares.length > 0 ? `, ${r.spares.length} site(s) short of spares` : ''}`;
}

function monthlySubject(r: MonthlyReport): string {
  if (!r.final) {
    const pending = r.slr.reduce((n, s) => n + s.pending, 0);
    return `[Provisional] ${r.title}: ${r.calls.length} call(s), ${pending} not yet decided`;
  }
  const below = r.slr.filter((s) => s.belowThreshold).length;
  return `${r.title}: ${r.calls.length} call(s), ${below === 0 ? 'SLR met at every site' : `${below} site(s) below the SLR`}`;
}

function requirementsSubject(r: RequirementsReport): string {
  return `${r.title}: ${r.counts.new} new, ${r.counts.open} open`;
}
