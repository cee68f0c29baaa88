import { formatDuration } from '../../shared/duration.js';
import type { Observation } from '../classify/observation.js';
import type {
  AnyTicketEvent,
  Classification,
  OpenedData,
  Severity,
} from '../domain/ticket-events.js';
import { stormFingerprint } from './fingerprint.js';
import type { TicketSettings } from './settings.js';
import { isPostgres } from '../store/dialect.js';
import { run, statement } from './ticket-sql.js';
import {
  appendChildAttached,
  appendEvents,
  findActiveTicket,
  getTicketRow,
  openTicket,
  SYSTEM_ACTOR,
  ticketIdOf,
  type Db,
  type TicketRow,
} from './ticket-store.js';

/**
 * Storms: many blades of one frame faulting within a window are one call for the frame (a power
 * dip, a switch, a firmware push), not a dozen. The first ticket past the threshold opens a
 * parent ticket for the frame; every ticket of the storm becomes its child; while the parent is
 * open, new faults in the frame join it. The parent carries the clocks and escalations.
 */

export interface StormContext {
  tx: Db;
  now: string;
  settings: TicketSettings['storm'];
  classify: (observation: Observation) => Classification;
}

/** Faults that count towards a storm: a blade's own fault, reported by its agent or the fleet. */
export function stormEligible(opened: OpenedData): boolean {
  return (
    (opened.source === 'call-home' || opened.source === 'fleet') &&
    !opened.test &&
    opened.frameId !== null &&
    opened.bladeId !== null &&
    !opened.signal.startsWith('frame.')
  );
}

/** What storm detection reads of a frame's tickets. */
const FRAME_FIELDS = [
  'id',
  'signal',
  'blade_id',
  'severity',
  'detected_at',
  'environment',
] as const satisfies readonly (keyof TicketRow)[];
export type FrameTicket = Pick<TicketRow, (typeof FRAME_FIELDS)[number]>;
const FRAME_COLUMNS = FRAME_FIELDS.map((c) => `"${c}"`).join(', ');

const LOCK_FRAME = statement('select pg_advisory_xact_lock(hashtext(?))');

/**
 * Two index seeks in one statement: the frame's storm parent by its fingerprint, and its recent
 * open faults without a parent (tickets_open_frame), never the frame's whole history.
 */
const FRAME_SITUATION = statement(
  `select ${FRAME_COLUMNS} from "tickets" where "active_fingerprint" = ? union all ` +
    `select ${FRAME_COLUMNS} from "tickets" where "site_id" = ? and "frame_id" = ? ` +
    'and "parent_id" is null ' +
    'and "active_fingerprint" is not null and "detected_at" >= ? and "blade_id" is not null ' +
    'and "test" = ? and "source" in (?, ?) and "signal" not like ? order by "detected_at"',
);

/**
 * Serializes storm decisions per frame across collectors (PostgreSQL), so two children opening at
 * once see each other. Released at the end of the transaction.
 */
export async function lockFrame(tx: Db, siteId: string, frameId: string): Promise<void> {
  if (!isPostgres(tx)) return;
  await run(tx, LOCK_FRAME, [stormFingerprint(siteId, frameId)]);
}

/**
 * Before a fault of the frame opens, in one query: the frame's open storm parent (if a storm is
 * under way) and the frame's other open faults within the window that could start one.
 */
export async function frameSituation(
  ctx: StormContext,
  opened: OpenedData,
): Promise<{ parent: FrameTicket | undefined; siblings: FrameTicket[] }> {
  const since = new Date(Date.parse(opened.detectedAt) - ctx.settings.window).toISOString();
  const rows = await run<FrameTicket>(ctx.tx, FRAME_SITUATION, [
    stormFingerprint(opened.siteId, opened.frameId!),
    opened.siteId,
    opened.frameId!,
    since,
    0,
    'call-home',
    'fleet',
    'frame.%',
  ]);
  return {
    parent: rows.find((r) => r.signal === 'frame.storm'),
    siblings: rows.filter((r) => r.signal !== 'frame.storm'),
  };
}

/**
 * Attaches an opened child to its parent: the parent records the child, and a child more severe
 * than the parent raises the parent's severity (the parent answers for the worst of them).
 */
