import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../shared/clock.js';
import type { Contract } from '../../shared/config/contract.js';
import { BladeframeError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { AnyTicketEvent } from '../domain/ticket-events.js';
import { appendActivity } from '../activity/activity-log.js';
import {
  AlertEmitter,
  alertActivity,
  type AlertListener,
  type SiteAlert,
} from '../reports/alerts.js';
import type { Database } from '../store/schema.js';
import {
  computeStock,
  shortfallsOf,
  type Dispatch,
  type RestockRecord,
  type SiteStock,
  type SpareShortfall,
} from './spare-stock.js';

/** Where replacement dispatches are heard of as they happen (the ticket service). */
export interface DispatchSource {
  onEvent(listener: (event: AnyTicketEvent) => void): () => void;
}

export interface SparesServiceDeps {
  db: Kysely<Database>;
  contract: Contract;
  clock: Clock;
  tickets?: DispatchSource | undefined;
  logger?: Logger;
}

export interface RestockInput {
  spareSetId: string;
  /** One part; absent: every part of the set back to full. */
  part?: string | undefined;
  /** With `part`: how many were put back (default: what the set lacks of it). */
  quantity?: number | undefined;
  /** When the parts were put back; default now. */
  at?: string | undefined;
  note?: string | undefined;
}

export interface SpareAlertView {
  id: string;
  siteId: string;
  open: boolean;
  raisedAt: string;
  belowSince: string | null;
  missing: SpareShortfall['missing'];
  reason: string;
  clearedAt: string | null;
}

/**
 * Spare parts per site: the stock (derived from the contract's sets, the replacement blades
 * dispatched and the restocks recorded), restocking, and the alert raised once when a site falls
 * below one full set and cleared by the restock that ends it. A lifecycle module: started, it
 * re-checks every site and then each time a replacement is dispatched.
 */
export class SparesService {
  readonly name = 'spares';
  private readonly db: Kysely<Database>;
  private readonly contract: Contract;
  private readonly clock: Clock;
  private readonly tickets: DispatchSource | undefined;
  private readonly logger: Logger;
  private readonly alerts: AlertEmitter;
  private unsubscribe: (() => void) | undefined;
  private checking: Promise<unknown> = Promise.resolve();

  constructor(deps: SparesServiceDeps) {
    this.db = deps.db;
    this.contract = deps.contract;
    this.clock = deps.clock;
    this.tickets = deps.tickets;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'spares' });
    this.alerts = new AlertEmitter(this.logger);
  }

  /** Alerts as they are recorded (below one set, restocked). */
  onAlert(listener: AlertListener): () => void {
    return this.alerts.on(listener);
  }

  async start(): Promise<void> {
    this.unsubscribe = this.tickets?.onEvent((event) => {
      if (event.type === 'replacement-dispatched') void this.queueCheck();
    });
    await this.queueCheck();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.checking.catch(() => undefined);
  }

  /** Resolves once the checks queued so far are done (alerts recorded and heard). */
  async settled(): Promise<void> {
    await this.checking;
  }

  /** Every replacement blade dispatched up to `until`, oldest first. */
  async dispatches(until?: Date): Promise<Dispatch[]> {
    const rows = await this.db
      .selectFrom('ticket_events')
      .innerJoin('tickets', 'tickets.id', 'ticket_events.ticket_id')
      .select([
        'ticket_events.ticket_id',
        'ticket_events.at',
        'ticket_events.data',
        'tickets.site_id',
      ])
      // A literal, so the store can use the partial index of replacements (migration 0160).
      .where('ticket_events.type', '=', sql.lit('replacement-dispatched'))
      .$if(until !== undefined, (q) => q.where('ticket_events.at', '<=', until!.toISOString()))
      .orderBy('ticket_events.at')
      .orderBy('ticket_events.id')
      .execute();
    return rows.map((r) => {
      const data = JSON.parse(r.data) as { spareSetId: string | null; serial: string | null };
      return {
        ticketId: String(r.ticket_id),
        siteId: r.site_id,
        spareSetId: data.spareSetId ?? null,
        serial: data.serial ?? null,
        at: r.at,
      };
    });
  }

  async restocks(siteId?: string): Promise<RestockRecord[]> {
    const rows = await this.db
      .selectFrom('spare_restocks')
      .selectAll()
      .$if(siteId !== undefined, (q) => q.where('site_id', '=', siteId!))
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      siteId: r.site_id,
      spareSetId: r.spare_set_id,
      part: r.part,
      quantity: Number(r.quantity),
      at: r.at,
      by: r.by,
      note: r.note,
    }));
  }

  /** The stock of every site at `at` (default now). */
  async stock(at: Date = this.clock.now()): Promise<SiteStock[]> {
    return computeStock(this.contract, await this.dispatches(at), await this.restocks(), at);
  }

  async shortfallsAt(at: Date): Promise<SpareShortfall[]> {
    return shortfallsOf(await this.stock(at));
  }

  /** Records parts put back into a site's set; then re-checks the site's alert. */
  async restock(
    siteId: string,
    by: string,
    input: RestockInput,
  ): Promise<{ recorded: RestockRecord[]; site: SiteStock }> {
    const site = this.contract.sites.find((s) => s.id === siteId);
    if (!site) {
      throw new BladeframeError('BF_NOT_FOUND', `no site ${siteId} in the contract`, [
        `siteId: one of ${this.contract.sites.map((s) => s.id).join(', ')}`,
      ]);
    }
    const set = site.spareSets.find((s) => s.id === input.spareSetId);
    if (!set) {
      throw new BladeframeError('BF_BAD_REQUEST', `no spare set ${input.spareSetId} at ${siteId}`, [
        `spareSetId: one of ${site.spareSets.map((s) => s.id).join(', ') || '(none in the contract)'}`,
      ]);
    }
    if (input.part !== undefined && !set.parts.some((p) => p.part === input.part)) {
      throw new BladeframeError('BF_BAD_REQUEST', `set ${set.id} holds no part ${input.part}`, [
        `part: one of ${set.parts.map((p) => p.part).join(', ')}`,
      ]);
    }
    if (input.quantity !== undefined && input.part === undefined) {
      throw new BladeframeError('BF_BAD_REQUEST', 'a quantity needs its part', [
        'part: name the part the quantity is of',
      ]);
    }
    const now = this.clock.now();
    const at = input.at === undefined ? now : new Date(input.at);
    if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime()) {
      throw new BladeframeError('BF_BAD_REQUEST', 'at must be a time not in the future', [
        `at: ${input.at} is not an ISO time at or before now`,
      ]);
    }
    const current = (await this.stock(at)).find((s) => s.siteId === siteId)!;
    const parts = current.sets.find((s) => s.spareSetId === set.id)!.parts;
    const lines = parts
      .filter((p) => input.part === undefined || p.part === input.part)
      .map((p) => ({
        part: p.part,
        quantity:
          input.part !== undefined && input.quantity !== undefined ? input.quantity : p.missing,
      }))
      .filter((l) => l.quantity > 0);
    const note = (input.note ?? '').trim().slice(0, 1000);
    const recorded: RestockRecord[] = [];
    for (const line of lines) {
      const row = await this.db
        .insertInto('spare_restocks')
        .values({
          site_id: siteId,
          spare_set_id: set.id,
          part: line.part,
          quantity: line.quantity,
          at: at.toISOString(),
          by,
          note,
          recorded_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      recorded.push({
        id: String(row.id),
        siteId,
        spareSetId: set.id,
        part: line.part,
        quantity: line.quantity,
        at: at.toISOString(),
        by,
        note,
      });
    }
    this.logger.info({ siteId, set: set.id, lines, by }, 'spares restocked');
    await this.queueCheck();
    const siteNow = (await this.stock()).find((s) => s.siteId === siteId)!;
    return { recorded, site: siteNow };
  }

  /** Every alert, newest first. */
  async alertLog(siteId?: string): Promise<SpareAlertView[]> {
    const rows = await this.db
      .selectFrom('spare_alerts')
      .selectAll()
      .$if(siteId !== undefined, (q) => q.where('site_id', '=', siteId!))
      .orderBy('id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      siteId: r.site_id,
      open: r.open_site !== null,
      raisedAt: r.raised_at,
      belowSince: r.below_since,
      missing: JSON.parse(r.missing) as SpareShortfall['missing'],
      reason: r.reason,
      clearedAt: r.cleared_at,
    }));
  }

  /** Checks are serialized: each sees what the previous one recorded. */
  private queueCheck(): Promise<SiteAlert[]> {
    const run = this.checking.then(() => this.check());
    this.checking = run.catch((error) => {
      this.logger.error({ err: (error as Error).message }, 'spares check failed');
    });
    return run;
  }

  /**
   * Brings the alerts in line with the stock: raises one for each site below one full set that
   * has none open (once, even with several collectors: the open alert is unique per site), and
   * clears the open alert of each site back to a full set.
   */
  async check(): Promise<SiteAlert[]> {
    const now = this.clock.now().toISOString();
    const stock = await this.stock();
    const short = new Map(shortfallsOf(stock).map((s) => [s.siteId, s]));
    const open = await this.db
      .selectFrom('spare_alerts')
      .select(['id', 'site_id'])
      .where('open_site', 'is not', null)
      .execute();
    const openSites = new Set(open.map((o) => o.site_id));
    const raised: SiteAlert[] = [];
    for (const [siteId, s] of short) {
      if (openSites.has(siteId)) continue;
      const alert = await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('spare_alerts')
          .values({
            site_id: siteId,
            open_site: siteId,
            raised_at: now,
            below_since: s.belowSince,
            missing: JSON.stringify(s.missing),
            reason: s.reason,
            cleared_at: null,
          })
          .onConflict((oc) => oc.column('open_site').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return null;
        const raisedAlert: SiteAlert = {
          kind: 'spares.below-one-set',
          severity: 'warning',
          siteId,
          at: now,
          message: `${siteId} (${s.siteName}) is below one full set of replacement parts: ${s.reason}`,
          data: { alertId: String(inserted.id), belowSince: s.belowSince, missing: s.missing },
        };
        await appendActivity(tx, [alertActivity(raisedAlert)]);
        return raisedAlert;
      });
      if (!alert) continue;
      this.logger.warn({ siteId, reason: s.reason }, 'site below one full spare set');
      raised.push(alert);
    }
    for (const o of open) {
      if (short.has(o.site_id) || !this.contract.sites.some((s) => s.id === o.site_id)) continue;
      const alert = await this.db.transaction().execute(async (tx) => {
        const cleared = await tx
          .updateTable('spare_alerts')
          .set({ open_site: null, cleared_at: now })
          .where('id', '=', o.id)
          .where('open_site', 'is not', null)
          .executeTakeFirst();
        if (Number(cleared.numUpdatedRows) === 0) return null;
        const clearedAlert: SiteAlert = {
          kind: 'spares.restocked',
          severity: 'info',
          siteId: o.site_id,
          at: now,
          message: `${o.site_id} holds a full set of replacement parts again`,
          data: { alertId: String(o.id) },
        };
        await appendActivity(tx, [alertActivity(clearedAlert)]);
        return clearedAlert;
      });
      if (!alert) continue;
      this.logger.info({ siteId: o.site_id }, 'site restocked to a full spare set');
      raised.push(alert);
    }
    for (const alert of raised) this.alerts.emit(alert);
    return raised;
  }
}
