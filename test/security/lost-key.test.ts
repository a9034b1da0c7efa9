/**
 * A sensitive configuration value encrypted with a key this server no longer has (a lost
 * `secret.key`, a missing `TRIBUTARY_SECRET_KEY_PREVIOUS`): the connector stays readable and
 * writable, its syncs can be started, the worker's listing of every connector goes on, and the
 * stored ciphertext survives until the value is entered again (docs/security.md "A lost key").
 * Before, every read of that connector answered 500 and the connector loop stopped for all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../src/api/server.js';
import { openApp } from '../../src/app/open-app.js';
import { createCodec, type Keyring } from '../../src/security/secret-codec.js';
import { unsealed } from '../../src/security/sensitive-config.js';

const ring = (): Keyring => {
  const key = Buffer.alloc(32);
  crypto.getRandomValues(key);
  return { current: key, keys: [key], source: 'memory' };
};

async function serve(dataDir: string, keyring: Keyring) {
  const app = await openApp({ dataDir, secretCodec: createCodec(keyring) });
  const server = buildServer(app, {});
  await server.ready();
  const call = (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) =>
    server.inject({ method, url, ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  return { app, call, close: () => server.close() };
}

const storedPassword = async (app: Awaited<ReturnType<typeof openApp>>) => {
  const doc = (await unsealed(app.store).connectors.get('pg'))!.doc as unknown as { configuration: { password: { value: unknown } } };
  return doc.configuration.password.value;
};

test('a value under a lost key reads as null, keeps its ciphertext, and can be entered again', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-lost-key-'));
  try {
    const before = await serve(dataDir, ring());
    assert.equal((await before.call('PUT', '/_connector/pg', { index_name: 'search-pg', service_type: 'postgresql' })).statusCode, 201);
    const schema = { host: { label: 'Host', type: 'str', display: 'textbox', value: 'db.internal' }, password: { label: 'Password', type: 'str', display: 'text', sensitive: true, value: 'old-pw' } };
    assert.equal((await before.call('PUT', '/_connector/pg/_configuration', { configuration: schema })).statusCode, 200);
    const secret = (await before.call('POST', '/_connector/_secret', { value: 'kept' })).json().id as string;
    const ciphertext = await storedPassword(before.app);
    assert.match(String(ciphertext), /^enc:v1:/);
    await before.close();

    const after = await serve(dataDir, ring()); // another key: the old one is gone
    const get = await after.call('GET', '/_connector/pg');
    assert.equal(get.statusCode, 200, get.body);
    assert.equal(get.json().configuration.password.value, null, 'no readable value');
    assert.equal(get.json().configuration.host.value, 'db.internal');
    assert.equal((await after.call('GET', '/_connector')).statusCode, 200, 'listing (the worker lists every connector)');
    assert.equal((await after.call('PUT', '/_connector/pg/_name', { name: 'renamed' })).statusCode, 200);
    const job = await after.call('POST', '/_connector/_sync_job', { id: 'pg' });
    assert.equal(job.statusCode, 201, job.body);
    assert.equal(await storedPassword(after.app), ciphertext, 'other writes keep the ciphertext');
    const jobDoc = (await unsealed(after.app.store).syncJobs.get(job.json().id))!.doc as unknown as { connector: { configuration: { password: { value: unknown } } } };
    assert.equal(jobDoc.connector.configuration.password.value, ciphertext, 'the job snapshot holds it too');

    const s = await after.call('GET', `/_connector/_secret/${secret}`);
    assert.equal(s.statusCode, 500);
    assert.match(s.json().error.reason, /Connector secret \[.+\] cannot be read: .*not in the keyring/, 'says which key is missing');

    assert.equal((await after.call('PUT', '/_connector/pg/_configuration', { values: { password: 'new-pw' } })).statusCode, 200);
    assert.equal((await after.call('GET', '/_connector/pg')).json().configuration.password.value, 'new-pw', 'entered again, readable again');
    await after.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
