/**
 * API keys (issue 4): creation in Elasticsearch's shape, `ApiKey` authentication, privileges
 * limited to the intersection of the key's role descriptors and its owner's roles,
 * invalidation, expiry, `GET /_security/api_key` and `_authenticate`, keys stored hashed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { startSecureServer, type SecureServer } from '../helpers/secure-server.js';

let srv: SecureServer;
const root: [string, string] = ['root', 'root-password'];
const reader: [string, string] = ['reader', 'reader-password'];
const keymaker: [string, string] = ['keymaker', 'keymaker-password'];

before(async () => {
  srv = await startSecureServer();
  const res = await srv.inject({ method: 'PUT', url: '/_connector/c1', auth: root, body: { index_name: 'search-c1' } });
  assert.equal(res.statusCode, 201, res.body);
});
after(() => srv.close());

async function createKey(auth: [string, string], body: Record<string, unknown>) {
  const res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth, body });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { id: string; name: string; api_key: string; encoded: string; expiration?: number };
}

describe('API keys', () => {
  test('create answers {id, name, api_key, encoded} and the key authenticates', async () => {
    const key = await createKey(keymaker, { name: 'k1' });
    assert.deepEqual(Object.keys(key).sort(), ['api_key', 'encoded', 'id', 'name']);
    assert.equal(key.id.length, 20);
    assert.equal(Buffer.from(key.encoded, 'base64').toString(), `${key.id}:${key.api_key}`);
    const me = await srv.inject({ method: 'GET', url: '/_security/_authenticate', apiKey: key.encoded });
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual(me.json(), {
      username: 'keymaker', roles: [], full_name: null, email: null, metadata: {}, enabled: true,
      authentication_realm: { name: '_es_api_key', type: '_es_api_key' },
      lookup_realm: { name: '_es_api_key', type: '_es_api_key' },
      authentication_type: 'api_key', api_key: { id: key.id, name: 'k1' },
    });
    // Without role descriptors the key has its owner's privileges (manage_connector; no index
    // privileges, so no index_name: see security-index-targets.test.ts).
    const put = await srv.inject({ method: 'PUT', url: '/_connector/c-k1', apiKey: key.encoded, body: { index_name: null, name: 'k1' } });
    assert.equal(put.statusCode, 201, put.body);
  });

  test('a key limited to monitor_connector can read connectors but not write them', async () => {
    const key = await createKey(keymaker, { name: 'ro', role_descriptors: { ro: { cluster: ['monitor_connector'] } } });
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector/c1', apiKey: key.encoded })).statusCode, 200);
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector', apiKey: key.encoded })).statusCode, 200);
    const put = await srv.inject({ method: 'PUT', url: '/_connector/c2', apiKey: key.encoded, body: { index_name: 'search-c2' } });
    assert.equal(put.statusCode, 403);
    assert.equal(
      put.json().error.reason,
      `action [cluster:admin/xpack/connector/put] is unauthorized for API key id [${key.id}] of user [keymaker], this action is granted by the cluster privileges [manage_connector,manage,all]`,
    );
    const secret = await srv.inject({ method: 'POST', url: '/_connector/_secret', apiKey: key.encoded, body: { value: 'x' } });
    assert.equal(secret.statusCode, 403);
  });

  test("a key never exceeds its owner's privileges (intersection)", async () => {
    const key = await createKey(reader, { name: 'wide', role_descriptors: { everything: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] } } });
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector/c1', apiKey: key.encoded })).statusCode, 200);
    const put = await srv.inject({ method: 'PUT', url: '/_connector/c3', apiKey: key.encoded, body: { index_name: 'search-c3' } });
    assert.equal(put.statusCode, 403);
  });

  test('invalidated keys are refused; invalidating twice reports previously invalidated', async () => {
    const key = await createKey(reader, { name: 'short-lived' });
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector', apiKey: key.encoded })).statusCode, 200);
    // manage_own_api_key: ids alone are not "own keys"; with owner=true they are.
    const denied = await srv.inject({ method: 'DELETE', url: '/_security/api_key', auth: reader, body: { ids: [key.id] } });
    assert.equal(denied.statusCode, 403, denied.body);
    let res = await srv.inject({ method: 'DELETE', url: '/_security/api_key', auth: reader, body: { ids: [key.id], owner: true } });
    assert.deepEqual(res.json(), { invalidated_api_keys: [key.id], previously_invalidated_api_keys: [], error_count: 0 });
    res = await srv.inject({ method: 'DELETE', url: '/_security/api_key', auth: root, body: { ids: [key.id] } });
    assert.deepEqual(res.json(), { invalidated_api_keys: [], previously_invalidated_api_keys: [key.id], error_count: 0 });
    res = await srv.inject({ method: 'GET', url: '/_connector', apiKey: key.encoded });
    assert.equal(res.statusCode, 401);
    const err = res.json().error;
    assert.equal(err.type, 'security_exception');
    assert.equal(err.reason, 'unable to authenticate with provided credentials and anonymous access is not allowed for this request');
    assert.equal(err.additional_unsuccessful_credentials, `API key: api key [${key.id}] has been invalidated`);
  });

  test('expired keys are refused', async () => {
    const key = await createKey(reader, { name: 'expiring', expiration: '50ms' });
    assert.equal(typeof key.expiration, 'number');
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector', apiKey: key.encoded })).statusCode, 200);
    await sleep(80);
    const res = await srv.inject({ method: 'GET', url: '/_connector', apiKey: key.encoded });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.additional_unsuccessful_credentials, 'API key: api key is expired');
  });

  test('a wrong key secret is refused without echoing it', async () => {
    const key = await createKey(reader, { name: 'k-wrong' });
    const bad = Buffer.from(`${key.id}:not-the-key-123`).toString('base64');
    const res = await srv.inject({ method: 'GET', url: '/_connector', apiKey: bad });
    assert.equal(res.statusCode, 401);
    assert.ok(!res.body.includes('not-the-key-123') && !res.body.includes(bad));
    assert.equal(res.json().error.additional_unsuccessful_credentials, `API key: invalid credentials for API key [${key.id}]`);
  });

  test('GET /_security/api_key lists keys without secrets; manage_own_api_key sees only its own', async () => {
    const key = await createKey(reader, { name: 'listed', metadata: { team: 'a' } });
    let res = await srv.inject({ method: 'GET', url: '/_security/api_key?owner=true&name=listed', auth: reader });
    assert.equal(res.statusCode, 200, res.body);
    const [item] = res.json().api_keys;
    assert.equal(res.json().api_keys.length, 1);
    assert.deepEqual(
      { ...item, creation: 0 },
      { id: key.id, name: 'listed', type: 'rest', creation: 0, invalidated: false, username: 'reader', realm: 'default_file', realm_type: 'file', metadata: { team: 'a' }, role_descriptors: {} },
    );
    assert.ok(!res.body.includes(key.api_key) && !res.body.includes('key_hash'));
    // Another user's keys need manage_api_key.
    res = await srv.inject({ method: 'GET', url: '/_security/api_key?username=keymaker', auth: reader });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().error.reason, /this action is granted by the cluster privileges \[read_security,manage_api_key,manage_security,all\]$/);
    res = await srv.inject({ method: 'GET', url: '/_security/api_key?username=reader&name=list*', auth: root });
    assert.deepEqual(res.json().api_keys.map((k: { id: string }) => k.id), [key.id]);
    res = await srv.inject({ method: 'GET', url: `/_security/api_key?id=${key.id}&with_limited_by=true`, auth: root });
    assert.deepEqual(res.json().api_keys[0].limited_by, [{ reader: { cluster: ['monitor_connector', 'manage_own_api_key'], indices: [] } }]);
    // A key may look itself up.
    res = await srv.inject({ method: 'GET', url: `/_security/api_key?id=${key.id}`, apiKey: key.encoded });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().api_keys[0].id, key.id);
  });

  test('keys are stored hashed', async () => {
    const key = await createKey(reader, { name: 'hashed' });
    const files = ['state.db', 'state.db-wal'].map((f) => {
      try {
        return readFileSync(join(srv.dataDir, f));
      } catch {
        return Buffer.alloc(0);
      }
    });
    for (const bytes of files) assert.equal(bytes.indexOf(key.api_key), -1);
    assert.ok(files.some((b) => b.indexOf(key.id) !== -1), 'the id is stored');
  });

  test('request validation', async () => {
    let res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: reader, body: {} });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.reason, 'Validation Failed: 1: api key name is required;');
    res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: reader, body: { name: 'x', expiration: 'soon' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.caused_by.reason, 'failed to parse setting [expiration] with value [soon] as a time value: unit is missing or unrecognized');
    res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: reader, body: { name: 'x', role_descriptors: { r: { cluster: ['fly'] } } } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /unknown cluster privilege \[fly\]/);
    res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: reader, body: { name: 'x', colour: 'red' } });
    assert.equal(res.json().error.type, 'x_content_parse_exception');
    res = await srv.inject({ method: 'DELETE', url: '/_security/api_key', auth: root, body: {} });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /One of \[api key id\(s\), api key name, username, realm name\] must be specified/);
  });

  test('a key can only create derived keys without privileges', async () => {
    const key = await createKey(keymaker, { name: 'parent' });
    let res = await srv.inject({ method: 'POST', url: '/_security/api_key', apiKey: key.encoded, body: { name: 'child' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.reason, /derived api keys requires an explicit role descriptor that is empty/);
    res = await srv.inject({ method: 'POST', url: '/_security/api_key', apiKey: key.encoded, body: { name: 'child', role_descriptors: { none: {} } } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('PUT creates a key too; users without manage_own_api_key get 403', async () => {
    assert.equal((await srv.inject({ method: 'PUT', url: '/_security/api_key', auth: reader, body: { name: 'put' } })).statusCode, 200);
    const res = await srv.inject({ method: 'POST', url: '/_security/api_key', auth: ['nobody', 'nobody-password'], body: { name: 'n' } });
    assert.equal(res.statusCode, 403);
    assert.equal(
      res.json().error.reason,
      'action [cluster:admin/xpack/security/api_key/create] is unauthorized for user [nobody] with effective roles [], this action is granted by the cluster privileges [manage_own_api_key,manage_api_key,manage_security,all]',
    );
  });
});

describe('API keys without an API key store', () => {
  test('the endpoints answer 400 with the reason', async () => {
    const s = await startSecureServer({}, { storeWithoutApiKeys: true });
    try {
      const res = await s.inject({ method: 'POST', url: '/_security/api_key', auth: root, body: { name: 'x' } });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.reason, 'API keys are not available with the [postgres] state store yet');
      const auth = await s.inject({ method: 'GET', url: '/_connector', apiKey: Buffer.from('a:b').toString('base64') });
      assert.equal(auth.statusCode, 401);
    } finally {
      await s.close();
    }
  });
});
