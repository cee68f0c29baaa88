import type { Kysely } from 'kysely';
import type { ValidMessage } from '../ingest/decode.js';
import { bulkInsert } from '../store/bulk-insert.js';
import type { Database } from '../store/schema.js';
import { isoOf } from '../../shared/iso-time.js';

type HealthMessage = Extract<ValidMessage, { kind: 'health' }>;

/** Minutes since the epoch: the first key of the index PostgreSQL finds a blade's snapshots by. */
export const minuteOf = (at: Date): number => Math.floor(at.getTime() / 60_000);

const COLUMNS = [
  'blade_id',
  'boot_id',
  'seq',
  'observed_at',
  'received_at',
  'received_minute',
  'snapshot',
  'prev_id',
] as const;
const SUFFIX =
  'on conflict ("observed_at", "blade_id", "boot_id", "seq") do nothing returning "id", "blade_id"';

/**
 * Stores a batch's health snapshots, each under its message's identity; returns each message's
 * snapshot id, in the order of `messages`, undefined for those stored before. The snapshot is
 * the identity row of a health message: a redelivered or replayed one (the same payload, its
 * observation time included) conflicts on the unique key, which leads with that time so a
 * batch's rows land together.
 *
 * Each names the blade's snapshot before it (`prev_id`: the blade's latest as `latestOf` gives it,
 * then the batch's own). A blade with several messages in the batch has them stored in rounds,
 * the first of each blade, then the second, so each round knows the ids the one before it got.
 */
export async function storeHealthSnapshots(
  trx: Kysely<Database>,
  messages: readonly HealthMessage[],
  latestOf: (bladeId: string) => number | null,
): Promise<(number | undefined)[]> {
  const ids = new Array<number | undefined>(messages.length);
  /** Each blade's snapshot stored last by this batch (before it: `latestOf`). */
  const latest = new Map<string, number>();
  let [round, later] = firstOfEachBlade(messages.map((_, i) => i));
  while (round.length > 0) {
    const inserted = await bulkInsert<{ id: number | string; blade_id: string }>(trx, {
      table: 'health_snapshots',
      columns: COLUMNS,
      rows: round.map((i) => {
        const m = messages[i]!;
        const blade = m.message.bladeId;
        return [
          blade,
          m.message.bootId,
          m.message.seq,
          m.message.observedAt,
          isoOf(m.receivedAt),
          minuteOf(m.receivedAt),
          m.text ?? JSON.stringify(m.message),
          latest.get(blade) ?? latestOf(blade),
        ];
      }),
      suffix: SUFFIX,
    });
    // A round holds one message of each blade, so a returned row is its blade's message.
    const stored = new Map<string, number>();
    for (const r of inserted) stored.set(r.blade_id, Number(r.id));
    for (const i of round) {
      const id = stored.get(messages[i]!.message.bladeId);
      if (id === undefined) continue;
      ids[i] = id;
      latest.set(messages[i]!.message.bladeId, id);
    }
    [round, later] = firstOfEachBlade(later);
  }
  return ids;

  /** The first message of each blade, in arrival order, and the rest (their order kept). */
  function firstOfEachBlade(indexes: readonly number[]): [number[], number[]] {
    const first: number[] = [];
    const rest: number[] = [];
    const seen = new Set<string>();
    for (const i of indexes) {
      const blade = messages[i]!.message.bladeId;
      if (seen.has(blade)) rest.push(i);
      else {
        seen.add(blade);
        first.push(i);
      }
    }
    return [first, rest];
  }
}
