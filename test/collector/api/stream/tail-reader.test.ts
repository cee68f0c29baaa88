import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alert, appendActivity } from '../../../../collector/activity/activity-log.js';
import { allFinished, parseSnapshot } from '../../../../collector/api/stream/pg-snapshot.js';
import { fetchActivity, fetchIds } from '../../../../collector/api/stream/stream-messages.js';
import { TailReader } from '../../../../collector/api/stream/tail-reader.js';
import type { Store } from '../../../../collector/store/open-store.js';
import { ManualClock } from '../../../../shared/clock.js';
import { silentLogger } from '../../../../shared/logger.js';
import { storeTargets } from '../../../support/stores.js';
import { until } from '../../../support/wait.js';

const note = (message: string) =>
  alert('2026-01-05T14:00:00.000Z', { kind: 'test', severity: 'info', message });

describe('PostgreSQL snapshots', () => {
  it('parses pg_current_snapshot() and tells finished transactions', () => {
    const earlier = parseSnapshot('100:105:100,103');
    expect(earlier).toEqual({ xmin: 100n, xmax: 105n, xip: new Set([100n, 103n]) });
    expect(allFinished(earlier.xip, parseSnapshot('103:110:103'))).toBe(false);
    expect(allFinished(earlier.xip, parseSnapshot('104:110:'))).toBe(true);
    expect(allFinished(earlier.xip, parseSnapshot('101:110:101,103'))).toBe(false);
    expect(allFinished(earlier.xip, parseSnapshot('101:110:101,102'))).toBe(true);
    expect(allFinished([100n], parseSnapshot('101:110:101,102'))).toBe(true);
  });
});

describe.each(storeTargets)('following the activity log on $name', (target) => {
  let store: Store;
  let clock: ManualClock;
  let reader: TailReader<{ id: number; data: string }>;

  beforeEach(async () => {
    store = await target.open();
    clock = new ManualClock();
    reader = new TailReader({
      name: 'activity',
      db: store.db,
      dialect: store.dialect,
      clock,
      logger: silentLogger,
      maxGapWaitMs: 10_000,
      fetch: (after, limit) => fetchActivity(store.db, after, limit),
      fetchIds: (after, limit) => fetchIds(store.db, 'activity', after, limit),
    });
  });
  afterEach(() => store.close());

  const messages = (rows: { data: string }[]) =>
    rows.map((r) => (JSON.parse(r.data) as { message: string }).message);

  it('reads in id order, page by page', async () => {
    await appendActivity(store.db, ['a', 'b', 'c'].map(note));
    expect(messages(await reader.next(2))).toEqual(['a', 'b']);
    expect(messages(await reader.next(2))).toEqual(['c']);
    expect(await reader.next(2)).toEqual([]);
  });

  it('skips by ids alone as far as it would have read', async () => {
    await appendActivity(store.db, ['a', 'b', 'c'].map(note));
    const skipped = await reader.skip(2);
    expect(skipped).toEqual([{ id: reader.position - 1 }, { id: reader.position }]);
    expect(messages(await reader.next(5))).toEqual(['c']);
    expect(await reader.skip(5)).toEqual([]);
  });

  it.runIf(target.name === 'postgres')(
    'never passes a row still to commit, and passes a hole left by a rollback',
    async () => {
      await appendActivity(store.db, [note('before')]);
      expect(messages(await reader.next(10))).toEqual(['before']);

      // A transaction takes the next id and holds it; a later one commits first.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedFirst = new Promise<void>((resolve) => (inserted = resolve));
      const slow = store.db.transaction().execute(async (trx) => {
        await appendActivity(trx, [note('slow')]);
        inserted();
        await held;
      });
      await insertedFirst;
      await appendActivity(store.db, [note('fast')]);
      expect(await reader.next(10)).toEqual([]);
      // Skipping by ids stops before the hole as reading does.
      expect(await reader.skip(10)).toEqual([]);
      release();
      await slow;
      expect(messages(await reader.next(10))).toEqual(['slow', 'fast']);

      // A rolled-back insert leaves a hole for good: passed once its transaction is over.
      await store.db
        .transaction()
        .execute(async (trx) => {
          await appendActivity(trx, [note('rolled back')]);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await appendActivity(store.db, [note('after')]);
      // Passed once every transaction running when the hole was seen has ended (on a shared
      // server that includes other sessions' transactions, so poll for it).
      const rows = await until(
        async () => {
          const next = await reader.next(10);
          return next.length > 0 ? next : undefined;
        },
        { what: 'the row after the hole' },
      );
      expect(messages(rows)).toEqual(['after']);
    },
  );

  it.runIf(target.name === 'postgres')(
    'passes a hole that never fills after the longest wait',
    async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedFirst = new Promise<void>((resolve) => (inserted = resolve));
      const stuck = store.db.transaction().execute(async (trx) => {
        await appendActivity(trx, [note('stuck')]);
        inserted();
        await held;
      });
      await insertedFirst;
      await appendActivity(store.db, [note('next')]);
      expect(await reader.next(10)).toEqual([]);
      clock.advance(10_000);
      expect(messages(await reader.next(10))).toEqual(['next']);
      release();
      await stuck;
    },
  );
});
