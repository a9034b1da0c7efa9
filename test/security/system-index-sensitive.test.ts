/**
 * Reading the connector system indices is no back door to sensitive configuration values: a
 * caller with `read` on `.elastic-connectors*` but no right to write configurations gets them
 * without their `value` (as the Connector API's GET), from `_doc` and `_search` alike, on both
 * indices; a connector manager sees them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const PASSWORD = 'Sup3r-Secret-DB-Pw';
let srv: SecureServer;
let jobId = '';
const sys: [string, string] = ['sys', 'sys-password'];
const manager: [string, string] = ['mgr', 'mgr-password'];

before(async () => {
  srv = await startSecureServer({
    users: { ...TEST_USERS, sys: { password: 'sys-password', roles: ['sysreader'] }, mgr: { password: 'mgr-password', roles: ['mgr'] } },
    roles: {
      ...TEST_ROLES,
      sysreader: { indices: [{ names: ['.elastic-connectors*'], privileges: ['read'] }] },
      mgr: { cluster: ['manage_connector'], indices: [{ names: ['.elastic-connectors*', 'search-*'], privileges: ['all'] }] },
    },
  });
  const as = (auth: [string, string], method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, auth, body });
  assert.equal((await as(manager, 'PUT', '/_connector/pg', { index_name: 'search-pg', service_type: 'postgresql' })).statusCode, 201);
  const schema = await as(manager, 'PUT', '/_connector/pg/_configuration', {
    configuration: {
      host: { label: 'Host', type: 'str', display: 'textbox', value: 'db.internal' },
      password: { label: 'Password', type: 'str', display: 'text', sensitive: true, value: PASSWORD },
    },
  });
  assert.equal(schema.statusCode, 200, schema.body);
  const job = await as(manager, 'POST', '/_connector/_sync_job', { id: 'pg' });
  assert.equal(job.statusCode, 201, job.body);
  jobId = job.json().id;
});
after(() => srv.close());

test('system-index reads remove sensitive values for a reader, and show them to a manager', async () => {
  // The connectors-list search (answered from the store's list, api/system-index/list-pushdown.ts) presents alike.
  const list = { query: { bool: { filter: [{ term: { status: 'configured' } }], must_not: [{ term: { deleted: true } }] } }, sort: [{ index_name: 'asc' }] };
  const reads: [string, (b: any) => any, unknown?][] = [
    ['/.elastic-connectors/_doc/pg', (b) => b._source.configuration],
    ['/.elastic-connectors/_search', (b) => b.hits.hits[0]._source.configuration],
    ['/.elastic-connectors/_search', (b) => b.hits.hits[0]._source.configuration, list],
    [`/.elastic-connectors-sync-jobs/_doc/${jobId}`, (b) => b._source.connector.configuration],
    ['/.elastic-connectors-sync-jobs-v1/_search', (b) => b.hits.hits[0]._source.connector.configuration],
  ];
  for (const [url, config, body] of reads) {
    const r = await srv.inject({ method: body ? 'POST' : 'GET', url, auth: sys, body });
    assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
    assert.ok(!r.body.includes(PASSWORD), `${url} shows the password to a reader`);
    assert.ok(!r.body.includes('enc:v1:'), `${url} shows the ciphertext`);
    const c = config(r.json());
    assert.equal(Object.hasOwn(c.password, 'value'), false);
    assert.equal(c.host.value, 'db.internal');
    const m = await srv.inject({ method: body ? 'POST' : 'GET', url, auth: manager, body });
    assert.equal(config(m.json()).password.value, PASSWORD, `${url}: a manager sees the value`);
  }
  // No index privilege on the system indices: refused.
  assert.equal((await srv.inject({ method: 'GET', url: '/.elastic-connectors/_search', auth: ['nobody', 'nobody-password'] })).statusCode, 403);
});
