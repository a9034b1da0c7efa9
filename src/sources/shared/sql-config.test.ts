import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceError } from '../source.js';
import { normalizePem, parseTables, readSqlSettings, sqlConfigSchema, SQL_LIMITS } from './sql-config.js';

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
  assert.throws(() => readSqlSettings({ host: '', user: 'u', database: 'd' }, my), (e: unknown) => e instanceof SourceError && /\[host\]/.test(e.message));
  assert.throws(() => readSqlSettings({ host: 'h', user: 'u', database: 'd', fetch_size: 'lots' }, my), /\[fetch_size\]/);
  assert.throws(() => readSqlSettings({ host: 'h', user: 'u', database: 'd', binary_handling: 'hex' }, my), /\[binary_handling\]/);
});

test('normalizePem restores line breaks of a pasted certificate', () => {
  assert.equal(normalizePem('-----BEGIN CERTIFICATE----- AAA BBB -----END CERTIFICATE-----'), '-----BEGIN CERTIFICATE-----\nAAA\nBBB\n-----END CERTIFICATE-----');
});

test('every size and count setting has a server-side bound, with an error naming the field and the limit', () => {
  const base = { host: 'h', user: 'u', database: 'd' };
  const at = readSqlSettings({ ...base, fetch_size: 10_000, retry_count: 10, retry_interval_ms: 60_000, port: 65535 }, my);
  assert.deepEqual([at.fetchSize, at.retryCount, at.retryIntervalMs, at.port], [10_000, 10, 60_000, 65535]);
  const over: [Record<string, unknown>, RegExp][] = [
    [{ fetch_size: 1e9 }, /\[fetch_size\] must be an integer from 1 to 10000 \(this server's limit\); got 1000000000/],
    [{ retry_count: 1e6 }, /\[retry_count\] must be an integer from 0 to 10/],
    [{ retry_interval_ms: 1e9 }, /\[retry_interval_ms\] must be an integer from 0 to 60000/],
    [{ port: 70000 }, /\[port\] must be an integer from 1 to 65535/],
    [{ tables: Array.from({ length: 1001 }, (_, i) => `t${i}`).join(',') }, /\[tables\] lists 1001 tables; at most 1000/],
    [{ tables: 'x'.repeat(2000) }, /\[tables\] is 2000 characters long; at most 1024/],
    [{ host: 'h'.repeat(5000) }, /\[host\] is 5000 characters long/],
    [{ ssl_ca: 'c'.repeat(SQL_LIMITS.sslCaChars + 1) }, /\[ssl_ca\] is 65537 characters long; at most 65536/],
    [{ timestamp_column: 'c'.repeat(1025) }, /\[timestamp_column\]/],
  ];
  for (const [values, re] of over) assert.throws(() => readSqlSettings({ ...base, ...values }, my), (e: unknown) => e instanceof SourceError && re.test(e.message), JSON.stringify(values).slice(0, 60));
  // A password is bounded too, and never echoed.
  assert.throws(() => readSqlSettings({ ...base, password: 'p'.repeat(5000) }, my), (e: unknown) => e instanceof Error && /\[password\] is 5000 characters/.test(e.message) && !e.message.includes('ppp'));
});
