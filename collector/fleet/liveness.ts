import type { Kysely } from 'kysely';
import { appendActivity, type ActivityInput } from '../activity/activity-log.js';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { formatDuration } from '../../shared/duration.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Environment } from '../../shared/messages/birth.js';
import type { ObservationInput, ObservationRecorder } from '../ingest/observation-recorder.js';
import type { Database } from '../store/schema.js';
import { transactionWithHooks } from '../store/after-commit.js';
import type { BladeCache } from './blade-cache.js';
import type { BladeFault, BladeTable } from './tables.js';

export interface LivenessSettings {
  silentAfterIntervals: number;
  /** A frame with fewer monitored blades is never reported silent as a whole. */
  frameMinBlades: number;
  /** How long to gather a frame's failures before deciding; absent: its longest heartbeat. */
  frameWindowMs?: number | undefined;
  /** Look at the store at least this often (other collectors share it). */
  scanIntervalMs: number;
}

export interface LivenessOptions {
  db: Kysely<Database>;
  clock: Clock;
  tickets: ObservationRecorder;
  settings: LivenessSettings;
  logger?: Logger;
  /** Ingest's copy of the blades, forgotten whenever liveness writes them (see blade-cache.ts). */
  bladeCache?: BladeCache | undefined;
}

type Trx = Kysely<Database>;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Fleet liveness. A will makes a blade `offline`; no health for N heartbeat intervals makes it
 * `silent`. Either is held for a short window so that a whole frame going down is reported once,
 * as `frame.silent`, instead of once per blade; otherwise each blade gets its own
 * `blade.offline` / `blade.silent`. A blade heard from again clears what was raised for it.
 *
 * Everything is decided from the store (the blades' state, deadline and raised fault), with
 * conditional updates, so the monitor is restart-safe and several collectors sharing one
 * PostgreSQL raise each fault once. Timers only say when to look again.
 */
export class LivenessMonitor {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private startedAt = 0;
  private readonly logger: Logger;

  constructor(private readonly options: LivenessOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.startedAt = this.options.clock.now().getTime();
    await this.reconcile();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  /** Something changed (a batch with state changes committed): look again soon. */
  poke(): void {
    if (this.stopped) return;
    void this.reconcile();
  }

  /** Runs one pass (queued behind a running one); resolves when the store reflects it. */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped);
      } catch (error) {
        // A store outage: the next timer tries again.
        this.logger.warn({ err: (error as Error).message }, 'liveness pass failed');
        this.arm(
          this.options.clock.now().getTime() + Math.min(this.options.settings.scanIntervalMs, 5000),
        );
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.options.clock.now().getTime();
    const grace = await this.startupGraceEnds();
    if (now >= grace) await this.markSilent(now);
    await this.recover(now);
    const nextPending = await this.evaluatePending(now);
    const nextDeadline = await this.nextDeadline();
    if (this.stopped) return;
    let next = now + this.options.settings.scanIntervalMs;
    if (nextPending !== undefined) next = Math.min(next, nextPending);
    if (nextDeadline !== undefined) next = Math.min(next, Math.max(nextDeadline, grace));
    this.arm(next);
  }

  /** Every write of blades: ingest's cached copies are forgotten before it and after it. */
  private async writeBlades<T>(write: () => Promise<T>): Promise<T> {
    const cache = this.options.bladeCache;
    cache?.invalidate();
    try {
      return await write();
    } finally {
      cache?.invalidate();
    }
  }

  private arm(at: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    const delay = Math.max(0, at - this.options.clock.now().getTime());
    this.timer = this.options.clock.setTimeout(() => void this.reconcile(), delay);
  }

  /**
   * After a restart, messages queued by the broker while we were away arrive first: wait one
   * heartbeat interval (the longest in the fleet) before calling anyone silent.
   */
  private async startupGraceEnds(): Promise<number> {
    const row = await this.options.db
      .selectFrom('blades')
      .select((eb) => eb.fn.max('heartbeat_s').as('hb'))
      .where('state', '=', 'online')
      .executeTakeFirst();
    return this.startedAt + Number(row?.hb ?? 0) * 1000;
  }

  private async nextDeadline(): Promise<number | undefined> {
    const row = await this.options.db
      .selectFrom('blades')
      .select((eb) => eb.fn.min('silent_deadline').as('at'))
      .where('state', '=', 'online')
      .executeTakeFirst();
    return row?.at ? Date.parse(row.at) : undefined;
  }

  /** Online blades past their deadline become silent (pending a decision). */
  private async markSilent(now: number): Promise<void> {
    const { db } = this.options;
    const due = await db
      .selectFrom('blades')
      .select(['blade_id', 'site_id', 'frame_id', 'silent_deadline'])
      .where('state', '=', 'online')
      .where('silent_deadline', '<=', iso(now))
      .execute();
    for (const blade of due) {
      const at = blade.silent_deadline!;
      const changed = await transactionWithHooks(db, async (trx) => {
        const result = await this.writeBlades(() =>
          trx
            .updateTable('blades')
            .set((eb) => ({
              state: 'silent',
              state_since: at,
              silent_deadline: null,
              pending_since: eb.case().when('fault', 'is', null).then(at).else(null).end(),
            }))
            .where('blade_id', '=', blade.blade_id)
            .where('state', '=', 'online')
            .where('silent_deadline', '=', at)
            .executeTakeFirst(),
        );
        if (Number(result.numUpdatedRows) === 0) return false;
        await appendActivity(trx, [
          {
            type: 'blade.state',
            at,
            data: {
              bladeId: blade.blade_id,
              siteId: blade.site_id,
              frameId: blade.frame_id,
              state: 'silent',
              previous: 'online',
              since: at,
            },
          },
        ]);
        return true;
      });
      if (changed) this.logger.info({ blade: blade.blade_id, since: at }, 'blade silent');
    }
  }

  /** Blades heard from again: clear what was raised for them (or for their frame). */
  private async recover(now: number): Promise<void> {
    const { db } = this.options;
    const back = await db
      .selectFrom('blades')
      .selectAll()
      .where('state', 'in', ['online', 'stopped'])
      .where('fault', 'is not', null)
      .execute();
    for (const blade of back) {
      await transactionWithHooks(db, async (trx) => {
        const fault = blade.fault!;
        const cleared = await this.writeBlades(() =>
          trx
            .updateTable('blades')
            .set({ fault: null, pending_since: null })
            .where('blade_id', '=', blade.blade_id)
            .where('fault', '=', fault)
            .where('state', 'in', ['online', 'stopped'])
            .executeTakeFirst(),
        );
        if (Number(cleared.numUpdatedRows) === 0) return;
        if (fault === 'frame.silent') {
          await this.frameBack(trx, blade, now);
        } else {
          await this.record(
            trx,
            bladeObservation(
              blade,
              fault,
              'cleared',
              iso(now),
              iso(now),
              this.settingsEvidence(blade),
            ),
          );
          this.logger.info({ blade: blade.blade_id, signal: fault }, 'blade back; fault cleared');
        }
      });
    }
    // Blades left holding a frame fault whose frame is no longer silent are decided on their own.
    const orphans = await db
      .selectFrom('blades')
      .innerJoin('frames', (j) =>
        j
          .onRef('frames.site_id', '=', 'blades.site_id')
          .onRef('frames.frame_id', '=', 'blades.frame_id'),
      )
      .select(['blades.blade_id'])
      .where('blades.fault', '=', 'frame.silent')
      .where('frames.state', '=', 'ok')
      .execute();
    for (const { blade_id } of orphans) {
      await this.writeBlades(() =>
        db
          .updateTable('blades')
          .set({ fault: null, pending_since: iso(now) })
          .where('blade_id', '=', blade_id)
          .where('fault', '=', 'frame.silent')
          .execute(),
      );
    }
  }

  /** The first blade of a silent frame is back: the frame is no longer silent as a whole. */
  private async frameBack(trx: Trx, blade: BladeTable, now: number): Promise<void> {
    const frame = await trx
      .updateTable('frames')
      .set({ state: 'ok', state_since: iso(now) })
      .where('site_id', '=', blade.site_id)
      .where('frame_id', '=', blade.frame_id)
      .where('state', '=', 'silent')
      .executeTakeFirst();
    if (Number(frame.numUpdatedRows) > 0) {
      await appendActivity(trx, [
        frameState(blade.site_id, blade.frame_id, 'ok', 'silent', iso(now)),
      ]);
      const members = await this.members(trx, blade.site_id, blade.frame_id);
      await this.record(
        trx,
        frameObservation(blade.site_id, blade.frame_id, members, 'cleared', iso(now), iso(now), {
          backFirst: blade.blade_id,
        }),
      );
      this.logger.info(
        { site: blade.site_id, frame: blade.frame_id },
        'frame back; frame.silent cleared',
      );
    }
    // Blades still down now stand on their own, after a fresh window.
    await this.writeBlades(() =>
      trx
        .updateTable('blades')
        .set({ fault: null, pending_since: iso(now) })
        .where('site_id', '=', blade.site_id)
        .where('frame_id', '=', blade.frame_id)
        .where('fault', '=', 'frame.silent')
        .where('state', 'in', ['offline', 'silent'])
        .execute(),
    );
  }

  /** Decides pending blades frame by frame; returns when the next undecided frame is due. */
  private async evaluatePending(now: number): Promise<number | undefined> {
    const { db, settings } = this.options;
    const pending = await db
      .selectFrom('blades')
      .select(['site_id', 'frame_id', 'pending_since'])
      .where('state', 'in', ['offline', 'silent'])
      .where('fault', 'is', null)
      .execute();
    const frames = new Map<string, { site: string; frame: string; first: number }>();
    for (const p of pending) {
      const key = `${p.site_id}/${p.frame_id}`;
      const since = p.pending_since ? Date.parse(p.pending_since) : now;
      const f = frames.get(key);
      if (!f || since < f.first)
        frames.set(key, { site: p.site_id, frame: p.frame_id, first: since });
    }
    let nextDue: number | undefined;
    for (const { site, frame, first } of frames.values()) {
      const members = await this.members(db, site, frame);
      const window =
        settings.frameWindowMs ?? Math.max(...members.map((m) => Number(m.heartbeat_s) * 1000), 0);
      const due = members.length >= settings.frameMinBlades ? first + window : first;
      if (now < due) {
        nextDue = nextDue === undefined ? due : Math.min(nextDue, due);
        continue;
      }
      await transactionWithHooks(db, (trx) => this.decideFrame(trx, site, frame, now));
    }
    return nextDue;
  }

  private async decideFrame(trx: Trx, site: string, frame: string, now: number): Promise<void> {
    const members = await this.members(trx, site, frame);
    const down = members.filter((m) => m.state === 'offline' || m.state === 'silent');
    const undecided = down.filter((m) => m.fault === null);
    if (undecided.length === 0) return;
    const { frameMinBlades } = this.options.settings;
    const wholeFrame = members.length >= frameMinBlades && down.length === members.length;
    if (wholeFrame) {
      const since = down
        .map((m) => m.state_since)
        .sort()
        .at(-1)!;
      const raised = await trx
        .updateTable('frames')
        .set({ state: 'silent', state_since: since })
        .where('site_id', '=', site)
        .where('frame_id', '=', frame)
        .where('state', '=', 'ok')
        .executeTakeFirst();
      if (Number(raised.numUpdatedRows) > 0) {
        await appendActivity(trx, [frameState(site, frame, 'silent', 'ok', since)]);
        await this.record(
          trx,
          frameObservation(site, frame, members, 'active', since, iso(now), {}),
        );
        this.logger.warn({ site, frame, blades: members.length }, 'frame silent');
      }
      await this.writeBlades(() =>
        trx
          .updateTable('blades')
          .set({ fault: 'frame.silent', pending_since: null })
          .where(
            'blade_id',
            'in',
            undecided.map((m) => m.blade_id),
          )
          .where('fault', 'is', null)
          .execute(),
      );
      return;
    }
    for (const blade of undecided) {
      const fault: BladeFault = blade.state === 'offline' ? 'blade.offline' : 'blade.silent';
      const claimed = await this.writeBlades(() =>
        trx
          .updateTable('blades')
          .set({ fault, pending_since: null })
          .where('blade_id', '=', blade.blade_id)
          .where('fault', 'is', null)
          .where('state', '=', blade.state)
          .executeTakeFirst(),
      );
      if (Number(claimed.numUpdatedRows) === 0) continue;
      await this.record(
        trx,
        bladeObservation(
          blade,
          fault,
          'active',
          blade.state_since,
          iso(now),
          this.settingsEvidence(blade),
        ),
      );
      this.logger.warn({ blade: blade.blade_id, signal: fault }, 'blade fault raised');
    }
  }

  /** The blades a frame is judged by: every one known there, except those stopped cleanly. */
  private members(db: Trx, site: string, frame: string): Promise<BladeTable[]> {
    return db
      .selectFrom('blades')
      .selectAll()
      .where('site_id', '=', site)
      .where('frame_id', '=', frame)
      .where('state', '!=', 'stopped')
      .execute();
  }

  private settingsEvidence(blade: BladeTable): ObservationInput['evidence'] {
    return {
      heartbeatS: Number(blade.heartbeat_s),
      silentAfterIntervals: this.options.settings.silentAfterIntervals,
      lastHealthAt: blade.last_health_at,
      lastSeenAt: blade.last_seen_at,
    };
  }

  private async record(trx: Trx, input: ObservationInput): Promise<void> {
    await this.options.tickets.recordObservation(input, trx);
  }
}

