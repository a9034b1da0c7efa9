/**
 * `GET|POST /_security/user/_has_privileges` (Elasticsearch's request and answer): named cluster
 * privileges covered by the roles held (`manage` covers `manage_connector`, not `all`), single
 * Connector API actions decided as the request would be (through the connector index privileges
 * too), index privileges on names and patterns, an API key limited by its own descriptors,
 * unknown privilege names refused, every user allowed to ask, and security off answering all true.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSecureServer, type SecureServer } from '../helpers/secure-server.js';
import { openApp } from '../../src/app/open-app.js';
import { buildServer } from '../../src/api/server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const UPDATE = 'cluster:admin/xpack/connector/update_scheduling';
const SYNC = 'cluster:admin/xpack/connector/sync_job/post';
const GET = 'cluster:admin/xpack/connector/get';

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({
    users: {
      root: { password: 'root-password', roles: ['superuser'] },
      admin: { password: 'admin-password', roles: ['admin'] },
      reader: { password: 'reader-password', roles: ['reader'] },
      nobody: { password: 'nobody-password', roles: [] },
      indexer: { password: 'indexer-password', roles: ['indexer'] },
    },
    roles: {
      admin: { cluster: ['manage', 'manage_own_api_key'], indices: [{ names: ['.elastic-connectors*'], privileges: ['all'] }] },
      reader: { cluster: ['monitor_connector', 'manage_own_api_key'], indices: [{ names: ['search-*'], privileges: ['read'] }] },
      indexer: { cluster: [], indices: [{ names: ['.elastic-connectors-v1'], privileges: ['write', 'read'] }, { names: ['search-docs'], privileges: ['all'] }] },
    },
  });
});
after(() => srv.close());

async function ask(user: [string, string] | { apiKey: string }, body: unknown) {
  const auth = Array.isArray(user) ? { auth: user as [string, string] } : { apiKey: user.apiKey };
  return srv.inject({ method: 'POST', url: '/_security/user/_has_privileges', body, ...auth });
}

describe('_has_privileges', () => {
  test('the superuser holds everything asked', async () => {
    const res = await ask(['root', 'root-password'], { cluster: ['all', 'manage_connector', UPDATE], index: [{ names: ['anything', 'search-*'], privileges: ['all', 'read'] }] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      username: 'root',
      has_all_requested: true,
      cluster: { all: true, manage_connector: true, [UPDATE]: true },
      index: { anything: { all: true, read: true }, 'search-*': { all: true, read: true } },
      application: {},
    });
  });

  test('named cluster privileges are held when the roles cover them', async () => {
    const res = await ask(['admin', 'admin-password'], { cluster: ['manage', 'manage_connector', 'monitor_connector', 'all', 'manage_security', 'cluster:admin/xpack/connector/*'] });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.cluster, {
      manage: true, manage_connector: true, monitor_connector: true, all: false, manage_security: false, 'cluster:admin/xpack/connector/*': true,
    });
    assert.equal(body.has_all_requested, false);
    assert.equal(body.username, 'admin');
  });

  test('a read-only user: reads yes, connector updates and syncs no', async () => {
    const res = await ask(['reader', 'reader-password'], { cluster: [GET, UPDATE, SYNC, 'monitor_connector', 'manage_connector', 'manage_own_api_key', 'manage_api_key'], index: [{ names: ['search-docs', 'other'], privileges: ['read', 'write'] }] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().cluster, {
      [GET]: true, [UPDATE]: false, [SYNC]: false, monitor_connector: true, manage_connector: false, manage_own_api_key: true, manage_api_key: false,
    });
    assert.deepEqual(res.json().index, { 'search-docs': { read: true, write: false }, other: { read: false, write: false } });
  });

  test('a single Connector API action counts the connector index privileges, as the request would', async () => {
    const res = await ask(['indexer', 'indexer-password'], { cluster: [UPDATE, GET, 'manage_connector'], index: [{ names: 'search-docs', privileges: 'write' }] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().cluster, { [UPDATE]: true, [GET]: true, manage_connector: false });
    assert.deepEqual(res.json().index, { 'search-docs': { write: true } });
    // The answer matches what the API then does.
    const put = await srv.inject({ method: 'PUT', url: '/_connector/c1', body: { index_name: 'search-docs', name: 'c1' }, auth: ['root', 'root-password'] });
    assert.ok(put.statusCode < 300, put.body);
    const upd = await srv.inject({ method: 'PUT', url: '/_connector/c1/_scheduling', body: { scheduling: { full: { enabled: true, interval: '0 0 0 * * ?' } } }, auth: ['indexer', 'indexer-password'] });
    assert.equal(upd.statusCode, 200, upd.body);
    const denied = await srv.inject({ method: 'PUT', url: '/_connector/c1/_scheduling', body: { scheduling: { full: { enabled: true, interval: '0 0 0 * * ?' } } }, auth: ['reader', 'reader-password'] });
    assert.equal(denied.statusCode, 403);
  });

  test('index patterns: held only when a role pattern covers the asked one', async () => {
    const res = await ask(['reader', 'reader-password'], { index: [{ names: ['search-*', 'search-a*', 's*', '*'], privileges: ['read'] }] });
    assert.deepEqual(res.json().index, { 'search-*': { read: true }, 'search-a*': { read: true }, 's*': { read: false }, '*': { read: false } });
  });

  test('an API key holds only what both its descriptors and its owner allow', async () => {
    const key = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: ['admin', 'admin-password'], body: { name: 'ro', role_descriptors: { ro: { cluster: ['monitor_connector'] } } } });
    assert.equal(key.statusCode, 200, key.body);
    const res = await ask({ apiKey: key.json().encoded }, { cluster: [GET, UPDATE, 'monitor_connector', 'manage'] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().cluster, { [GET]: true, [UPDATE]: false, monitor_connector: true, manage: false });
    assert.equal(res.json().username, 'admin');
  });

  test('every authenticated user may ask, by GET or POST; nobody holds nothing', async () => {
    const get = await srv.inject({ method: 'GET', url: '/_security/user/_has_privileges', auth: ['nobody', 'nobody-password'] });
    assert.equal(get.statusCode, 400, get.body);
    const res = await ask(['nobody', 'nobody-password'], { cluster: ['monitor_connector', GET] });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { username: 'nobody', has_all_requested: false, cluster: { monitor_connector: false, [GET]: false }, index: {}, application: {} });
    const anon = await srv.inject({ method: 'POST', url: '/_security/user/_has_privileges', body: { cluster: ['all'] } });
    assert.equal(anon.statusCode, 401);
  });

  test('unknown privileges, unknown fields, nothing asked and too many checks are refused', async () => {
    let res = await ask(['root', 'root-password'], { cluster: ['manage_everything'] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /^unknown cluster privilege \[manage_everything\]/);
    res = await ask(['root', 'root-password'], { index: [{ names: ['a'], privileges: ['reed'] }] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /^unknown index privilege \[reed\]/);
    res = await ask(['root', 'root-password'], { clusters: ['all'] });
    assert.equal(res.statusCode, 400);
    res = await ask(['root', 'root-password'], {});
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /must specify at least one privilege/);
    res = await ask(['root', 'root-password'], { index: [{ names: Array.from({ length: 101 }, (_, i) => `i${i}`), privileges: Array(10).fill('read') }] });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /too many privileges to check/);
  });
});

describe('_has_privileges with security off', () => {
  test('the anonymous superuser holds everything, unknown names are still refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-hp-'));
    const app = await openApp({ dataDir: dir });
    const server = buildServer(app, {});
    try {
      await server.ready();
      let res = await server.inject({ method: 'POST', url: '/_security/user/_has_privileges', payload: { cluster: ['all', UPDATE], index: [{ names: ['x'], privileges: ['read'] }] } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { username: '_anonymous', has_all_requested: true, cluster: { all: true, [UPDATE]: true }, index: { x: { read: true } }, application: {} });
      res = await server.inject({ method: 'POST', url: '/_security/user/_has_privileges', payload: { cluster: ['nope'] } });
      assert.equal(res.statusCode, 400);
    } finally {
      await server.close();
      for (const c of app.closers) await c();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
