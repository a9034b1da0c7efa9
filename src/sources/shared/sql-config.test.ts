import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceError } from '../source.js';
import { normalizePem, parseTables, readSqlSettings, sqlConfigSchema } from './sql-config.js';

const pg = { userKey: 'username', defaultPort: 5432, withSchema: true } as const;
const my = { userKey: 'user', defaultPort: 3306, withSchema: false } as const;

test('schema uses Elastic field names and the configuration-entry format', () => {
  const s = sqlConfigSchema(pg);
  assert.deepEqual(Object.keys(s), ['host', 'port', 'username', 'password', 'database', 'schema', 'tables', 'fetch_size', 'retry_count', 'ssl_enabled', 'ssl_ca', 'timestamp_column', 'binary_handling']);
  assert.equal(s.password.sensitive, true);
  assert.deepEqual(s.ssl_ca.depends_on, [{ field: 'ssl_enabled', value: true }]);
  for (const e of Object.values(s)) {
    for (const k of ['label', 'display', 'type', 'order', 'required', 'sensitive', 'default_value', 'value', 'tooltip', 'ui_restrictions', 'validations']) {
      assert.ok(k in e, `${e.label} has ${k}`);
    }
  }
  const m = sqlConfigSchema(my);
  assert.ok('user' in m && !('schema' in m) && !('username' in m));
});

test('tables: comma list with quotes, or *', () => {
  assert.deepEqual(parseTables('a, b ,c,'), ['a', 'b', 'c']);
  assert.deepEqual(parseTables('"we,ird", `x``y`, plain'), ['we,ird', 'x`y', 'plain']);
  assert.deepEqual(parseTables('a, *'), ['*']);
  assert.deepEqual(parseTables(['a', 'b, c']), ['a', 'b', 'c']);
  assert.deepEqual(parseTables(''), []);
});

test('settings: typed values, defaults, and errors naming the field', () => {
  const s = readSqlSettings({ host: 'db', port: '5433', username: 'u', database: 'd', tables: 'x,y', fetch_size: null, ssl_enabled: 'true' }, pg);
  assert.equal(s.port, 5433);
  assert.equal(s.schema, 'public');
  assert.deepEqual(s.tables, ['x', 'y']);
  assert.equal(s.fetchSize, 1000);
  assert.equal(s.retryCount, 3);
  assert.equal(s.sslEnabled, true);
  assert.equal(readSqlSettings({ host: 'h', username: 'u', database: 'd' }, my).user, 'u', 'the other engine key is accepted');
  assert.throws(() => readSqlSettings({ host: '', user: 'u', database: 'd' }, my), (e: unknown) => e instanceof SourceError && /`host`/.test(e.message));
  assert.throws(() => readSqlSettings({ host: 'h', user: 'u', database: 'd', fetch_size: 'lots' }, my), /`fetch_size`/);
  assert.throws(() => readSqlSettings({ host: 'h', user: 'u', database: 'd', binary_handling: 'hex' }, my), /`binary_handling`/);
});

test('normalizePem restores line breaks of a pasted certificate', () => {
  assert.equal(normalizePem('-----BEGIN CERTIFICATE----- AAA BBB -----END CERTIFICATE-----'), '-----BEGIN CERTIFICATE-----\nAAA\nBBB\n-----END CERTIFICATE-----');
});
