/**
 * `tributary serve` with security on and no worker key configured: the in-process worker
 * authenticates with the process's in-memory internal credential and syncs; that credential is
 * never stored, and ordinary requests still need their own credentials. Passwords, API keys,
 * secret values and sensitive configuration values never reach the log (at debug level) or an
 * error message.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTree, waitFor } from '../runtime/helpers/harness.js';
import { freePort } from '../helpers/bin-process.js';

const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));
const AUTH = 'Basic ' + Buffer.from('admin:admin-password').toString('base64');
let dir: string;
let server: ChildProcess;
let url: string;
let log = '';


async function call(method: string, path: string, body?: unknown, auth: string | null = AUTH) {
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  if (auth) headers.authorization = auth;
  const res = await fetch(url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as any };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-cli-secure-'));
  makeTree(join(dir, 'docs'), 50);
  writeFileSync(join(dir, 'tributary.yml'), [
    'security:',
    '  enabled: true',
    '  users:',
    '    admin:',
    '      password: admin-password',
    '      roles: [superuser]',
    'sources:',
    '  directory:',
    `    roots: [${JSON.stringify(join(dir, 'docs'))}]`,
    'worker:',
    '  poll_interval: 200ms',
    '  job_poll_interval: 200ms',
    '  heartbeat: 1s',
    '',
  ].join('\n'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', join(dir, 'data'), '--config', join(dir, 'tributary.yml'), '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  await waitFor('server', async () => (await call('GET', '/')).status === 200, 20_000, 200);
});

after(async () => {
  server?.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
});

test('security on: the in-process worker syncs with its internal credential', async () => {
  assert.equal((await call('GET', '/_connector', undefined, null)).status, 401);
  assert.equal((await call('PUT', '/_connector/secure-docs', { index_name: 'secure-docs', service_type: 'directory' })).status, 201);
  await waitFor('schema', async () => (await call('GET', '/_connector/secure-docs')).body.status === 'needs_configuration', 20_000, 200);
  assert.equal((await call('PUT', '/_connector/secure-docs/_configuration', { values: { path: join(dir, 'docs') } })).status, 200);
  await waitFor('connected', async () => (await call('GET', '/_connector/secure-docs')).body.status === 'connected', 20_000, 200);
  const job = await call('POST', '/_connector/_sync_job', { id: 'secure-docs' });
  assert.equal(job.status, 201);
  await waitFor('completed', async () => (await call('GET', `/_connector/_sync_job/${job.body.id}`)).body.status === 'completed', 30_000, 200);
  assert.equal((await call('POST', '/secure-docs/_count', { query: { match_all: {} } })).body.count, 50);
  assert.equal((await call('POST', '/secure-docs/_count', { query: { match_all: {} } }, null)).status, 401);
  assert.doesNotMatch(log, /no credentials/);
  // The internal credential lives in memory only: nothing about it in the state database.
  assert.doesNotMatch(readFileSync(join(dir, 'data', 'state.db')).toString('latin1'), /_tributary_worker/);
});

test('security on: a directory connector may not read outside sources.directory.roots (the config file\'s folder)', async () => {
  assert.equal((await call('PUT', '/_connector/config-reader', { index_name: 'config-reader', service_type: 'directory' })).status, 201);
  await waitFor('schema', async () => (await call('GET', '/_connector/config-reader')).body.status === 'needs_configuration', 20_000, 200);
  assert.equal((await call('PUT', '/_connector/config-reader/_configuration', { values: { path: dir } })).status, 200);
  const failed = await waitFor('error', async () => {
    const c = (await call('GET', '/_connector/config-reader')).body;
    return c.status === 'error' ? c : null;
  }, 20_000, 200);
  assert.match(failed.error, /not allowed: directory connectors may only read below \[.*docs\] \(sources\.directory\.roots/);
  // A sync job is refused the same way: nothing of the folder is indexed.
  const job = await call('POST', '/_connector/_sync_job', { id: 'config-reader' });
  const done = await waitFor('job error', async () => {
    const j = (await call('GET', `/_connector/_sync_job/${job.body.id}`)).body;
    return ['error', 'completed'].includes(j.status) ? j : null;
  }, 30_000, 200);
  assert.equal(done.status, 'error');
  assert.match(done.error, /sources\.directory\.roots/);
  assert.equal(done.indexed_document_count, 0);
});

test('passwords, API keys, secret values and sensitive settings stay out of logs and error messages', async () => {
  const leaks = ['admin-password', 'wrong-pass-4f1c', 'secret-value-7d2e', 'db-pass-9a3b', 'bogus-key-5e6f'];
  const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');

  const wrong = await call('GET', '/_connector', undefined, basic('admin', 'wrong-pass-4f1c'));
  assert.equal(wrong.status, 401);
  const key = await call('POST', '/_security/api_key', { name: 'leak-check' });
  assert.equal(key.status, 200);
  leaks.push(key.body.api_key, key.body.encoded);
  assert.equal((await call('GET', '/_connector', undefined, `ApiKey ${key.body.encoded}`)).status, 200);
  const bogus = await call('GET', '/_connector', undefined, 'ApiKey ' + Buffer.from(`${key.body.id}:bogus-key-5e6f`).toString('base64'));
  assert.equal(bogus.status, 401);

  const secret = await call('POST', '/_connector/_secret', { value: 'secret-value-7d2e' });
  assert.equal(secret.status, 200);
  assert.equal((await call('GET', `/_connector/_secret/${secret.body.id}`)).body.value, 'secret-value-7d2e');

  // A database source whose connection fails: the error it reports names the setting, not the password.
  assert.equal((await call('PUT', '/_connector/leaky-db', { index_name: 'leaky-db', service_type: 'postgresql' })).status, 201);
  await waitFor('schema', async () => (await call('GET', '/_connector/leaky-db')).body.status === 'needs_configuration', 20_000, 200);
  const values = { host: '127.0.0.1', port: 1, username: 'nobody', password: 'db-pass-9a3b', database: 'none', tables: '*' };
  assert.equal((await call('PUT', '/_connector/leaky-db/_configuration', { values })).status, 200);
  const failed = await waitFor('error', async () => {
    const c = (await call('GET', '/_connector/leaky-db')).body;
    return c.status === 'error' ? c : null;
  }, 20_000, 200);
  assert.ok(failed.error, 'the connector says what failed');

  const answers = JSON.stringify([wrong.body, bogus.body, failed.error]);
  for (const s of leaks) {
    assert.ok(!log.includes(s), `the log contains [${s}]`);
    assert.ok(!answers.includes(s), `an error message contains [${s}]`);
  }
  assert.ok(log.length > 0, 'the server did log');
});
