import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceError, type SyncContext } from '../source.js';
import { readSqlSettings } from './sql-config.js';
import type { RowBatch, SqlDriver, TableInfo, Window } from './sql-driver.js';
import { SqlSource } from './sql-source.js';

/** An in-memory driver: one table `t (id PK, payload, updated)`, pages by id. */
function fakeDriver(rows: unknown[][], opts: { failOnce?: number } = {}) {
  const limits: number[] = [];
  let failures = opts.failOnce ?? 0;
  const fields = [{ name: 'id' }, { name: 'payload' }, { name: 'updated' }];
  const info: TableInfo = { name: 't', columns: ['id', 'payload', 'updated'], primaryKey: ['id'], keyset: true };
  const inWindow = (r: unknown[], w: Window | null) => !w || ((w.after === null || String(r[2]) > w.after) && (w.upTo === null || String(r[2]) <= w.upTo));
  const driver: SqlDriver = {
    where: 'Fake at test:1',
    ping: async () => {},
    listTables: async () => ['t'],
    describeTable: async () => info,
    queryColumns: async () => fields.map((f) => f.name),
    maxOf: async () => rows.reduce<string | null>((m, r) => (m === null || String(r[2]) > m ? String(r[2]) : m), null),
    readPage: async (_t, after, limit, w): Promise<RowBatch> => {
      limits.push(limit);
      if (failures > 0 && after) {
        failures--;
        throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      }
      const out = rows.filter((r) => (after === null || (r[0] as number) > (after[0] as number)) && inWindow(r, w)).slice(0, limit);
      return { fields, rows: out.map((r) => [...r]) };
    },
    stream: async function* () {},
    checkQuery: async () => null,
    isTransient: (e) => (e as { code?: string }).code === 'ECONNRESET',
    toSourceError: (e) => new SourceError(String(e)),
    reset: async () => {},
    cancel: async () => {},
    close: async () => {},
  };
  return { driver, limits };
}

const settings = (extra: Record<string, unknown> = {}) =>
  readSqlSettings({ host: 'h', username: 'u', database: 'd', tables: 't', retry_interval_ms: 1, ...extra }, { userKey: 'username', defaultPort: 1, withSchema: true });

function source(driver: SqlDriver, extra: Record<string, unknown> = {}) {
  return new SqlSource({
    driver, settings: settings(extra),
    idPrefix: (t) => `s_${t.join('_')}`, metadata: (t) => ({ Table: t }), validateRules: async () => ({ valid: true, messages: [] }),
  });
}

function ctx(syncCursor: Record<string, unknown> | null = null): SyncContext {
  return { signal: new AbortController().signal, advancedRules: {}, basicRules: [], syncCursor, checkpoint: async () => {}, log: { info() {}, warn() {}, error() {} } };
}

const row = (id: number, size = 10) => [id, 'x'.repeat(size), `2024-01-01 00:00:${String(id % 60).padStart(2, '0')}`];

test('keyset pages: small first page, then fetch_size; wide rows get smaller pages', async () => {
  const narrow = fakeDriver(Array.from({ length: 2500 }, (_, i) => row(i + 1)));
  let n = 0;
  for await (const d of source(narrow.driver).getDocs(ctx())) {
    n++;
    if (n === 1) assert.deepEqual(d, { t_id: 1, payload: 'xxxxxxxxxx', updated: '2024-01-01 00:00:01', _id: 's_t_1', Table: 't' });
  }
  assert.equal(n, 2500);
  assert.deepEqual(narrow.limits, [10, 1000, 1000, 1000]);

  const wide = fakeDriver(Array.from({ length: 30 }, (_, i) => row(i + 1, 1_000_000)));
  n = 0;
  for await (const _ of source(wide.driver).getDocs(ctx())) n++;
  assert.equal(n, 30);
  assert.equal(wide.limits[0], 10);
  assert.ok(wide.limits.slice(1).every((l) => l <= 4), `pages of ~2 MB rows stay near 8 MiB: ${wide.limits}`);
});

test('a transient failure mid-table resumes after the last key', async () => {
  const f = fakeDriver(Array.from({ length: 300 }, (_, i) => row(i + 1)), { failOnce: 1 });
  const ids: string[] = [];
  for await (const d of source(f.driver, { fetch_size: 50 }).getDocs(ctx())) ids.push(d._id);
  assert.equal(ids.length, 300);
  assert.equal(new Set(ids).size, 300);
});

test('incremental reads (cursor, max] and returns the new cursor', async () => {
  const rows = Array.from({ length: 59 }, (_, i) => row(i + 1));
  const f = fakeDriver(rows);
  const src = source(f.driver, { timestamp_column: 'updated' });
  for await (const _ of src.getDocs(ctx()));
  const c0 = src.cursorAfterFullSync!();
  assert.deepEqual(c0, { timestamp_column: 'updated', values: { t: '2024-01-01 00:00:59' } });
  rows.push(row(0)); // "2024-01-01 00:00:00": older than the cursor, not picked up
  rows[4][2] = '2024-01-02 00:00:00';
  const gen = src.getDocsIncrementally!(ctx(c0 as Record<string, unknown>));
  const got: string[] = [];
  let r = await gen.next();
  for (; !r.done; r = await gen.next()) got.push((r.value as { _id: string })._id);
  assert.deepEqual(got, ['s_t_5']);
  assert.deepEqual(r.value, { timestamp_column: 'updated', values: { t: '2024-01-02 00:00:00' } });
});

test('documentKeys: reserved and metadata names become <table>_<name>, never colliding', async () => {
  const { documentKeys } = await import('./sql-source.js');
  assert.deepEqual(
    documentKeys(['id', 'name', '_id', '_timestamp', 'Table', 't_id'], ['t'], ['Database', 'Table']),
    ['t_id_2', 'name', 't__id', 't__timestamp', 't_Table', 't_id'],
  );
  assert.deepEqual(documentKeys(['id'], ['b', 'a'], []), ['a_b_id']);
});
