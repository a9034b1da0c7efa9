/**
 * A generated statement past one of SQLite's shape limits is the caller's query to simplify: a
 * 400 with the reason, never a raw SqliteError (a 500). Other prepare errors pass through.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from '../store/sqlite/driver.js';
import { ApiError } from '../domain/errors.js';
import { StatementCache } from './statement-cache.js';

test('an expression deeper than SQLite allows is a 400 illegal_argument_exception naming the limit', () => {
  const db = new Database(':memory:');
  try {
    const cache = new StatementCache(db);
    const deep = `SELECT ${Array.from({ length: 1100 }, () => '1').join(' + ')}`;
    assert.throws(
      () => cache.get(deep),
      (e) => e instanceof ApiError && e.status === 400 && e.type === 'illegal_argument_exception' && /too complex for the embedded index \(Expression tree is too large/.test(e.reason),
    );
    assert.equal((cache.get('SELECT 1 AS one').get() as { one: number }).one, 1, 'the cache still works after a refused statement');
  } finally {
    db.close();
  }
});

test('other prepare errors are not turned into 400s', () => {
  const db = new Database(':memory:');
  try {
    assert.throws(() => new StatementCache(db).get('SELECT * FROM no_such_table'), (e) => !(e instanceof ApiError) && /no such table/.test((e as Error).message));
  } finally {
    db.close();
  }
});