export async function attachToParent(
  ctx: StormContext,
  parentId: string,
  child: { id: string; severity: Severity; alreadyInOpened: boolean },
): Promise<AnyTicketEvent[]> {
  const events: AnyTicketEvent[] = [];
  if (!child.alreadyInOpened) {
    const childRow = await getTicketRow(ctx.tx, child.id, { lock: 'wait' });
    if (childRow) {
      events.push(
        ...(await appendEvents(ctx.tx, childRow, [
          { type: 'parent-attached', data: { parentId }, actor: SYSTEM_ACTOR, at: ctx.now },
        ])),
      );
    }
  }
  const attached = {
    type: 'child-attached' as const,
    data: { childId: child.id },
    actor: SYSTEM_ACTOR,
    at: ctx.now,
  };
  // Most children are no more severe than their parent: the parent needs no read then.
  const quick = await appendChildAttached(ctx.tx, parentId, attached, child.severity);
  if (quick) {
    events.push(quick);
    return events;
  }
  const parent = await getTicketRow(ctx.tx, parentId, { lock: 'wait' });
  if (!parent) return events;
  const current = Number(parent.severity) as Severity;
  events.push(
    ...(await appendEvents(ctx.tx, parent, [
      attached,
      ...(child.severity < current
        ? [
            {
              type: 'severity-raised' as const,
              data: {
                from: current,
                to: child.severity,
                reason: `child ticket ${child.id} is at severity ${child.severity}`,
              },
              actor: SYSTEM_ACTOR,
              at: ctx.now,
            },
          ]
        : []),
    ])),
  );
  return events;
}

/**
 * After a child opened outside any storm: if enough distinct blades of its frame faulted within
 * the window (the siblings found before it opened, and itself), opens the frame's parent and
 * attaches them all. Returns the events appended.
 */
export async function detectStorm(
  ctx: StormContext,
  child: { row: TicketRow; opened: OpenedData },
  earlier: FrameTicket[],
): Promise<AnyTicketEvent[]> {
  const { opened } = child;
  const siblings = [...earlier, child.row];
  const blades = new Set(siblings.map((s) => s.blade_id));
  if (blades.size < ctx.settings.minBlades) return [];

  const { id: parentId, events } = await openParent(ctx, opened, siblings, blades.size);
  for (const sibling of siblings) {
    events.push(
      ...(await attachToParent(ctx, parentId, {
        id: ticketIdOf(sibling),
        severity: Number(sibling.severity) as Severity,
        alreadyInOpened: false,
      })),
    );
  }
  return events;
}

async function openParent(
  ctx: StormContext,
  trigger: OpenedData,
  siblings: FrameTicket[],
  bladeCount: number,
): Promise<{ id: string; events: AnyTicketEvent[] }> {
  const frameId = trigger.frameId!;
  const detectedAt = siblings.map((s) => s.detected_at).sort()[0] ?? trigger.detectedAt;
  const window = formatDuration(ctx.settings.window);
  const observation: Observation = {
    signal: 'frame.storm',
    component: { kind: 'frame', id: frameId, location: null },
    evidence: { blades: bladeCount, window, tickets: siblings.length },
    summary: `Fault storm: ${bladeCount} blades of frame ${frameId} within ${window}`,
    siteId: trigger.siteId,
    frameId,
    bladeId: null,
    environment: siblings.some((s) => s.environment === 'production') ? 'production' : 'qa',
  };
  const classification = ctx.classify(observation);
  // The parent starts at the most severe of its children; later children may raise it.
  const worst = Math.min(classification.severity, ...siblings.map((s) => Number(s.severity)));
  if (worst < classification.severity) {
    classification.because = [
      ...(classification.because ?? []),
      `most severe child is at severity ${worst}`,
    ];
    classification.severity = worst as Severity;
  }
  const opened: OpenedData = {
    ...observation,
    source: 'fleet',
    signal: 'frame.storm',
    detectedAt,
    observedAt: detectedAt,
    receivedAt: ctx.now,
    classification,
    test: false,
    parentId: null,
    contact: null,
  };
  const fingerprint = stormFingerprint(trigger.siteId, frameId);
  const created = await openTicket(ctx.tx, opened, {
    at: ctx.now,
    actor: SYSTEM_ACTOR,
    fingerprint,
    activeFingerprint: fingerprint,
  });
  if (!created) {
    // Another collector opened it between our check and now (only without the frame lock).
    const existing = await findActiveTicket(ctx.tx, fingerprint);
    return { id: ticketIdOf(existing!), events: [] };
  }
  return { id: ticketIdOf(created.row), events: [created.event] };
}
