import type { TimerHandle } from '../../shared/clock.js';
import { GatheredRun } from '../../shared/gathered-run.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { AnyTicketEvent, TicketEventType } from '../domain/ticket-events.js';
import type { BusinessCalendar } from '../sla/calendar.js';
import type { ClockContext } from '../sla/clocks.js';
import { whenDurable } from '../store/durability.js';
import { recordDueClocks } from './clock-group.js';
import type { TicketService } from './ticket-service.js';
import { inTransaction, type Db } from './ticket-store.js';

export interface ClockEngineDeps {
  /** The engine records through the service's store, clock and contract, and publishes its events. */
  tickets: TicketService;
  /** Default: the contract's business hours. */
  calendar?: BusinessCalendar;
  logger?: Logger;
  /**
   * How often to look for work other collectors scheduled (their new tickets, their actions),
   * in ms. Work of this collector is picked up at once.
   */
  pollIntervalMs?: number;
  /** Tickets looked at per query. */
  batchSize?: number;
  /** Due tickets handled per transaction (default 50). */
  groupSize?: number;
  /**
   * How long this collector's ticket changes gather before the engine looks at them, in ms
   * (default 0: the next turn of the event loop).
   */
  gatherMs?: number;
}

/** Events that change no clock: they need no recomputation. */
const NEUTRAL = new Set<TicketEventType>([
  'occurrence',
  'cleared',
  'note',
  'child-attached',
  'clock-warning',
  'clock-breached',
  'escalated',
]);

/** A storm's child opened under its parent: it has no clocks of its own (see `openTicket`). */
function openedUnderParent(event: AnyTicketEvent): boolean {
  return event.type === 'opened' && event.data.parentId !== null;
}

/**
 * Runs the contract's clocks: records each warning, breach and escalation when it falls due,
 * once. Every ticket row carries `clock_due_at`, the next moment it needs looking at (set to
 * "now" whenever its log changes); the engine sleeps until the earliest, handles the due
 * tickets in groups, one transaction each, under their row locks (SKIP LOCKED on PostgreSQL, so
 * several collectors share the work and never do a ticket twice), appends what
 * `pendingClockEvents` returns under unique keys, and stores each ticket's `nextClockDeadline`.
 * Nothing lives only in memory: a restart recomputes every open ticket from the store. Time
 * comes from the injected clock.
 */
export class ClockEngine {
  private readonly tickets: TicketService;
  private readonly db: Db;
  private readonly deps: ClockEngineDeps;
  private readonly logger: Logger;
  private timer: TimerHandle | null = null;
  /** A look asked for by `noticed`, gathering the changes that follow it. */
  private readonly gathering: GatheredRun;
  private unsubscribe: (() => void) | null = null;
  private running: Promise<number> | null = null;
  private cycle: Promise<void> | null = null;
  private rerun = false;
  private started = false;

  constructor(deps: ClockEngineDeps) {
    this.deps = deps;
    this.tickets = deps.tickets;
    this.db = deps.tickets.db;
    this.logger = (deps.logger ?? silentLogger).child({ module: 'clock-engine' });
    this.gathering = new GatheredRun(
      deps.tickets.clock,
      deps.gatherMs ?? 0,
      () => void this.kick(),
    );
  }

  /** Recomputes every open ticket from the store, then keeps the clocks running. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.tickets.onEvent((event) => this.noticed(event));
    const now = this.tickets.clock.now().toISOString();
    // A contract or calendar corrected while we were down applies to every open ticket.
    await this.db
      .updateTable('tickets')
      .set({ clock_due_at: now })
      .where('closed_at', 'is', null)
      .where((eb) => eb.or([eb('clock_due_at', 'is', null), eb('clock_due_at', '>', now)]))
      .execute();
    await this.kick();
    this.logger.info({ pollIntervalMs: this.pollInterval() }, 'clock engine started');
  }

  /** Stops the timers; waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = null;
    this.gathering.cancel();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.idle();
  }

  /** Resolves when no run is in progress and the next wake-up is set (tests await it). */
  async idle(): Promise<void> {
    while (this.running || this.cycle) {
      await Promise.all([this.running?.catch(() => undefined), this.cycle]);
    }
  }

