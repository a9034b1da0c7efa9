/**
 * Authorization of every index a request reaches, with security on (issue 11 item 1): `_bulk`
 * items against their own `_index` (not the path's), multi-index paths, writes that would create
 * an index, and the `index_name` a connector will sync into. Users as in the attack: a user with
 * `read, write` on `search-a` only, a connector manager with `all` on `search-*`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ContentIndex } from '../../src/content-index/content-index.js';
import { createIndexWithDocs, startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const USERS = {
  ...TEST_USERS,
  writer: { password: 'writer-password', roles: ['search_a_writer'] },
  deleter: { password: 'deleter-password', roles: ['search_a_deleter'] },
  manager: { password: 'manager-password', roles: ['connector_manager'] },
  logger: { password: 'logger-password', roles: ['logs_appender'] },
};
const ROLES = {
  ...TEST_ROLES,
  search_a_writer: { indices: [{ names: ['search-a', 'search-w'], privileges: ['read', 'write'] }] },
  search_a_deleter: { indices: [{ names: ['search-a'], privileges: ['delete'] }] },
  connector_manager: { cluster: ['manage_connector', 'manage_own_api_key'], indices: [{ names: ['search-*'], privileges: ['all'] }] },
  logs_appender: { cluster: ['manage_connector'], indices: [{ names: ['logs'], privileges: ['create_doc'] }] },
};
const auth = (user: keyof typeof USERS): [string, string] => [user, USERS[user].password];
const granted = (privileges: string) => `this action is granted by the index privileges [${privileges}]`;
const BULK_S = granted('create_doc,create,delete,index,write,all');
const AUTO_CREATE = granted('auto_configure,create_index,manage,all');

let srv: SecureServer;
let ci: ContentIndex;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  ci = srv.app.contentIndex as ContentIndex;
  await createIndexWithDocs(srv, auth('root'), 'search-a', undefined, []);
  await createIndexWithDocs(srv, auth('root'), 'private-b', undefined, [{ id: 'secret', owner: 'b' }]);
});
after(() => srv.close());

const nd = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
async function bulk(user: keyof typeof USERS, url: string, body: string) {
  return srv.inject({ method: 'POST', url, auth: auth(user), payload: body, headers: { 'content-type': 'application/x-ndjson' } });
}
const itemsOf = (res: { json(): any }) => (res.json().items as Record<string, any>[]).map((i) => Object.values(i)[0]);

describe('_bulk: every item is authorized against its own index and action', () => {
  test('a user with write on search-a cannot reach private-b nor create .elastic-connectors-v1 through /search-a/_bulk', async () => {
    const res = await bulk('writer', '/search-a/_bulk', nd(
      { index: { _id: 'mine' } }, { title: 'allowed' },
      { index: { _index: 'private-b', _id: 'planted' } }, { title: 'not allowed' },
      { delete: { _index: 'private-b', _id: 'secret' } },
      { update: { _index: 'private-b', _id: 'secret' } }, { doc: { owner: 'writer' } },
      { create: { _index: '.elastic-connectors-v1', _id: 'c1' } }, { name: 'fake connector' },
      { update: { _index: 'search-a', _id: 'mine' } }, { doc: { more: 1 } },
    ));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().errors, true);
    const items = itemsOf(res);
    assert.deepEqual(items.map((i) => i.status), [201, 403, 403, 403, 403, 200]);
    const who = 'is unauthorized for user [writer] with effective roles [search_a_writer]';
    assert.deepEqual(items[1], {
      _index: 'private-b', _id: 'planted', status: 403,
      error: { type: 'security_exception', reason: `action [indices:data/write/bulk[s]] ${who} on indices [private-b], ${BULK_S}` },
    });
    assert.equal(items[2].error.reason, `action [indices:data/write/bulk[s]] ${who} on indices [private-b], ${BULK_S}`);
    assert.deepEqual(items[4].error, {
      type: 'security_exception',
      reason: `action [indices:admin/auto_create] ${who} on indices [.elastic-connectors-v1], ${AUTO_CREATE}`,
    });
    // nothing reached private-b, no index was created
    const secret = await srv.inject({ method: 'GET', url: '/private-b/_doc/secret', auth: auth('root') });
    assert.deepEqual(secret.json()._source, { owner: 'b' });
    assert.equal(ci.count('private-b').count, 1);
    assert.equal(ci.exists('.elastic-connectors-v1'), false);
    assert.deepEqual(ci.listIndices().sort(), ['private-b', 'search-a']);
    assert.deepEqual(ci.getDocument('search-a', 'mine').body._source, { title: 'allowed', more: 1 });
  });

  test('POST /_bulk (no path index) runs the items the user may write and refuses the others', async () => {
    const res = await bulk('writer', '/_bulk', nd(
      { index: { _index: 'search-a', _id: 'top' } }, { a: 1 },
      { delete: { _index: 'private-b', _id: 'secret' } },
    ));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(itemsOf(res).map((i) => [i.status, i.error?.type]), [[201, undefined], [403, 'security_exception']]);
    assert.equal(ci.getDocument('private-b', 'secret').status, 200);
  });

  test('the path index is only a default: /private-b/_bulk may still write search-a', async () => {
    const res = await bulk('writer', '/private-b/_bulk', nd(
      { index: { _index: 'search-a', _id: 'via-b' } }, { a: 1 },
      { index: { _id: 'into-b' } }, { a: 1 },
    ));
    assert.deepEqual(itemsOf(res).map((i) => [i.status, i._index]), [[201, 'search-a'], [403, 'private-b']]);
    assert.equal(ci.getDocument('private-b', 'into-b').status, 404);
  });

  test('each item needs its own action: delete on search-a does not allow indexing there', async () => {
    const res = await bulk('deleter', '/_bulk', nd(
      { index: { _index: 'search-a', _id: 'd1' } }, { a: 1 },
      { create: { _index: 'search-a', _id: 'd2' } }, { a: 1 },
      { update: { _index: 'search-a', _id: 'mine' } }, { doc: { a: 1 } },
      { delete: { _index: 'search-a', _id: 'top' } },
    ));
    const items = itemsOf(res);
    assert.deepEqual(items.map((i) => i.status), [403, 403, 403, 200]);
    const who = 'is unauthorized for user [deleter] with effective roles [search_a_deleter] on indices [search-a]';
    assert.equal(items[0].error.reason, `action [indices:data/write/index:op_type/index] ${who}, ${granted('create,index,write,all')}`);
    assert.equal(items[1].error.reason, `action [indices:data/write/index:op_type/create] ${who}, ${granted('create_doc,create,index,write,all')}`);
    assert.equal(items[2].error.reason, `action [indices:data/write/update] ${who}, ${granted('index,write,all')}`);
  });

  test('an API key is held to its own role descriptors item by item', async () => {
    const created = await srv.inject({
      method: 'POST', url: '/_security/api_key', auth: auth('manager'),
      body: { name: 'only-search-b', role_descriptors: { r: { indices: [{ names: ['search-b'], privileges: ['all'] }] } } },
    });
    assert.equal(created.statusCode, 200, created.body);
    const { id, encoded } = created.json();
    const res = await srv.inject({
      method: 'POST', url: '/_bulk', apiKey: encoded, headers: { 'content-type': 'application/x-ndjson' },
      payload: nd({ index: { _index: 'search-b', _id: '1' } }, { a: 1 }, { index: { _index: 'search-a', _id: 'k' } }, { a: 1 }),
    });
    const items = itemsOf(res);
    assert.deepEqual(items.map((i) => i.status), [201, 403]);
    assert.equal(items[1].error.reason, `action [indices:data/write/bulk[s]] is unauthorized for API key id [${id}] of user [manager] on indices [search-a], ${BULK_S}`);
  });

  test('a user without any write privilege is refused the whole request', async () => {
    const res = await bulk('nobody', '/search-a/_bulk', nd({ index: { _id: 'n' } }, { a: 1 }));
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.reason, `action [indices:data/write/bulk] is unauthorized for user [nobody] with effective roles [], ${BULK_S}`);
  });

  test('a source line nested 20 000 deep fails alone over HTTP (issue 11 item 18)', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const res = await bulk('root', '/search-a/_bulk', `{"index":{"_id":"deep"}}\n${deep}\n{"index":{"_id":"flat"}}\n{"a":1}\n`);
    assert.equal(res.statusCode, 200, res.body.slice(0, 300));
    assert.deepEqual(itemsOf(res).map((i) => [i.status, i.error?.type]), [[400, 'document_parsing_exception'], [201, undefined]]);
  });
});

describe('single-document writes and multi-index paths', () => {
  test('a write that would create an index needs auto_create there, as in Elasticsearch', async () => {
    let res = await srv.inject({ method: 'PUT', url: '/search-a/_doc/w1', auth: auth('writer'), body: { a: 1 } });
    assert.equal(res.statusCode, 201);
    for (const [method, url, body] of [
      ['PUT', '/search-new/_doc/1', { a: 1 }], ['POST', '/search-new/_doc', { a: 1 }], ['PUT', '/search-new/_create/1', { a: 1 }],
      ['POST', '/search-new/_update/1', { doc: { a: 1 }, doc_as_upsert: true }],
    ] as const) {
      res = await srv.inject({ method, url, auth: auth('manager'), body: body as object });
      assert.ok(res.statusCode < 300, `${url} ${res.body}`);
      ci.deleteIndex('search-new');
    }
    const who = 'is unauthorized for user [writer] with effective roles [search_a_writer] on indices';
    for (const [method, url, body] of [
      ['PUT', '/search-w/_doc/1', { a: 1 }], ['POST', '/search-w/_doc', { a: 1 }], ['PUT', '/search-w/_create/1', { a: 1 }],
      ['POST', '/search-w/_update/1', { doc: { a: 1 }, doc_as_upsert: true }],
    ] as const) {
      res = await srv.inject({ method, url, auth: auth('writer'), body: body as object });
      assert.equal(res.statusCode, 403, `${url} ${res.body}`);
      assert.equal(res.json().error.reason, `action [indices:admin/auto_create] ${who} [search-w], ${AUTO_CREATE}`);
    }
    assert.equal(ci.exists('search-w'), false);
    res = await srv.inject({ method: 'PUT', url: '/search-z/_doc/1', auth: auth('writer'), body: { a: 1 } });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.reason, `action [indices:data/write/index] ${who} [search-z], ${granted('create_doc,create,index,write,all')}`);
  });

  test('every index a path names is authorized; wildcards reach nothing the user may not read', async () => {
    for (const [method, url] of [
      ['GET', '/search-a,private-b/_search'], ['POST', '/search-a,private-b/_count'], ['POST', '/search-a,private-b/_refresh'],
      ['POST', '/search-a,private-b/_delete_by_query'], ['GET', '/private-b/_doc/secret'], ['GET', '/search-*/_search'],
      ['GET', '/*/_search'], ['GET', '/_all/_search'], ['GET', '/_cat/indices'], ['GET', '/_cat/indices/private-b'],
    ] as const) {
      const res = await srv.inject({ method, url, auth: auth('writer'), body: url.includes('delete_by_query') ? { query: { match_all: {} } } : undefined });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error.type, 'security_exception');
      assert.doesNotMatch(res.body, /"owner"/);
    }
    // _cat/indices expands to the indices the caller may monitor, as a wildcard does in Elasticsearch
    const cat = await srv.inject({ method: 'GET', url: '/_cat/indices', auth: auth('manager') });
    assert.equal(cat.statusCode, 200, cat.body);
    const listed = (cat.json() as { index: string }[]).map((r) => r.index);
    assert.ok(listed.includes('search-a') && !listed.includes('private-b'), listed.join());
    const all = (await srv.inject({ method: 'GET', url: '/_cat/indices', auth: auth('root') })).json() as { index: string }[];
    assert.ok(all.some((r) => r.index === 'private-b'));
    // the manager may name search-* literally; the embedded index serves one concrete index
    const res = await srv.inject({ method: 'GET', url: '/search-*/_search', auth: auth('manager') });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /one concrete index per request/);
  });
});

