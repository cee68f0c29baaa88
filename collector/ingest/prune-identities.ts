import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Forgets message identities received before a time. Replays older than the retention would be
 * taken as new: an event then adds an occurrence to its open ticket, a health message a snapshot.
 */
export async function pruneIdentities(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('ingest_messages')
    .where('received_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
