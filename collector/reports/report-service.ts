import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import type { Contract } from '../../shared/config/contract.js';
import { BladeframeError } from '../../shared/errors.js';
import { BusinessCalendar } from '../sla/calendar.js';
import type { SpareShortfall } from '../spares/spare-stock.js';
import type { Database } from '../store/schema.js';
import { featureRequestLogs, logsActiveIn, logsInRange } from './call-logs.js';
import { buildDailyReport, type DailyReport } from './daily-report.js';
import {
  buildMonthlyReport,
  type JudgedCall,
  type MonthlyReport,
  type SiteSlrRow,
} from './monthly-report.js';
import {
  addMonths,
  dateOf,
  dayPeriod,
  monthOf,
  monthPeriod,
  weekOf,
  weekPeriod,
  type Period,
} from './period.js';
import { buildRequirementsReport, type RequirementsReport } from './requirements.js';
import { judgeCall, siteSlr, type SiteSlr, type SlrContext } from './slr.js';
import { computeTerm, type Term } from './term.js';

/** Where the daily report learns of sites short of a spare set. */
export interface ShortfallSource {
  shortfallsAt(at: Date): Promise<SpareShortfall[]>;
}

export interface ReportServiceDeps {
  db: Kysely<Database>;
  contract: Contract;
  clock: Clock;
  spares?: ShortfallSource | undefined;
}

/**
 * The contract's reports, read from the store: the SLR per site and month, the term with its
 * credits, and the daily and monthly reports. Every figure is recomputed from the tickets' event
 * logs on each request; nothing computed is stored.
 */
export class ReportService {
  readonly db: Kysely<Database>;
  readonly contract: Contract;
  readonly clock: Clock;
  readonly calendar: BusinessCalendar;
  private readonly spares: ShortfallSource | undefined;

  constructor(deps: ReportServiceDeps) {
    this.db = deps.db;
    this.contract = deps.contract;
    this.clock = deps.clock;
    this.calendar = new BusinessCalendar(deps.contract.businessHours);
    this.spares = deps.spares;
  }

  get zone(): string {
    return this.contract.businessHours.zone;
  }

  /** The current month in the contract's zone. */
  currentMonth(): string {
    return monthOf(this.clock.now(), this.zone);
  }

  /** Today's date in the contract's zone. */
  today(): string {
    return dateOf(this.clock.now(), this.zone);
  }

  previousMonth(): string {
    return addMonths(this.currentMonth(), -1);
  }

  currentWeek(): string {
    return weekOf(this.clock.now(), this.zone);
  }

  monthPeriod(month: string): Period {
    return monthPeriod(month, this.zone);
  }

  /** Every call of the month (all sites, or one), judged at `asOf`. */
  async judgeMonth(month: string, asOf: Date, siteId?: string): Promise<JudgedCall[]> {
    const period = monthPeriod(month, this.zone);
    const logs = await logsInRange(this.db, {
      by: this.contract.slr.monthOf === 'opening' ? 'opened_at' : 'detected_at',
      from: period.start,
      to: period.end,
      siteId,
    });
    const ctx: SlrContext = { contract: this.contract, calendar: this.calendar, asOf };
    return logs
      .filter((events) => Date.parse(events[0]!.at) <= asOf.getTime())
      .map((events) => ({ judgement: judgeCall(events, ctx), events }));
  }

  /** The term of service and its credits as of now. */
  async term(asOf: Date = this.clock.now()): Promise<Term> {
    return this.termWith(asOf, new Map());
  }

  /** The SLR per site for a month, with the credit (if any) the month earned. */
  async slr(month: string, siteId?: string): Promise<SiteSlrRow[]> {
    this.checkSite(siteId);
    const asOf = this.clock.now();
    const memo = new Map<string, SiteSlr[]>();
    const term = await this.termWith(asOf, memo);
    const sites = await this.siteFigures(month, asOf, memo);
    const credit = term.credits.find((c) => c.month === month) ?? null;
    return sites
      .filter((s) => siteId === undefined || s.siteId === siteId)
      .map((s) => ({
        ...s,
        credit: credit && credit.sites.some((c) => c.siteId === s.siteId) ? credit : null,
      }));
  }

  async monthly(month: string, siteId?: string): Promise<MonthlyReport> {
    this.checkSite(siteId);
    const asOf = this.clock.now();
    const period = monthPeriod(month, this.zone);
    this.notFuture(period, month, 'month');
    const memo = new Map<string, SiteSlr[]>();
    const term = await this.termWith(asOf, memo);
    return buildMonthlyReport({
      contract: this.contract,
      period,
      siteId,
      generatedAt: asOf,
      calls: await this.judgeMonth(month, asOf, siteId),
      term,
    });
  }

  async daily(date: string): Promise<DailyReport> {
    const period = dayPeriod(date, this.zone);
    const generatedAt = this.clock.now();
    this.notFuture(period, date, 'date');
    const asOf = new Date(Math.min(period.end.getTime(), generatedAt.getTime()));
    return buildDailyReport({
      contract: this.contract,
      calendar: this.calendar,
      period,
      generatedAt,
      logs: await logsActiveIn(this.db, period.start, period.end),
      spares: this.spares ? await this.spares.shortfallsAt(asOf) : [],
    });
  }

  /** The product requirements matrix and the week's review list (`YYYY-Www`). */
  async requirements(week: string): Promise<RequirementsReport> {
    const period = weekPeriod(week, this.zone);
    const generatedAt = this.clock.now();
    this.notFuture(period, week, 'week');
    return buildRequirementsReport({
      contract: this.contract,
      calendar: this.calendar,
      period,
      generatedAt,
      logs: await featureRequestLogs(this.db, period.end),
    });
  }

  private notFuture(period: Period, label: string, field: string): void {
    if (period.start.getTime() <= this.clock.now().getTime()) return;
    throw new BladeframeError('BF_BAD_REQUEST', `${label} has not begun`, [
      `${field}: ${label} is in the future`,
    ]);
  }

  private checkSite(siteId: string | undefined): void {
    if (siteId === undefined || this.contract.sites.some((s) => s.id === siteId)) return;
    throw new BladeframeError('BF_BAD_REQUEST', `unknown site ${siteId}`, [
      `site: not a site of the contract (${this.contract.sites.map((s) => s.id).join(', ')})`,
    ]);
  }

  private async siteFigures(
    month: string,
    asOf: Date,
    memo: Map<string, SiteSlr[]>,
  ): Promise<SiteSlr[]> {
    let figures = memo.get(month);
    if (!figures) {
      const calls = await this.judgeMonth(month, asOf);
      figures = siteSlr(
        calls.map((c) => c.judgement),
        this.contract,
        month,
        asOf,
      );
      memo.set(month, figures);
    }
    return figures;
  }

  private termWith(asOf: Date, memo: Map<string, SiteSlr[]>): Promise<Term> {
    return computeTerm(this.contract, monthOf(asOf, this.zone), (month) =>
      this.siteFigures(month, asOf, memo),
    );
  }
}
