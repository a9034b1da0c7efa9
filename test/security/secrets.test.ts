/**
 * Connector secrets (connector-api.md §8, issue 4): the endpoints' statuses and messages, the
 * read/write secret privileges, values unreadable in the SQLite file, the key file and key
 * rotation.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openApp } from '../../src/app/open-app.js';
import { reencryptSecrets, rotateSecretKey } from '../../src/security/key-rotation.js';
import { createCodec, loadKeyring } from '../../src/security/secret-codec.js';
import { startSecureServer, type SecureServer } from '../helpers/secure-server.js';

const root: [string, string] = ['root', 'root-password'];
const ROLES = {
  secrets: { cluster: ['read_connector_secrets', 'write_connector_secrets'] },
  secretReader: { cluster: ['read_connector_secrets'] },
  connectors: { cluster: ['manage_connector'] },
};
const USERS = {
  root: { password: 'root-password', roles: ['superuser'] },
  sec: { password: 'sec-password', roles: ['secrets'] },
  peek: { password: 'peek-password', roles: ['secretReader'] },
  conn: { password: 'conn-password', roles: ['connectors'] },
};

let srv: SecureServer;
before(async () => {
  srv = await startSecureServer({ users: USERS, roles: ROLES });
});
after(() => srv.close());

function dbBytes(dir: string): Buffer {
  return Buffer.concat(['state.db', 'state.db-wal'].map((f) => {
    try {
      return readFileSync(join(dir, f));
    } catch {
      return Buffer.alloc(0);
    }
  }));
}

describe('secret endpoints', () => {
  test('post, get, put, delete as in §8', async () => {
    let res = await srv.inject({ method: 'POST', url: '/_connector/_secret', auth: root, body: { value: 'v1' } });
    assert.equal(res.statusCode, 200, res.body);
    const { id } = res.json();
    assert.equal(typeof id, 'string');
    res = await srv.inject({ method: 'GET', url: `/_connector/_secret/${id}`, auth: root });
    assert.deepEqual(res.json(), { id, value: 'v1' });
    res = await srv.inject({ method: 'PUT', url: '/_connector/_secret/s1', auth: root, body: { value: 'a' } });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(res.json(), { result: 'created' });
    res = await srv.inject({ method: 'PUT', url: '/_connector/_secret/s1', auth: root, body: { value: 'b' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { result: 'updated' });
    res = await srv.inject({ method: 'GET', url: '/_connector/_secret/s1', auth: root });
    assert.deepEqual(res.json(), { id: 's1', value: 'b' });
    res = await srv.inject({ method: 'DELETE', url: '/_connector/_secret/s1', auth: root });
    assert.deepEqual(res.json(), { deleted: true });
    for (const method of ['GET', 'DELETE'] as const) {
      res = await srv.inject({ method, url: '/_connector/_secret/s1', auth: root });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.type, 'resource_not_found_exception');
      assert.equal(res.json().error.reason, 'No secret with id [s1]');
    }
  });

  test('bad requests', async () => {
    const cases: [string, string, unknown, string, string | RegExp][] = [
      ['POST', '/_connector/_secret', { value: '' }, 'action_request_validation_exception', 'Validation Failed: 1: [value] of the connector secret cannot be [null] or [""];'],
      ['POST', '/_connector/_secret', {}, 'action_request_validation_exception', 'Validation Failed: 1: [value] of the connector secret cannot be [null] or [""];'],
      ['POST', '/_connector/_secret', { value: null }, 'x_content_parse_exception', /VALUE_NULL/],
      ['POST', '/_connector/_secret', { value: 'x', other: 1 }, 'x_content_parse_exception', /unknown field \[other\]/],
      ['PUT', '/_connector/_secret/s2', { value: '' }, 'action_request_validation_exception', 'Validation Failed: 1: [value] cannot be [null] or [""];'],
      ['PUT', '/_connector/_secret/s2', { value: null }, 'x_content_parse_exception', /VALUE_NULL/],
      ['PUT', '/_connector/_secret/s2', {}, 'illegal_argument_exception', 'Required [value]'],
    ];
    for (const [method, url, body, type, reason] of cases) {
      const res = await srv.inject({ method: method as 'POST', url, auth: root, body });
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().error.type, type);
      if (typeof reason === 'string') assert.equal(res.json().error.reason, reason);
      else assert.match(res.json().error.reason, reason);
    }
    const res = await srv.inject({ method: 'POST', url: '/_connector/_secret', auth: root });
    assert.equal(res.statusCode, 400);
  });

  test('read_connector_secrets / write_connector_secrets, not manage_connector', async () => {
    let res = await srv.inject({ method: 'POST', url: '/_connector/_secret', auth: ['sec', 'sec-password'], body: { value: 'v' } });
    assert.equal(res.statusCode, 200);
    const { id } = res.json();
    assert.equal((await srv.inject({ method: 'GET', url: `/_connector/_secret/${id}`, auth: ['peek', 'peek-password'] })).statusCode, 200);
    res = await srv.inject({ method: 'PUT', url: `/_connector/_secret/${id}`, auth: ['peek', 'peek-password'], body: { value: 'w' } });
    assert.equal(res.statusCode, 403);
    assert.equal(
      res.json().error.reason,
      'action [cluster:admin/xpack/connector/secret/put] is unauthorized for user [peek] with effective roles [secretReader], this action is granted by the cluster privileges [write_connector_secrets,manage,all]',
    );
    res = await srv.inject({ method: 'GET', url: `/_connector/_secret/${id}`, auth: ['conn', 'conn-password'] });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().error.reason, /granted by the cluster privileges \[read_connector_secrets,manage,all\]$/);
    // A wrong password is a 401, whatever the privileges.
    res = await srv.inject({ method: 'GET', url: `/_connector/_secret/${id}`, auth: ['sec', 'sec-wrong'] });
    assert.equal(res.statusCode, 401);
  });

  test('values are unreadable in the SQLite file', async () => {
    const value = 'correct-horse-battery-staple-42';
    await srv.inject({ method: 'PUT', url: '/_connector/_secret/plain-check', auth: root, body: { value } });
    const bytes = dbBytes(srv.dataDir);
    assert.equal(bytes.indexOf(value), -1, 'the secret value is not stored in clear');
    assert.equal(bytes.indexOf(Buffer.from(value).toString('base64')), -1);
    assert.notEqual(bytes.indexOf('enc:v1:'), -1, 'an encrypted value is stored');
    const stored = await srv.app.store.secrets.get('plain-check');
    assert.match(stored!, /^enc:v1:[A-Za-z0-9_-]{11}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    assert.equal((await srv.inject({ method: 'GET', url: '/_connector/_secret/plain-check', auth: root })).json().value, value);
  });

  test('the key file is created with mode 0600', () => {
    const mode = statSync(join(srv.dataDir, 'secret.key')).mode & 0o777;
    assert.equal(mode, 0o600);
  });
});

describe('key rotation', () => {
  test('rotate-key re-encrypts every value under a new key and drops the old one', async () => {
    const { store, secretCodec } = srv.app;
    await store.secrets.put('r1', secretCodec.encrypt('one'));
    await store.secrets.put('r2', 'legacy-plaintext');
    const before = await store.secrets.get('r1');
    const oldRing = loadKeyring(srv.dataDir, {});
    const r = await rotateSecretKey(srv.dataDir, store, { env: {} });
    assert.equal(r.keysKept, 1);
    assert.ok(r.reencrypted >= 2 && r.reencrypted === r.total, JSON.stringify(r));
    const ring = loadKeyring(srv.dataDir, {});
    assert.equal(ring.keys.length, 1);
    assert.notDeepEqual(ring.current, oldRing.current);
    const codec = createCodec(ring);
    assert.notEqual(await store.secrets.get('r1'), before);
    assert.equal(codec.decrypt((await store.secrets.get('r1'))!), 'one');
    assert.equal(codec.decrypt((await store.secrets.get('r2'))!), 'legacy-plaintext');
    const after = (await store.secrets.get('r1'))!;
    assert.throws(() => createCodec(oldRing).decrypt(after), /not in the keyring/);
    assert.equal(statSync(join(srv.dataDir, 'secret.key')).mode & 0o777, 0o600);
  });

  test('--keep-old keeps the old key for a running server; reencrypt --prune drops it', async () => {
    const app = await openApp({ dataDir: srv.dataDir });
    try {
      await app.store.secrets.put('k1', app.secretCodec.encrypt('kept'));
      await rotateSecretKey(srv.dataDir, app.store, { keepOld: true, env: {} });
      assert.equal(loadKeyring(srv.dataDir, {}).keys.length, 2);
      // The old process still writes with the old key; the keyring can read both.
      await app.store.secrets.put('k2', app.secretCodec.encrypt('late'));
      const r = await reencryptSecrets(srv.dataDir, app.store, { prune: true, env: {} });
      assert.equal(r.keysKept, 1);
      const codec = createCodec(loadKeyring(srv.dataDir, {}));
      assert.equal(codec.decrypt((await app.store.secrets.get('k1'))!), 'kept');
      assert.equal(codec.decrypt((await app.store.secrets.get('k2'))!), 'late');
    } finally {
      await app.store.close();
    }
  });

  test('TRIBUTARY_SECRET_KEY: the key comes from the environment; rotation goes through _PREVIOUS', async () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    const dataDir = join(srv.dataDir, 'env-keys');
    const app = await openApp({ dataDir, secretCodec: createCodec(loadKeyring(dataDir, { TRIBUTARY_SECRET_KEY: k1 })) });
    try {
      await app.store.secrets.put('e1', app.secretCodec.encrypt('env'));
      await assert.rejects(rotateSecretKey(dataDir, app.store, { env: { TRIBUTARY_SECRET_KEY: k2 } }), /TRIBUTARY_SECRET_KEY_PREVIOUS/);
      const r = await reencryptSecrets(dataDir, app.store, { env: { TRIBUTARY_SECRET_KEY: k2, TRIBUTARY_SECRET_KEY_PREVIOUS: k1 } });
      assert.equal(r.reencrypted, 1);
      const codec = createCodec(loadKeyring(dataDir, { TRIBUTARY_SECRET_KEY: k2 }));
      assert.equal(codec.decrypt((await app.store.secrets.get('e1'))!), 'env');
      assert.throws(() => loadKeyring(dataDir, { TRIBUTARY_SECRET_KEY: 'c2hvcnQ=' }), /32 random bytes/);
    } finally {
      await app.store.close();
    }
  });
});
