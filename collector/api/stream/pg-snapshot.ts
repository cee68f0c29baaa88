import { sql, type Kysely } from 'kysely';

/** A PostgreSQL snapshot: transactions below `xmin` are done, `xip` were running. */
export interface PgSnapshot {
  xmin: bigint;
  xmax: bigint;
  xip: Set<bigint>;
}

/** `xmin:xmax:xip,...` as `pg_current_snapshot()::text` gives it. */
export function parseSnapshot(text: string): PgSnapshot {
  const [xmin, xmax, xip] = text.split(':');
  return {
    xmin: BigInt(xmin!),
    xmax: BigInt(xmax!),
    xip: new Set((xip ?? '').split(',').filter(Boolean).map(BigInt)),
  };
}

export async function currentSnapshot<DB>(db: Kysely<DB>): Promise<PgSnapshot> {
  const { rows } = await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(db);
  return parseSnapshot(rows[0]!.s);
}

/** Whether every one of `xids` had finished (committed or aborted) when `later` was taken. */
export function allFinished(xids: Iterable<bigint>, later: PgSnapshot): boolean {
  for (const xid of xids) {
    if (xid >= later.xmin && (xid >= later.xmax || later.xip.has(xid))) return false;
  }
  return true;
}
