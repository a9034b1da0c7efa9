/** Configuration of the redis source: Elastic's keys and order, parsing, bounds, messages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { parseDatabases, readRedisSettings, redisConfigSchema } from './config.js';
import { parseKeyRules } from './rules.js';

test("Elastic's keys come first, in Elastic's order", () => {
  const schema = redisConfigSchema();
  const byOrder = Object.entries(schema).sort((a, b) => a[1].order! - b[1].order!).map(([k]) => k);
  assert.deepEqual(byOrder.slice(0, 9), ['host', 'port', 'username', 'password', 'database', 'ssl_enabled', 'mutual_tls_enabled', 'tls_certfile', 'tls_keyfile']);
  assert.equal(schema.password.sensitive, true);
  assert.equal(schema.tls_keyfile.sensitive, true);
  assert.equal(schema.database.value, '*');
  assert.deepEqual(schema.mutual_tls_enabled.depends_on, [{ field: 'ssl_enabled', value: true }]);
});

test('database: numbers, a comma list or *', () => {
  assert.equal(parseDatabases('*'), null);
  assert.equal(parseDatabases(['0', '*']), null);
  assert.equal(parseDatabases(''), null);
  assert.deepEqual(parseDatabases('0, 3,3'), [0, 3]);
  assert.deepEqual(parseDatabases(['1', 2]), [1, 2]);
  assert.throws(() => parseDatabases('0,abc,-1'), /\[database\] must list database numbers.*abc, -1/);
  assert.throws(() => parseDatabases(Array.from({ length: 1001 }, (_, i) => String(i))), /at most 1000/);
});

test('settings: defaults, bounds and what each error names', () => {
  const s = readRedisSettings({ host: 'r.internal' });
  assert.equal(s.port, 6379);
  assert.equal(s.pageSize, 1000);
  assert.equal(s.maxValueSize, 1024 * 1024);
  assert.equal(s.readTimeoutMs, 30_000);
  assert.equal(s.databases, null);
  assert.throws(() => readRedisSettings({}), (e: unknown) => e instanceof SourceConfigError && /\[host\] is required/.test(e.message));
  assert.throws(() => readRedisSettings({ host: 'h', page_size: 10_001 }), /\[page_size\] must be an integer from 1 to 10000/);
  assert.throws(() => readRedisSettings({ host: 'h', max_value_size: 10 }), /\[max_value_size\]/);
  assert.throws(() => readRedisSettings({ host: 'h', read_timeout: 0 }), /\[read_timeout\]/);
  assert.throws(() => readRedisSettings({ host: 'h', password: 'x'.repeat(5000) }), /\[password\] is 5000 characters long/);
  assert.throws(() => readRedisSettings({ host: 'h', ssl_enabled: true, mutual_tls_enabled: true }), /\[tls_certfile\].*\[tls_keyfile\]/);
  // Mutual TLS without TLS is off, as its toggle depends on ssl_enabled.
  assert.equal(readRedisSettings({ host: 'h', mutual_tls_enabled: true }).mutualTls, false);
  assert.equal(readRedisSettings({ host: 'h', password: ' pw ' }).password, ' pw ');
});

test("advanced rules: Elastic's shape, one message per problem", () => {
  assert.deepEqual(parseKeyRules([{ database: 2, key_pattern: 'a*' }, { database: 0, type: 'Hash' }]).rules, [
    { database: 2, pattern: 'a*', type: null },
    { database: 0, pattern: '*', type: 'hash' },
  ]);
  assert.deepEqual(parseKeyRules({}).messages, []);
  assert.match(parseKeyRules({ database: 0 }).messages[0], /must be a list/);
  const m = parseKeyRules([{ database: '0', key_pattern: 'x' }, { database: 0 }, { database: 1, type: 'nope' }, 'x']).messages;
  assert.equal(m.length, 4);
  assert.match(m[0], /^Rule 1: "database"/);
  assert.match(m[1], /^Rule 2: give "key_pattern", "type" or both/);
  assert.match(m[2], /^Rule 3: "type" must be one of string, list, set, zset, hash, stream, ReJSON-RL/);
  assert.match(m[3], /^Rule 4: must be an object/);
  assert.match(parseKeyRules(Array.from({ length: 101 }, () => ({ database: 0, key_pattern: '*' }))).messages[0], /At most 100/);
});
