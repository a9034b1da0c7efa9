import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeAction, type ActionRequest, type Subject } from './authorize.js';
import { parseAuthorization } from './credentials.js';
import { clusterPrivilegesGranting, indexPrivilegesGranting } from './privileges.js';
import { compile, parseRoleDescriptor, SUPERUSER } from './roles.js';

const C = 'cluster:admin/xpack/connector/';

function user(name: string, roles: Record<string, unknown>): Subject {
  const descriptors = Object.entries(roles).map(([n, d]) => parseRoleDescriptor(n, d));
  return { username: name, roles: Object.keys(roles), permission: compile(descriptors) };
}

function can(s: Subject, action: string, extra: Partial<ActionRequest> = {}): boolean {
  return authorizeAction(s, { action, indices: ['*'], ...extra }) === null;
}

describe('cluster privileges', () => {
  test('manage_connector: every connector and sync-job action, no secrets', () => {
    const s = user('u', { r: { cluster: ['manage_connector'] } });
    for (const a of ['put', 'post', 'get', 'list', 'delete', 'update_name', 'sync_job/post', 'sync_job/claim']) assert.ok(can(s, C + a), a);
    for (const a of ['secret/get', 'secret/post', 'secret/put', 'secret/delete']) assert.ok(!can(s, C + a), a);
  });

  test('monitor_connector: get and list only', () => {
    const s = user('u', { r: { cluster: ['monitor_connector'] } });
    for (const a of ['get', 'list', 'sync_job/get', 'sync_job/list']) assert.ok(can(s, C + a), a);
    for (const a of ['put', 'update_status', 'sync_job/post', 'sync_job/cancel']) assert.ok(!can(s, C + a), a);
  });

  test('monitor grants cluster:monitor/* but not connector reads (as in Elasticsearch)', () => {
    const s = user('u', { r: { cluster: ['monitor'] } });
    assert.ok(can(s, 'cluster:monitor/main'));
    assert.ok(!can(s, C + 'get'));
  });

  test('secret privileges', () => {
    const r = user('u', { r: { cluster: ['read_connector_secrets'] } });
    const w = user('u', { r: { cluster: ['write_connector_secrets'] } });
    assert.ok(can(r, C + 'secret/get') && !can(r, C + 'secret/post'));
    assert.ok(!can(w, C + 'secret/get') && can(w, C + 'secret/put') && can(w, C + 'secret/delete') && can(w, C + 'secret/post'));
    assert.ok(can(user('u', { r: { cluster: ['manage'] } }), C + 'secret/get'), 'manage covers every non-security cluster action');
  });

  test('manage excludes security actions; manage_security and all include them', () => {
    const key = 'cluster:admin/xpack/security/api_key/create';
    assert.ok(!can(user('u', { r: { cluster: ['manage'] } }), key));
    assert.ok(can(user('u', { r: { cluster: ['manage_security'] } }), key));
    assert.ok(can(user('u', { r: { cluster: ['manage_api_key'] } }), key));
    assert.ok(can({ username: 's', roles: ['superuser'], permission: compile([SUPERUSER]) }, key));
  });

  test('manage_own_api_key only for requests about own keys', () => {
    const s = user('u', { r: { cluster: ['manage_own_api_key'] } });
    assert.ok(can(s, 'cluster:admin/xpack/security/api_key/get', { ownApiKeys: true }));
    assert.ok(!can(s, 'cluster:admin/xpack/security/api_key/get', { ownApiKeys: false }));
  });

  test('action patterns are accepted as privileges', () => {
    const s = user('u', { r: { cluster: ['cluster:admin/xpack/connector/sync_job/*'] } });
    assert.ok(can(s, C + 'sync_job/claim') && !can(s, C + 'put'));
  });

  test('everyone may call _authenticate', () => {
    assert.ok(can(user('u', {}), 'cluster:admin/xpack/security/user/authenticate'));
  });
});