describe('a connector syncs only into an index its creator may write (index and delete documents)', () => {
  test('a name no index has yet is the connector\'s own new index, as in Elasticsearch (manage_connector suffices)', async () => {
    // the manager holds nothing on private-*: a new index is still its connector's to create
    let res = await srv.inject({ method: 'PUT', url: '/_connector/fresh', auth: auth('manager'), body: connector('private-new') });
    assert.equal(res.statusCode, 201, res.body);
    res = await srv.inject({ method: 'PUT', url: '/_connector/fresh/_index_name', auth: auth('manager'), body: { index_name: 'private-b' } });
    assert.equal(res.statusCode, 403, 'private-b exists and holds content');
    res = await srv.inject({ method: 'DELETE', url: '/_connector/fresh', auth: auth('root') });
    assert.equal(res.statusCode, 200, res.body);
  });

  const connector = (index_name: string | null) => ({ index_name, name: 'c', service_type: 'directory' });
  const who = (user: string, role: string) => `is unauthorized for user [${user}] with effective roles [${role}]`;

  test('PUT and POST /_connector refuse an index_name outside the caller\'s write privileges', async () => {
    let res = await srv.inject({ method: 'PUT', url: '/_connector/c1', auth: auth('manager'), body: connector('private-b') });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.reason, `action [indices:data/write/index] ${who('manager', 'connector_manager')} on indices [private-b], ${granted('create_doc,create,index,write,all')}`);
    res = await srv.inject({ method: 'POST', url: '/_connector', auth: auth('manager'), body: connector('.elastic-connectors-v1') });
    assert.equal(res.statusCode, 403);
    res = await srv.inject({ method: 'GET', url: '/_connector', auth: auth('root') });
    assert.equal(res.json().count, 0);
    res = await srv.inject({ method: 'PUT', url: '/_connector/c1', auth: auth('manager'), body: connector('search-c1') });
    assert.equal(res.statusCode, 201, res.body);
    res = await srv.inject({ method: 'PUT', url: '/_connector/c0', auth: auth('manager'), body: connector(null) });
    assert.equal(res.statusCode, 201, res.body);
  });

  test('PUT /_connector/<id>/_index_name and the system-index update are checked too', async () => {
    let res = await srv.inject({ method: 'PUT', url: '/_connector/c1/_index_name', auth: auth('manager'), body: { index_name: 'private-b' } });
    assert.equal(res.statusCode, 403);
    res = await srv.inject({ method: 'POST', url: '/.elastic-connectors/_update/c1', auth: auth('admin'), body: { doc: { index_name: 'private-b' } } });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(res.json().error.reason, `action [indices:data/write/index] ${who('admin', 'admin')} on indices [private-b], ${granted('create_doc,create,index,write,all')}`);
    res = await srv.inject({ method: 'GET', url: '/_connector/c1', auth: auth('root') });
    assert.equal(res.json().index_name, 'search-c1');
    // a pending job's connector snapshot is where the worker writes: it is checked too
    res = await srv.inject({ method: 'POST', url: '/_connector/_sync_job', auth: auth('manager'), body: { id: 'c1' } });
    assert.equal(res.statusCode, 201, res.body);
    const job = res.json().id;
    res = await srv.inject({ method: 'POST', url: `/.elastic-connectors-sync-jobs/_update/${job}`, auth: auth('admin'), body: { doc: { connector: { index_name: 'private-b' } } } });
    assert.equal(res.statusCode, 403, res.body);
    res = await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${job}`, auth: auth('root') });
    assert.equal(res.json().connector.index_name, 'search-c1');
    res = await srv.inject({ method: 'PUT', url: '/_connector/c1/_index_name', auth: auth('manager'), body: { index_name: 'search-c2' } });
    assert.equal(res.statusCode, 200, res.body);
    res = await srv.inject({ method: 'PUT', url: '/_connector/c1/_index_name', auth: auth('root'), body: { index_name: 'private-b' } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('create_doc is not enough: a sync also deletes documents', async () => {
    assert.equal((await srv.inject({ method: 'PUT', url: '/logs', auth: auth('root') })).statusCode, 200);
    const res = await srv.inject({ method: 'PUT', url: '/_connector/c2', auth: auth('logger'), body: connector('logs') });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.reason, `action [indices:data/write/delete] ${who('logger', 'logs_appender')} on indices [logs], ${granted('delete,write,all')}`);
  });
});