  /**
   * Handles every ticket due now; returns the number of events appended. Runs one at a time:
   * a call during a run queues one more run after it.
   */
  runDue(): Promise<number> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    const run = (async () => {
      let total = 0;
      try {
        do {
          this.rerun = false;
          total += await this.sweep();
        } while (this.rerun);
      } finally {
        this.running = null;
      }
      return total;
    })();
    this.running = run;
    return run;
  }

  private async sweep(): Promise<number> {
    const ctx = this.context();
    const now = ctx.now.toISOString();
    const batch = this.deps.batchSize ?? 200;
    const group = Math.max(1, this.deps.groupSize ?? 50);
    const seen = new Set<string>();
    let appended = 0;
    for (;;) {
      const due = await this.db
        .selectFrom('tickets')
        .select('id')
        .where('clock_due_at', '<=', now)
        .orderBy('clock_due_at')
        .limit(batch)
        .execute();
      const fresh = due.map((r) => String(r.id)).filter((id) => !seen.has(id));
      if (fresh.length === 0) break;
      for (const id of fresh) seen.add(id);
      for (let i = 0; i < fresh.length; i += group) {
        appended += await this.handleGroup(fresh.slice(i, i + group), ctx);
      }
      if (due.length < batch) break;
    }
    return appended;
  }

  /**
   * A group of tickets in one transaction: a storm of new tickets costs one commit per group, not
   * one per ticket. Should the group fail, its tickets are redone one at a time, so one bad ticket
   * does not stop the clocks of the others.
   */
  private async handleGroup(ids: string[], ctx: ClockContext): Promise<number> {
    if (ids.length === 1) return this.handle(ids[0]!, ctx);
    let appended: AnyTicketEvent[];
    try {
      appended = await inTransaction(this.db, (tx) => recordDueClocks(tx, ids, ctx));
    } catch (error) {
      this.logger.warn(
        { err: error, tickets: ids.length },
        'clock group failed; handling its tickets one at a time',
      );
      let total = 0;
      for (const id of ids) total += await this.handle(id, ctx);
      return total;
    }
    return this.announce(appended);
  }

  /** One ticket alone; on failure it is retried after a pause. */
  private async handle(id: string, ctx: ClockContext): Promise<number> {
    let appended: AnyTicketEvent[];
    try {
      appended = await inTransaction(this.db, (tx) => recordDueClocks(tx, [id], ctx));
    } catch (error) {
      this.logger.error({ err: error, ticketId: id }, 'clock evaluation failed');
      const retry = new Date(ctx.now.getTime() + this.retryMs()).toISOString();
      await this.setDue(this.db, id, retry).catch(() => undefined);
      return 0;
    }
    return this.announce(appended);
  }

  /** Logs and publishes events once their transaction is committed and durable; returns how many. */
  private async announce(appended: AnyTicketEvent[]): Promise<number> {
    if (appended.length > 0) await whenDurable(this.db);
    for (const event of appended) {
      this.logger.info(
        { ticketId: event.ticketId, type: event.type, ...(event.data as object) },
        'clock event recorded',
      );
    }
    this.tickets.publish(appended);
    return appended.length;
  }

  private async setDue(tx: Db, id: string, at: string | null): Promise<void> {
    await tx
      .updateTable('tickets')
      .set({ clock_due_at: at })
      .where('id', '=', Number(id))
      .execute();
  }

  /** Runs what is due now, then sleeps until the next due time (or the poll interval). */
  private kick(): Promise<void> {
    if (!this.started) return Promise.resolve();
    const cycle = (async () => {
      // Read the time once the timer's turn is over, not inside it (a manual clock moving
      // across several due times fires them in one go: the run sees where it stopped).
      await Promise.resolve();
      try {
        await this.runDue();
      } catch (error) {
        this.logger.error({ err: error }, 'clock run failed');
      }
      if (this.started) await this.arm();
    })();
    this.cycle = cycle;
    void cycle.finally(() => {
      if (this.cycle === cycle) this.cycle = null;
    });
    return cycle;
  }

  private async arm(): Promise<void> {
    const clock = this.tickets.clock;
    let wait = this.pollInterval();
    try {
      const next = await this.db
        .selectFrom('tickets')
        .select((eb) => eb.fn.min('clock_due_at').as('at'))
        .where('clock_due_at', 'is not', null)
        .executeTakeFirst();
      if (next?.at) {
        // Still due right after a run: held by another collector or failing; look again shortly.
        const until = Date.parse(next.at) - clock.now().getTime();
        wait = Math.min(wait, until > 0 ? until : this.retryMs());
      }
    } catch (error) {
      this.logger.error({ err: error }, 'cannot read the next due time');
    }
    if (!this.started) return;
    this.timer?.cancel();
    this.timer = clock.setTimeout(() => void this.kick(), Math.max(0, wait));
  }

  /**
   * A change to a ticket's log of this collector: look at it soon rather than at the next poll.
   * The changes of the next `gatherMs` are looked at with it (a storm's ingest batches commit
   * every few ms, each with new tickets); a change never puts the look off.
   */
  private noticed(event: AnyTicketEvent): void {
    if (this.started && !NEUTRAL.has(event.type) && !openedUnderParent(event)) {
      this.gathering.ask();
    }
  }

  private context(): ClockContext {
    if (!this.deps.calendar) return this.tickets.clockContext();
    return {
      contract: this.tickets.contract,
      calendar: this.deps.calendar,
      now: this.tickets.clock.now(),
    };
  }

  private pollInterval(): number {
    return this.deps.pollIntervalMs ?? 30_000;
  }

  private retryMs(): number {
    return Math.min(1000, this.pollInterval());
  }
}