describe('index privileges on the connector indices', () => {
  const reader = user('u', { r: { indices: [{ names: ['.elastic-connectors*'], privileges: ['read'] }] } });
  const writer = user('u', { r: { indices: [{ names: ['.elastic-connectors-v1', '.elastic-connectors-sync-jobs-v1'], privileges: ['write'] }] } });

  test('read grants the connector and sync-job reads', () => {
    for (const a of ['get', 'list', 'sync_job/get', 'sync_job/list']) assert.ok(can(reader, C + a), a);
    for (const a of ['put', 'update_error', 'sync_job/post']) assert.ok(!can(reader, C + a), a);
  });

  test('write grants the writes; index privileges never grant secrets', () => {
    for (const a of ['put', 'update_error', 'delete', 'sync_job/post', 'sync_job/claim']) assert.ok(can(writer, C + a), a);
    assert.ok(!can(writer, C + 'get'));
    assert.ok(!can(user('u', { r: { indices: [{ names: ['*'], privileges: ['all'] }] } }), C + 'secret/get'));
  });

  test('delete with delete_sync_jobs needs the sync-job index too', () => {
    const only = user('u', { r: { indices: [{ names: ['.elastic-connectors-v1'], privileges: ['all'] }] } });
    assert.ok(can(only, C + 'delete'));
    assert.ok(!can(only, C + 'delete', { deleteSyncJobs: true }));
  });

  test('the system-index alias is covered by privileges on its concrete index', () => {
    assert.ok(can(writer, 'indices:data/write/update', { indices: ['.elastic-connectors'] }));
    assert.ok(!can(reader, 'indices:data/write/update', { indices: ['.elastic-connectors'] }));
  });
});

describe('content index actions', () => {
  const s = user('u', { r: { indices: [{ names: ['search-*'], privileges: ['read', 'index'] }, { names: ['logs'], privileges: ['create_doc'] }] } });
  test('per index name and privilege', () => {
    assert.ok(can(s, 'indices:data/read/search', { indices: ['search-a'] }));
    assert.ok(can(s, 'indices:data/write/bulk', { indices: ['search-a', 'logs'] }));
    assert.ok(!can(s, 'indices:data/write/delete', { indices: ['search-a'] }));
    assert.ok(!can(s, 'indices:admin/create', { indices: ['search-a'] }));
    assert.ok(!can(s, 'indices:data/read/search', { indices: ['other'] }));
    assert.ok(!can(s, 'indices:data/read/search', { indices: ['*'] }), 'no index named: all indices');
    assert.ok(can(s, 'indices:data/read/search', { indices: ['search-*'] }));
  });

  test('a composite action (bulk) needs the action on some index only; its items are checked one by one', () => {
    assert.ok(can(s, 'indices:data/write/bulk', { indices: [], composite: true }));
    assert.ok(!can(user('n', { r: {} }), 'indices:data/write/bulk', { indices: [], composite: true }));
    const reader = user('r', { r: { indices: [{ names: ['search-*'], privileges: ['read'] }] } });
    assert.equal(
      authorizeAction(reader, { action: 'indices:data/write/bulk', indices: [], composite: true }),
      'action [indices:data/write/bulk] is unauthorized for user [r] with effective roles [r], this action is granted by the index privileges [create_doc,create,delete,index,write,all]',
    );
    assert.ok(can(s, 'indices:data/write/index:op_type/index', { indices: ['search-a'] }));
    assert.ok(!can(s, 'indices:data/write/index:op_type/index', { indices: ['logs'] }), 'create_doc cannot overwrite');
    assert.ok(can(s, 'indices:data/write/index:op_type/create', { indices: ['logs'] }));
    assert.ok(!can(s, 'indices:admin/auto_create', { indices: ['search-new'] }), 'index does not create indices');
    assert.deepEqual(indexPrivilegesGranting('indices:admin/auto_create'), ['auto_configure', 'create_index', 'manage', 'all']);
    assert.ok(can(user('a', { r: { indices: [{ names: ['x'], privileges: ['auto_configure'] }] } }), 'indices:admin/auto_create', { indices: ['x'] }));
  });
});

