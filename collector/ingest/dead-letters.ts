import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { DeadLetterInput } from './decode.js';

/** Payloads are kept up to this size; the original size is recorded beside them. */
export const DEAD_LETTER_MAX_BYTES = 64 * 1024;

export interface DeadLetter {
  id: number;
  topic: string;
  payload: string;
  payloadEncoding: 'utf8' | 'base64';
  payloadBytes: number;
  code: string;
  reason: string;
  receivedAt: string;
}

function encodePayload(payload: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  const kept = payload.subarray(0, DEAD_LETTER_MAX_BYTES);
  const text = kept.toString('utf8');
  // Binary (or cut mid-character) payloads are kept exactly, as base64; NUL never goes to text.
  if (Buffer.from(text, 'utf8').equals(kept) && !text.includes('\u0000')) {
    return { text, encoding: 'utf8' };
  }
  return { text: kept.toString('base64'), encoding: 'base64' };
}

/** PostgreSQL text cannot hold NUL; reasons may quote the payload that had one. */
const printable = (text: string) => text.replaceAll('\u0000', '\uFFFD');

export async function insertDeadLetters(
  db: Kysely<Database>,
  letters: readonly DeadLetterInput[],
): Promise<void> {
  if (letters.length === 0) return;
  const rows = letters.map((l) => {
    const { text, encoding } = encodePayload(l.payload);
    return {
      topic: printable(l.topic).slice(0, 1024),
      payload: text,
      payload_encoding: encoding,
      payload_bytes: l.payload.length,
      code: l.code,
      reason: printable(l.reason).slice(0, 4000),
      received_at: l.receivedAt.toISOString(),
    };
  });
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('dead_letters')
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export interface DeadLetterQuery {
  limit: number;
  /** Only letters with a smaller id (paging backwards from the newest). */
  before?: number | undefined;
  code?: string | undefined;
}

/** Newest first. */
export async function listDeadLetters(
  db: Kysely<Database>,
  query: DeadLetterQuery,
): Promise<DeadLetter[]> {
  let q = db.selectFrom('dead_letters').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.before !== undefined) q = q.where('id', '<', query.before);
  if (query.code) q = q.where('code', '=', query.code);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    topic: r.topic,
    payload: r.payload,
    payloadEncoding: r.payload_encoding,
    payloadBytes: Number(r.payload_bytes),
    code: r.code,
    reason: r.reason,
    receivedAt: r.received_at,
  }));
}

export async function countDeadLetters(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
