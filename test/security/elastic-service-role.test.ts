/**
 * The role docs/elastic-connector-service.md gives Elastic's connector service, read from the
 * doc itself: with it, the calls the service makes that Tributary serves today are allowed
 * (`GET /`, `_license`, the Connector API, `_update` on the system indices, `_bulk` and scroll
 * on content indices), and writes outside its indices are refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { openApp } from '../../src/app/open-app.js';
import { parseSecurityConfig } from '../../src/security/config.js';
import { basic } from '../helpers/secure-server.js';

const doc = readFileSync(new URL('../../docs/elastic-connector-service.md', import.meta.url), 'utf8');
const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((y) => y.includes('elastic-connector-service:'));

let server: FastifyInstance;
let dir: string;
const auth = { authorization: basic('svc', 'svc-password') };
const call = (method: string, url: string, body?: unknown, ndjson = false) =>
  server.inject({
    method: method as 'GET',
    url,
    headers: { ...auth, 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

before(async () => {
  assert.ok(block, 'the doc has the role block');
  const security = (parse(block!) as { security: Record<string, unknown> }).security;
  const config = await parseSecurityConfig({ ...security, users: { svc: { password: 'svc-password', roles: ['elastic-connector-service'] } } }, 'doc', { hashCost: 10 });
  dir = mkdtempSync(join(tmpdir(), 'tributary-svc-role-'));
  server = buildServer(await openApp({ dataDir: dir, securityConfig: config, contentIndex: { file: join(dir, 'content.db'), search: { threads: 0 } } }));
  await server.ready();
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the documented role allows the service's calls Tributary serves", async () => {
  assert.equal((await call('GET', '/')).statusCode, 200);
  assert.equal((await call('GET', '/_license')).json().license.type, 'enterprise');
  assert.equal((await call('PUT', '/_connector/c1', { index_name: 'search-c1', service_type: 'mysql' })).statusCode, 201);
  const job = (await call('POST', '/_connector/_sync_job', { id: 'c1', job_type: 'full' })).json();
  const found = await call('POST', '/.elastic-connectors-sync-jobs/_search?seq_no_primary_term=true', { query: { terms: { 'connector.id': ['c1'] } } });
  assert.equal(found.statusCode, 200, found.body);
  assert.equal(found.json().hits.hits[0]._id, job.id);
  assert.equal((await call('GET', '/.elastic-connectors/_doc/c1')).json().found, true);
  const upd = await call('POST', `/.elastic-connectors-sync-jobs/_update/${job.id}`, { doc: { status: 'in_progress', started_at: new Date().toISOString() } });
  assert.equal(upd.statusCode, 200, upd.body);
  const bulk = await call('POST', '/_bulk', '{"index":{"_index":"search-c1","_id":"1"}}\n{"title":"a"}\n{"index":{"_index":"search-c1","_id":"2"}}\n{"title":"b"}\n', true);
  assert.equal(bulk.statusCode, 200, bulk.body);
  assert.equal(bulk.json().errors, false);
  const first = (await call('POST', '/search-c1/_search?scroll=1m', { size: 1, sort: ['_doc'], _source: false })).json();
  assert.equal(first.hits.hits.length, 1);
  const next = (await call('POST', '/_search/scroll', { scroll: '1m', scroll_id: first._scroll_id })).json();
  assert.equal(next.hits.hits.length, 1);
  assert.equal((await call('DELETE', '/_search/scroll', { scroll_id: first._scroll_id })).json().num_freed, 1);
});

test('writes outside its indices are refused', async () => {
  const bulk = (await call('POST', '/_bulk', '{"index":{"_index":"other","_id":"1"}}\n{"title":"a"}\n', true)).json();
  assert.equal(bulk.errors, true);
  assert.equal(bulk.items[0].index.status, 403);
  assert.equal((await call('PUT', '/other/_doc/1', { a: 1 })).statusCode, 403);
});