describe('API keys and messages', () => {
  test('a key may do what both its descriptors and its owner allow', () => {
    const owner = user('o', { r: { cluster: ['manage_connector'] } });
    const limited: Subject = { ...owner, apiKey: { id: 'K', name: 'k', permission: compile([parseRoleDescriptor('ro', { cluster: ['monitor_connector', 'manage_security'] })]) } };
    assert.ok(can(limited, C + 'get'));
    assert.ok(!can(limited, C + 'put'));
    assert.ok(!can(limited, 'cluster:admin/xpack/security/api_key/create'), 'not beyond the owner');
    assert.equal(
      authorizeAction(limited, { action: C + 'put', indices: ['*'] }),
      'action [cluster:admin/xpack/connector/put] is unauthorized for API key id [K] of user [o], this action is granted by the cluster privileges [manage_connector,manage,all]',
    );
  });

  test('Elasticsearch denial texts', () => {
    const s = user('bob', { a: {}, b: { cluster: ['monitor'] } });
    assert.equal(
      authorizeAction(s, { action: C + 'get', indices: ['*'] }),
      'action [cluster:admin/xpack/connector/get] is unauthorized for user [bob] with effective roles [a,b], this action is granted by the cluster privileges [monitor_connector,manage_connector,manage,all]',
    );
    assert.equal(
      authorizeAction(s, { action: 'indices:data/write/bulk', indices: ['search-x'] }),
      'action [indices:data/write/bulk] is unauthorized for user [bob] with effective roles [a,b] on indices [search-x], this action is granted by the index privileges [create_doc,create,delete,index,write,all]',
    );
  });

  test('granting lists are ordered least privileged first', () => {
    assert.deepEqual(clusterPrivilegesGranting('cluster:monitor/main'), ['monitor', 'manage', 'all']);
    assert.deepEqual(indexPrivilegesGranting('indices:admin/create'), ['create_index', 'manage', 'all']);
    assert.deepEqual(indexPrivilegesGranting('indices:data/read/search'), ['read', 'all']);
  });
});

describe('role descriptors', () => {
  test('unknown privileges and unenforceable fields are refused', () => {
    assert.throws(() => parseRoleDescriptor('r', { cluster: ['fly'] }), /unknown cluster privilege \[fly\]/);
    assert.throws(() => parseRoleDescriptor('r', { indices: [{ names: ['a'], privileges: ['peek'] }] }), /unknown index privilege \[peek\]/);
    assert.throws(() => parseRoleDescriptor('r', { indices: [{ names: ['a'], privileges: ['read'], query: '{}' }] }), /invalid role query: a query object must have exactly one query type/);
    assert.throws(() => parseRoleDescriptor('r', { run_as: ['other'] }), /not supported/);
    assert.throws(() => parseRoleDescriptor('r', { indices: [{ privileges: ['read'] }] }), /\[names\] is required/);
    assert.throws(() => parseRoleDescriptor('r', { colour: 'red' }), /unknown field \[colour\]/);
    assert.deepEqual(parseRoleDescriptor('r', { cluster: [], run_as: [], indices: [] }), { cluster: [], indices: [] });
  });
});

describe('Authorization header', () => {
  test('Basic and ApiKey', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    assert.deepEqual(parseAuthorization(`Basic ${b64('a:b:c')}`), { kind: 'basic', username: 'a', password: 'b:c' });
    assert.deepEqual(parseAuthorization(`basic ${b64('ü:p')}`), { kind: 'basic', username: 'ü', password: 'p' });
    assert.deepEqual(parseAuthorization(`ApiKey ${b64('id:key')}`), { kind: 'api_key', id: 'id', key: 'key' });
    assert.deepEqual(parseAuthorization(undefined), { kind: 'none' });
    assert.deepEqual(parseAuthorization(`Basic ${b64('nocolon')}`), { kind: 'invalid', scheme: 'basic' });
    assert.deepEqual(parseAuthorization('Basic !!!'), { kind: 'invalid', scheme: 'basic' });
    assert.deepEqual(parseAuthorization(`ApiKey ${b64('id:')}`), { kind: 'invalid', scheme: 'api_key' });
    assert.deepEqual(parseAuthorization('Bearer abc'), { kind: 'unsupported', scheme: 'bearer' });
  });
});
