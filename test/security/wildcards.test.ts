/**
 * Issue 11 items 5 and 6: user-supplied wildcard patterns cannot stall the server. With security
 * on, a read-only user's hostile `filter_path`, a `manage_own_api_key` user's hostile API-key
 * `name` filter and an API key whose role has hostile index patterns are each answered within a
 * second, and `GET /` sent at the same time is served as fast. Before, each was a backtracking
 * regex (or an exponential path expansion) that held the event loop for seconds to hours.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { startSecureServer, type SecureServer } from '../helpers/secure-server.js';

let srv: SecureServer;
const root: [string, string] = ['root', 'root-password'];
const reader: [string, string] = ['reader', 'reader-password'];
const keymaker: [string, string] = ['keymaker', 'keymaker-password'];

before(async () => {
  srv = await startSecureServer();
  for (let i = 0; i < 20; i++) {
    const res = await srv.inject({ method: 'PUT', url: `/_connector/c${i}`, auth: root, body: { index_name: `search-${'a'.repeat(60)}${i}`, name: 'a'.repeat(80) } });
    assert.equal(res.statusCode, 201, res.body);
  }
  // A connector whose draft advanced rules are nested 22 levels deep under 60-character keys.
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 22; i++) deep = { ['a'.repeat(60) + (i % 2)]: deep, ['k' + i]: i };
  const put = await srv.inject({ method: 'PUT', url: '/_connector/c0/_filtering', auth: root, body: { advanced_snippet: { value: deep } } });
  assert.equal(put.statusCode, 200, put.body);
});
after(() => srv.close());

/** Sends `hostile` and `GET /` together; both must be answered within `budgetMs`. */
async function stillServing(hostile: () => Promise<LightMyRequestResponse>, budgetMs = 1000) {
  const started = performance.now();
  const root$ = srv.inject({ method: 'GET', url: '/', auth: root }).then((r) => ({ r, ms: performance.now() - started }));
  const hostile$ = hostile().then((r) => ({ r, ms: performance.now() - started }));
  const [home, attack] = await Promise.all([root$, hostile$]);
  assert.equal(home.r.statusCode, 200, home.r.body);
  assert.ok(home.ms < budgetMs, `GET / took ${Math.round(home.ms)} ms`);
  assert.ok(attack.ms < budgetMs, `the hostile request took ${Math.round(attack.ms)} ms`);
  return attack.r;
}

describe('filter_path cannot stall the server (read-only user)', () => {
  test('ten ** segments', async () => {
    const fp = Array(10).fill('**').join('.') + '.nothing';
    const res = await stillServing(() => srv.inject({ method: 'GET', url: `/_connector/c0?filter_path=${fp}`, auth: reader }));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {});
    const leaf = await srv.inject({ method: 'GET', url: `/_connector/c0?filter_path=${Array(10).fill('**').join('.')}.leaf`, auth: reader });
    assert.equal(JSON.stringify(leaf.json()).match(/"leaf":1/g)?.length, 1, 'the deep leaf is found');
  });

  test('*a*a*a…*b segments under **', async () => {
    const fp = ['**.' + '*a'.repeat(6) + '*b', '**.*a*.**.*a*.**.*a*.**.*a*.**.*b'].join(',');
    const res = await stillServing(() => srv.inject({ method: 'GET', url: `/_connector/c0?filter_path=${encodeURIComponent(fp)}`, auth: reader }));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {});
  });

  test('a legitimate filter_path still filters', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_connector?filter_path=count,results.id,**.index_name&size=2', auth: reader });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.count, 20);
    assert.deepEqual(Object.keys(body.results[0]).sort(), ['id', 'index_name']);
  });

  test('over the bounds: 400 illegal_argument_exception before the request runs', async () => {
    const many = Array.from({ length: 129 }, (_, i) => `f${i}`).join(',');
    const res = await srv.inject({ method: 'PUT', url: `/_connector/not-created?filter_path=${many}`, auth: root, body: { index_name: 'search-x' } });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.type, 'illegal_argument_exception');
    assert.match(res.json().error.reason, /filter_path has \[129\] paths; at most \[128\] are allowed/);
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector/not-created', auth: root })).statusCode, 404, 'nothing was created');
    const deep = await srv.inject({ method: 'GET', url: `/_connector?filter_path=${Array(33).fill('**').join('.')}`, auth: reader });
    assert.equal(deep.statusCode, 400, deep.body);
    assert.match(deep.json().error.reason, /has \[33\] segments; at most \[32\] are allowed/);
  });
});

describe('API key name filter cannot stall the server (manage_own_api_key)', () => {
  test('GET /_security/api_key?name=*a*a*a…*b over long key names', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: keymaker, body: { name: 'a'.repeat(1000) + i } });
      assert.equal(res.statusCode, 200, res.body);
    }
    const name = encodeURIComponent('*a'.repeat(12) + '*b');
    const res = await stillServing(() => srv.inject({ method: 'GET', url: `/_security/api_key?name=${name}&owner=true`, auth: keymaker }));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().api_keys, []);
    const prefix = await srv.inject({ method: 'GET', url: `/_security/api_key?name=${'a'.repeat(500)}*&owner=true`, auth: keymaker });
    assert.equal(prefix.json().api_keys.length, 5, 'the wildcard still matches');
  });
});

describe('role index patterns cannot stall the server (an API key of a manage_own_api_key user)', () => {
  test('a key whose role names *a*a*a…*b, used on a long index name', async () => {
    const created = await srv.inject({
      method: 'POST', url: '/_security/api_key', auth: keymaker,
      body: { name: 'patterns', role_descriptors: { r: { indices: [{ names: ['*a'.repeat(12) + '*b', '?a'.repeat(40) + '*?b'], privileges: ['read'] }] } } },
    });
    assert.equal(created.statusCode, 200, created.body);
    const key = created.json().encoded as string;
    const index = 'a'.repeat(200);
    const res = await stillServing(() => srv.inject({ method: 'GET', url: `/${index},${index}x/_search`, apiKey: key }));
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(res.json().error.type, 'security_exception');
  });
});
