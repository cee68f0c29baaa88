import type { Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import { ScheduledRuns } from '../scheduled-runs.js';
import type { Contract, ContractContact } from '../../shared/config/contract.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Mailer } from '../notify/mailer.js';
import { appendActivity } from '../activity/activity-log.js';
import {
  AlertEmitter,
  alertActivity,
  type AlertListener,
  type SiteAlert,
} from '../reports/alerts.js';
import { dateOf } from '../reports/period.js';
import { nextLocalTime } from '../reports/schedule.js';
import type { Database } from '../store/schema.js';
import { releaseNoticeMail } from './notice-mail.js';
import {
  releaseKey,
  releaseSupport,
  type BladeOnRelease,
  type BladeSoftware,
  type ReleaseSupport,
} from './release-support.js';

export interface ReleaseNoticesDeps {
  db: Kysely<Database>;
  contract: Contract;
  clock: Clock;
  mailer?: Mailer | undefined;
  logger?: Logger;
}

export interface NoticeView {
  releaseKey: string;
  product: string;
  version: string;
  endOfSupportOn: string;
  late: boolean;
  recordedAt: string;
  mailedAt: string | null;
  recipients: string[];
  blades: BladeOnRelease[];
}

export interface ReleaseView extends ReleaseSupport {
  notice: NoticeView | null;
}

/** Addresses of contacts that have one. */
export function emailsOf(contacts: readonly ContractContact[]): string[] {
  return [...new Set(contacts.map((c) => c.email).filter((e): e is string => !!e))];
}

/**
 * End-of-support notices: once a day (and at start) every Major Release whose notice is due
 * (120 to 90 days before its end of support, or later but before the end: `late`) and that blades
 * still run gets one notice, recorded first (unique per release, so once across restarts and
 * collectors) and then mailed to the customer through the durable mailer, idempotently.
 */
export class ReleaseNotices {
  readonly name = 'release-notices';
  private readonly db: Kysely<Database>;
  private readonly contract: Contract;
  private readonly clock: Clock;
  private readonly mailer: Mailer | undefined;
  private readonly logger: Logger;
  private readonly alerts: AlertEmitter;
  private readonly runs: ScheduledRuns;

  constructor(deps: ReleaseNoticesDeps) {
    this.db = deps.db;
    this.contract = deps.contract;
    this.clock = deps.clock;
    this.mailer = deps.mailer;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'release-notices' });
    this.alerts = new AlertEmitter(this.logger);
    this.runs = new ScheduledRuns({
      clock: this.clock,
      logger: this.logger,
      failure: 'release notice check failed',
      run: () => this.check(),
      next: (now) => this.nextRun(now),
    });
  }

  onAlert(listener: AlertListener): () => void {
    return this.alerts.on(listener);
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

  /** The next check: each day at the daily report's hour, in the contract's zone. */
  private nextRun(now: Date): Date {
    return nextLocalTime(now, this.contract.reports.daily.sendAt, this.contract.businessHours.zone);
  }

  async blades(): Promise<BladeSoftware[]> {
    const rows = await this.db
      .selectFrom('blades')
      .select(['blade_id', 'site_id', 'frame_id', 'hostname', 'software'])
      .where('software', 'is not', null)
      .execute();
    return rows.map((r) => {
      let software: BladeSoftware['software'] = [];
      try {
        const parsed = JSON.parse(r.software!) as unknown;
        if (Array.isArray(parsed)) software = parsed as BladeSoftware['software'];
      } catch {
        // A blade whose inventory cannot be read runs nothing we know of.
      }
      return {
        bladeId: r.blade_id,
        siteId: r.site_id,
        frameId: r.frame_id,
        hostname: r.hostname,
        software,
      };
    });
  }

  /** Every Major Release with its support dates, the blades on it and its notice. */
  async releases(): Promise<ReleaseView[]> {
    const today = dateOf(this.clock.now(), this.contract.businessHours.zone);
    const notices = new Map((await this.notices()).map((n) => [n.releaseKey, n]));
    return releaseSupport(this.contract, await this.blades(), today).map((r) => ({
      ...r,
      notice: notices.get(releaseKey(r)) ?? null,
    }));
  }

  async notices(): Promise<NoticeView[]> {
    const rows = await this.db.selectFrom('release_notices').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      releaseKey: r.release_key,
      product: r.product,
      version: r.version,
      endOfSupportOn: r.end_of_support,
      late: Number(r.late) === 1,
      recordedAt: r.recorded_at,
      mailedAt: r.mailed_at,
      recipients: JSON.parse(r.recipients) as string[],
      blades: JSON.parse(r.blades) as BladeOnRelease[],
    }));
  }

  private recipients(): string[] {
    const notice = emailsOf(this.contract.releases.notice.recipients);
    return notice.length > 0 ? notice : emailsOf(this.contract.reports.recipients);
  }

  /** Records and sends the notices due today; mails any recorded but not yet mailed. */
  async check(): Promise<NoticeView[]> {
    const now = this.clock.now().toISOString();
    const made: NoticeView[] = [];
    const recorded = new Set((await this.notices()).map((n) => n.releaseKey));
    for (const release of await this.releases()) {
      const due = release.phase === 'notice-window' || release.phase === 'notice-late';
      const key = releaseKey(release);
      if (!due || release.blades.length === 0 || recorded.has(key)) continue;
      const recipients = this.recipients();
      const late = release.phase === 'notice-late';
      const alert = await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('release_notices')
          .values({
            release_key: key,
            product: release.product,
            version: release.version,
            end_of_support: release.endOfSupportOn,
            blades: JSON.stringify(release.blades),
            recipients: JSON.stringify(recipients),
            late: late ? 1 : 0,
            recorded_at: now,
            mailed_at: null,
            mail_key: null,
          })
          .onConflict((oc) => oc.column('release_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return null;
        const notice: SiteAlert = {
          kind: 'release.end-of-support',
          severity: late ? 'critical' : 'warning',
          siteId: null,
          at: now,
          message: `${release.name} reaches its end of support on ${release.endOfSupportOn}; ${release.blades.length} blade(s) still run it`,
          data: {
            release: key,
            endOfSupportOn: release.endOfSupportOn,
            blades: release.blades.map((b) => b.bladeId),
            late,
          },
        };
        await appendActivity(tx, [alertActivity(notice)]);
        return notice;
      });
      if (!alert) continue;
      this.logger.info(
        { release: key, blades: release.blades.length, late },
        'end-of-support notice recorded',
      );
      this.alerts.emit(alert);
    }
    await this.mailPending();
    for (const n of await this.notices()) if (!recorded.has(n.releaseKey)) made.push(n);
    return made;
  }

  /** Mails every recorded notice not yet mailed (the mail key makes a retry harmless). */
  private async mailPending(): Promise<void> {
    if (!this.mailer) return;
    const pending = await this.db
      .selectFrom('release_notices')
      .selectAll()
      .where('mailed_at', 'is', null)
      .execute();
    const releases = new Map((await this.releasesQuiet()).map((r) => [releaseKey(r), r]));
    for (const row of pending) {
      const recipients = JSON.parse(row.recipients) as string[];
      const release = releases.get(row.release_key);
      if (recipients.length === 0 || !release) {
        if (recipients.length === 0) {
          this.logger.warn(
            { release: row.release_key },
            'no notice recipient with an email address',
          );
        }
        continue;
      }
      const blades = JSON.parse(row.blades) as BladeOnRelease[];
      const mail = releaseNoticeMail(release, blades, this.contract, Number(row.late) === 1);
      const key = `release-notice:${row.release_key}`;
      await this.mailer.send({ ...mail, to: recipients, key });
      await this.db
        .updateTable('release_notices')
        .set({ mailed_at: this.clock.now().toISOString(), mail_key: key })
        .where('id', '=', row.id)
        .execute();
    }
  }

  private async releasesQuiet(): Promise<ReleaseSupport[]> {
    const today = dateOf(this.clock.now(), this.contract.businessHours.zone);
    return releaseSupport(this.contract, [], today);
  }
}
