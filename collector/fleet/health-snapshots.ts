import type { Kysely } from 'kysely';
import type { ValidMessage } from '../ingest/decode.js';
import { bulkInsert } from '../store/bulk-insert.js';
import type { Database } from '../store/schema.js';

type HealthMessage = Extract<ValidMessage, { kind: 'health' }>;

/** Minutes since the epoch: the first key of the index a blade's snapshots are found by. */
export const minuteOf = (at: Date): number => Math.floor(at.getTime() / 60_000);

/**
 * Stores a batch's health snapshots, each under its message's identity; returns the ids of those
 * not stored before, by identity (`messageKey`). The snapshot is the identity row of a health
 * message: a redelivered or replayed one (the same payload, its observation time included)
 * conflicts on the unique key, which leads with that time so a batch's rows land together.
 */
export async function storeHealthSnapshots(
  trx: Kysely<Database>,
  messages: readonly HealthMessage[],
  key: (m: { bladeId: string; bootId: string; seq: number }) => string,
): Promise<Map<string, number>> {
  const inserted = await bulkInsert<{
    id: number | string;
    blade_id: string;
    boot_id: string;
    seq: number | string;
  }>(trx, {
    table: 'health_snapshots',
    columns: [
      'blade_id',
      'boot_id',
      'seq',
      'observed_at',
      'received_at',
      'received_minute',
      'snapshot',
    ],
    rows: messages.map((m) => [
      m.message.bladeId,
      m.message.bootId,
      m.message.seq,
      m.message.observedAt,
      m.receivedAt.toISOString(),
      minuteOf(m.receivedAt),
      m.text ?? JSON.stringify(m.message),
    ]),
    suffix:
      'on conflict ("observed_at", "blade_id", "boot_id", "seq") do nothing ' +
      'returning "id", "blade_id", "boot_id", "seq"',
  });
  return new Map(
    inserted.map((r) => [
      key({ bladeId: r.blade_id, bootId: r.boot_id, seq: Number(r.seq) }),
      Number(r.id),
    ]),
  );
}
