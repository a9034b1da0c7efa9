/**
 * Privileges of the ingest pipeline endpoints, as Elasticsearch's: `read_pipeline` reads and
 * simulates, `manage_pipeline` (or `manage_ingest_pipelines`, `manage`, `all`) also writes;
 * without them, 403 naming the action and the privileges that grant it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({
    users: {
      ...TEST_USERS,
      viewer: { password: 'viewer-password', roles: ['viewer'] },
      builder: { password: 'builder-password', roles: ['builder'] },
      connectorAdmin: { password: 'connector-password', roles: ['keymaker'] },
    },
    roles: { ...TEST_ROLES, viewer: { cluster: ['read_pipeline'] }, builder: { cluster: ['manage_pipeline'] } },
  });
});
after(() => srv.close());

const as = (user: string, method: string, url: string, body?: unknown) =>
  srv.inject({ method: method as 'GET', url, body, auth: [user, `${user === 'connectorAdmin' ? 'connector' : user}-password`] });

describe('ingest pipeline privileges', () => {
  const def = { processors: [{ set: { field: 'a', value: 1 } }] };

  it('manage_pipeline and manage write; read_pipeline reads and simulates', async () => {
    assert.equal((await as('builder', 'PUT', '/_ingest/pipeline/p1', def)).statusCode, 200);
    assert.equal((await as('admin', 'PUT', '/_ingest/pipeline/p2', def)).statusCode, 200);
    assert.equal((await as('viewer', 'GET', '/_ingest/pipeline/p1')).statusCode, 200);
    const sim = await as('viewer', 'POST', '/_ingest/pipeline/p1/_simulate', { docs: [{ _source: {} }] });
    assert.equal(sim.statusCode, 200);
    assert.deepEqual(sim.json().docs[0].doc._source, { a: 1 });
    assert.equal((await as('builder', 'DELETE', '/_ingest/pipeline/p2')).statusCode, 200);
  });

  it('a user without them gets 403 naming the action and the privileges', async () => {
    for (const [user, method, url, action] of [
      ['viewer', 'PUT', '/_ingest/pipeline/p3', 'cluster:admin/ingest/pipeline/put'],
      ['viewer', 'DELETE', '/_ingest/pipeline/p1', 'cluster:admin/ingest/pipeline/delete'],
      ['connectorAdmin', 'GET', '/_ingest/pipeline', 'cluster:admin/ingest/pipeline/get'],
      ['connectorAdmin', 'PUT', '/_ingest/pipeline/p3', 'cluster:admin/ingest/pipeline/put'],
      ['reader', 'POST', '/_ingest/pipeline/_simulate', 'cluster:admin/ingest/pipeline/simulate'],
    ] as const) {
      const res = await as(user, method, url, method === 'GET' || method === 'DELETE' ? undefined : def);
      assert.equal(res.statusCode, 403, `${user} ${method} ${url}: ${res.body}`);
      const reason = res.json().error.reason as string;
      assert.ok(reason.startsWith(`action [${action}] is unauthorized for user [${user}]`), reason);
      const granting = action.endsWith('/get') || action.endsWith('/simulate') ? 'read_pipeline,manage_ingest_pipelines,manage_pipeline,manage,all' : 'manage_ingest_pipelines,manage_pipeline,manage,all';
      assert.ok(reason.endsWith(`this action is granted by the cluster privileges [${granting}]`), reason);
    }
    assert.equal((await as('builder', 'GET', '/_ingest/pipeline/p3')).statusCode, 404, 'nothing was written');
  });
});
