import type { Kysely } from 'kysely';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { DialectName } from '../../store/dialect.js';
import type { Database } from '../../store/schema.js';
import { allFinished, currentSnapshot, type PgSnapshot } from './pg-snapshot.js';

export interface TailReaderOptions<R extends { id: number }> {
  name: string;
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  logger: Logger;
  /** Rows with an id above `afterId`, in id order, at most `limit`. */
  fetch(afterId: number, limit: number): Promise<R[]>;
  /** As `fetch`, the ids alone (for moving on when no one reads the rows). */
  fetchIds(afterId: number, limit: number): Promise<{ id: number }[]>;
  /** Longest wait for a hole to fill before it is taken as final (a safety net). */
  maxGapWaitMs: number;
}

/**
 * Follows an append-only table in id order, never skipping a row that is still to commit.
 *
 * Serial ids are handed out at insert time but become visible at commit, so on PostgreSQL a
 * reader can see id 102 while 101 is still in flight (or will never exist: a rolled-back insert,
 * an `ON CONFLICT DO NOTHING`). A hole is therefore passed only once every transaction that was
 * running when it was first seen has finished (their ids come from `pg_current_snapshot()`);
 * until then reading stops before it. SQLite has one writer at a time, so a hole there is final.
 */
export class TailReader<R extends { id: number }> {
  /** The id of the last row handed out. */
  position = 0;
  private hole: { upTo: number; xids: Set<bigint>; since: number } | null = null;

  constructor(private readonly options: TailReaderOptions<R>) {}

  /** The next rows past `position` that are safe to hand out; advances `position`. */
  next(limit: number): Promise<R[]> {
    return this.advance(limit, this.options.fetch);
  }

  /** As `next`, reading only the rows' ids: the position moves on just as far. */
  skip(limit: number): Promise<{ id: number }[]> {
    return this.advance(limit, this.options.fetchIds);
  }

  private async advance<T extends { id: number }>(
    limit: number,
    fetch: (afterId: number, limit: number) => Promise<T[]>,
  ): Promise<T[]> {
    const postgres = this.options.dialect === 'postgres';
    // Taken before the read, so whatever those transactions wrote is visible to it.
    const before = postgres && this.hole ? await currentSnapshot(this.options.db) : undefined;
    const rows = await fetch(this.position, limit);
    const out: T[] = [];
    for (const row of rows) {
      if (row.id !== this.position + 1 && postgres && !this.holeIsFinal(row.id, before)) {
        if (!this.hole || this.hole.upTo < row.id - 1) {
          // Whoever holds the missing ids is among the transactions running now.
          const after = await currentSnapshot(this.options.db);
          this.hole = {
            upTo: rows[rows.length - 1]!.id,
            xids: after.xip,
            since: this.hole?.since ?? this.options.clock.now().getTime(),
          };
        }
        break;
      }
      out.push(row);
      this.position = row.id;
    }
    if (this.hole && this.position >= this.hole.upTo) this.hole = null;
    return out;
  }

  private holeIsFinal(nextId: number, snapshot: PgSnapshot | undefined): boolean {
    const hole = this.hole;
    if (!hole || !snapshot || nextId - 1 > hole.upTo) return false;
    if (allFinished(hole.xids, snapshot)) return true;
    const waited = this.options.clock.now().getTime() - hole.since;
    if (waited < this.options.maxGapWaitMs) return false;
    this.options.logger.warn(
      { source: this.options.name, after: this.position, next: nextId, waitedMs: waited },
      'stream: a hole in the ids did not fill; passing it',
    );
    return true;
  }
}
