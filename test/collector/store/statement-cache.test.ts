import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../../collector/store/statement-cache.js';

function counting() {
  const database = new SQLite(':memory:');
  const prepared: string[] = [];
  let closed = false;
  return {
    prepared,
    isClosed: () => closed,
    database: {
      prepare(sql: string) {
        prepared.push(sql);
        return database.prepare(sql);
      },
      close() {
        closed = true;
        database.close();
      },
    },
  };
}

describe('SQLite statement cache', () => {
  it('prepares each statement once and keeps answering right', () => {
    const { database, prepared } = counting();
    const cached = withStatementCache(database);
    cached.prepare('create table t (n integer)').run([]);
    for (let i = 0; i < 5; i++) cached.prepare('insert into t (n) values (?)').run([i]);
    const rows = cached.prepare('select sum(n) as s from t where n > ?').all([1]);
    expect(rows).toEqual([{ s: 9 }]);
    expect(cached.prepare('select sum(n) as s from t where n > ?').all([3])).toEqual([{ s: 4 }]);
    expect(prepared).toEqual([
      'create table t (n integer)',
      'insert into t (n) values (?)',
      'select sum(n) as s from t where n > ?',
    ]);
  });

  it('drops the least recently used statement beyond its size, and clears on close', () => {
    const { database, prepared, isClosed } = counting();
    const cached = withStatementCache(database, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1');
    cached.prepare('select 3'); // evicts "select 2"
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    cached.close();
    expect(isClosed()).toBe(true);
  });
});