function frameState(
  siteId: string,
  frameId: string,
  state: 'ok' | 'silent',
  previous: 'ok' | 'silent',
  since: string,
): ActivityInput {
  return {
    type: 'frame.state',
    at: since,
    data: { siteId, frameId, state, previous, since },
  };
}

function bladeObservation(
  blade: BladeTable,
  signal: BladeFault,
  status: 'active' | 'cleared',
  observedAt: string,
  receivedAt: string,
  evidence: ObservationInput['evidence'],
): ObservationInput {
  const what =
    signal === 'blade.offline'
      ? 'lost its connection (last will)'
      : `sent no health for ${formatDuration(Number(blade.heartbeat_s) * 1000 * Number(evidence.silentAfterIntervals ?? 1))}`;
  return {
    source: 'fleet',
    signal,
    status,
    component: {
      kind: 'blade',
      id: blade.blade_id,
      location: `${blade.site_id}/${blade.frame_id}/${blade.blade_id}`,
    },
    evidence: { ...evidence, state: blade.state, since: blade.state_since },
    summary:
      status === 'active'
        ? `Blade ${blade.blade_id} (${blade.site_id}/${blade.frame_id}) ${what}`
        : `Blade ${blade.blade_id} (${blade.site_id}/${blade.frame_id}) reporting again`,
    siteId: blade.site_id,
    frameId: blade.frame_id,
    bladeId: blade.blade_id,
    environment: blade.environment,
    observedAt,
    receivedAt,
  };
}

function frameObservation(
  site: string,
  frame: string,
  members: readonly BladeTable[],
  status: 'active' | 'cleared',
  observedAt: string,
  receivedAt: string,
  extra: Record<string, string>,
): ObservationInput {
  const environment: Environment = members.some((m) => m.environment === 'production')
    ? 'production'
    : 'qa';
  return {
    source: 'fleet',
    signal: 'frame.silent',
    status,
    component: { kind: 'frame', id: frame, location: `${site}/${frame}` },
    evidence: {
      blades: members.length,
      offline: members.filter((m) => m.state === 'offline').length,
      silent: members.filter((m) => m.state === 'silent').length,
      bladeIds: members.map((m) => m.blade_id).join(','),
      ...extra,
    },
    summary:
      status === 'active'
        ? `Frame ${site}/${frame}: all ${members.length} blades silent or offline`
        : `Frame ${site}/${frame} reporting again`,
    siteId: site,
    frameId: frame,
    bladeId: null,
    environment,
    observedAt,
    receivedAt,
  };
}
