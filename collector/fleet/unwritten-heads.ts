import type { Kysely } from 'kysely';
import { isPostgres } from '../store/dialect.js';
import type { Database } from '../store/schema.js';

/** The fleet mark naming the lowest snapshot id a blade's row may not name yet. */
const MARK = 'blade_heads_unwritten_from';

/** Sets the mark in the caller's transaction (null: every row names its blade's latest). */
export async function writeUnwrittenFrom(
  trx: Kysely<Database>,
  from: number | null,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('fleet_marks')
    .values({ name: MARK, value: from, updated_at: at.toISOString() })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ value: from, updated_at: at.toISOString() }),
    )
    .execute();
}

/**
 * After a collector stopped without writing what it had heard (a crash, a power loss), names on
 * each blade's row its latest stored snapshot again: snapshots chain to the one before them, and
 * a row naming an older one would hide the newer from the blade's history. Only the snapshots
 * from the mark on are read (a second or so of them). Returns the rows repaired.
 */
export async function repairUnwrittenHeads(db: Kysely<Database>, now: Date): Promise<number> {
  const mark = await db
    .selectFrom('fleet_marks')
    .select('value')
    .where('name', '=', MARK)
    .executeTakeFirst();
  if (mark?.value === null || mark?.value === undefined) return 0;
  return db.transaction().execute(async (trx) => {
    const snapshots = await trx
      .selectFrom('health_snapshots')
      .select(['id', 'blade_id', 'received_at'])
      .where('id', '>=', Number(mark.value))
      .orderBy('id')
      .execute();
    const latest = new Map<string, { id: number; at: string }>();
    for (const s of snapshots) latest.set(s.blade_id, { id: Number(s.id), at: s.received_at });
    const later = isPostgres(trx) ? 'greatest' : 'max';
    let repaired = 0;
    for (const [bladeId, { id, at }] of latest) {
      const result = await trx
        .updateTable('blades')
        .set((eb) => ({
          last_health_id: id,
          last_health_at: at,
          last_seen_at: eb.fn<string>(later, ['last_seen_at', eb.val(at)]),
        }))
        .where('blade_id', '=', bladeId)
        .where((eb) => eb.or([eb('last_health_id', 'is', null), eb('last_health_id', '<', id)]))
        .executeTakeFirst();
      repaired += Number(result.numUpdatedRows);
    }
    await writeUnwrittenFrom(trx, null, now);
    return repaired;
  });
}
