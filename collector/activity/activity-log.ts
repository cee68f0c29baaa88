import type { Kysely } from 'kysely';
import type { BladeState } from '../fleet/tables.js';
import type { Database } from '../store/schema.js';

/** A blade's liveness state changed (net change within one transaction). */
export interface BladeStateData {
  bladeId: string;
  siteId: string;
  frameId: string;
  state: BladeState;
  /** null: the blade is new. */
  previous: BladeState | null;
  since: string;
}

export interface FrameStateData {
  siteId: string;
  frameId: string;
  state: 'ok' | 'silent';
  previous: 'ok' | 'silent';
  since: string;
}

/**
 * A site-wide condition worth a banner: spare parts below one set, a release nearing its end of
 * support, ... `kind` names it (dotted, like signals), `message` says it to a person.
 */
export interface AlertData {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  siteId?: string | null;
  [key: string]: unknown;
}

export interface ContractUpdatedData {
  by: string;
  sites: string[];
  program: string;
}

export interface ActivityData {
  'blade.state': BladeStateData;
  'frame.state': FrameStateData;
  alert: AlertData;
  'contract.updated': ContractUpdatedData;
}

export type ActivityType = keyof ActivityData;

export type ActivityInput = {
  [T in ActivityType]: {
    type: T;
    at: string;
    data: ActivityData[T];
    siteId?: string | null;
    frameId?: string | null;
    bladeId?: string | null;
  };
}[ActivityType];

/**
 * Appends to the activity log, in the caller's transaction when given one, so the change and
 * its announcement commit together. Anyone may append (fleet, reports, notifications); the
 * live stream serves the log in id order.
 */
export async function appendActivity(
  db: Kysely<Database>,
  items: readonly ActivityInput[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    await db
      .insertInto('activity')
      .values(
        items.slice(i, i + 200).map((item) => ({
          at: item.at,
          type: item.type,
          site_id: item.siteId ?? siteOf(item),
          frame_id: item.frameId ?? frameOf(item),
          blade_id: item.bladeId ?? (item.type === 'blade.state' ? item.data.bladeId : null),
          data: JSON.stringify(item.data),
        })),
      )
      .execute();
  }
}

/** A site-wide alert (reports and notifications raise these). */
export function alert(at: string, data: AlertData): ActivityInput {
  return { type: 'alert', at, data, siteId: data.siteId ?? null };
}

function siteOf(item: ActivityInput): string | null {
  if (item.type === 'blade.state' || item.type === 'frame.state') return item.data.siteId;
  if (item.type === 'alert') return item.data.siteId ?? null;
  return null;
}

function frameOf(item: ActivityInput): string | null {
  return item.type === 'blade.state' || item.type === 'frame.state' ? item.data.frameId : null;
}

/** Drops activity older than a time (housekeeping); returns how many rows went. */
export async function pruneActivity(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('activity')
    .where('at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
