/** The configuration file read once into `Settings`: unknown keys at every depth, every section checked. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyPassword } from '../security/password.js';
import { loadSettings, settingsFrom } from './settings.js';

const opts = { hashCost: 10, env: {} };
const dir = mkdtempSync(join(tmpdir(), 'tributary-settings-'));

function file(text: string, name = 'c.yml'): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

test('every section of one file, read once into typed settings', async () => {
  const f = file(`# all sections
security:
  enabled: true
  users:
    ann: {password: ann-password, roles: [ops]}
  roles:
    ops: {cluster: [manage_connector]}
  login_rate_limit: {max_failures: 3, window: 2m}
  password_checks: {max_concurrent: 2, max_queued: 4}
worker:
  api_key: abc
  service_types: [directory]
  concurrency: 3
  heartbeat: 5s
  max_document_bytes: 1048576
sources:
  allowed_hosts: [db.internal]
  directory: {roots: [/srv/docs], max_file_size: 1024, extract_timeout: 5s}
content:
  target: embedded
  search: {threads: 1, timeout: 5s}
`);
  const s = await loadSettings(f, opts);
  assert.equal(s.file, f);
  assert.equal(s.security.enabled, true);
  assert.ok(await verifyPassword('ann-password', s.security.users.get('ann')!.passwordHash));
  assert.deepEqual(s.security.rateLimit, { maxFailures: 3, windowMs: 120_000 });
  assert.deepEqual(s.security.passwordChecks, { maxConcurrent: 2, maxQueued: 4 });
  assert.deepEqual(s.worker, { apiKey: 'abc', serviceTypes: ['directory'], concurrency: 3, heartbeatMs: 5000, limits: { maxDocumentBytes: 1048576 } });
  assert.deepEqual(s.sources, { allowedHosts: ['db.internal'], directoryRoots: ['/srv/docs'], directoryMaxFileSize: 1024, extractTimeoutMs: 5000 });
  assert.deepEqual(s.content, { target: 'embedded' });
  assert.deepEqual(s.search, { threads: 1, timeoutMs: 5000 });
});

test('no file, an empty file: every section at its defaults', async () => {
  for (const s of [await loadSettings(undefined, opts), await loadSettings(file('# nothing yet\n', 'empty.yml'), opts)]) {
    assert.equal(s.security.enabled, false);
    assert.deepEqual([s.worker, s.sources, s.content, s.search], [{}, {}, { target: 'embedded' }, {}]);
  }
});

test('an unknown section or key, at any depth, is refused with the file, its path and the keys allowed there', async () => {
  const cases: [string, string][] = [
    ['securty: {enabled: false}\n', 'f.yml: unknown section [securty]; allowed: security, worker, sources, content, compatibility'],
    ['content: {targt: x}\n', 'f.yml: unknown key [content.targt]; allowed: target, search, url, urls, api_key, username, password, ca_file, verify_certs, compatible_with, request_timeout_seconds, bulk, retry'],
    ['content: {search: {thread: 2}}\n', 'f.yml: unknown key [content.search.thread]; allowed: threads, max_queue, max_clause_count, max_nested_depth, timeout, hard_timeout'],
    ['content: {target: elasticsearch, url: "http://x:9200", bulk: {max_doc: 1}}\n', 'f.yml: unknown key [content.bulk.max_doc]; allowed: max_docs, max_bytes, max_in_flight'],
    ['content: {target: elasticsearch, url: "http://x:9200", retry: {budget: 1}}\n', 'f.yml: unknown key [content.retry.budget]; allowed: budget_seconds, initial_delay_ms, max_delay_ms'],
    ['sources: {directory: {rots: [/x]}}\n', 'f.yml: unknown key [sources.directory.rots]; allowed: roots, max_file_size, extract_timeout'],
    ['sources: {allowed_host: [x]}\n', 'f.yml: unknown key [sources.allowed_host]; allowed: allowed_hosts, directory'],
    ['worker: {concurency: 2}\n', 'f.yml: unknown key [worker.concurency]; allowed: api_key, service_types, exclude_service_types, connector_ids, concurrency, poll_interval, connector_concurrency, connector_timeout, check_in_interval, job_poll_interval, heartbeat, stale_after, cleanup_interval, cancel_poll, shutdown_timeout, source_idle_timeout, max_document_bytes'],
    ['security: {enable: true}\n', 'f.yml: unknown key [security.enable]; allowed: enabled, users, roles, login_rate_limit, password_checks'],
    ['security: {users: {ann: {pasword: x}}}\n', 'f.yml: unknown key [security.users.ann.pasword]; allowed: password_hash, password, roles, metadata, full_name, email'],
    ['security: {login_rate_limit: {windw: 1m}}\n', 'f.yml: unknown key [security.login_rate_limit.windw]; allowed: max_failures, window'],
    ['security: {password_checks: {max_queue: 1}}\n', 'f.yml: unknown key [security.password_checks.max_queue]; allowed: max_concurrent, max_queued'],
  ];
  for (const [yaml, message] of cases) {
    const { parse } = await import('yaml');
    await assert.rejects(settingsFrom(parse(yaml), 'f.yml', opts), (e: Error) => e.message === message, `${yaml} → ${message}`);
  }
});

test('every section is checked when the file is loaded, content included', async () => {
  const cases: [unknown, RegExp][] = [
    [{ content: { target: 'elasticsearch' } }, /^f\.yml: content\.url is required for content\.target: elasticsearch/],
    [{ content: { target: 'opensearch', url: 'http://x:9200', api_key: 'k' } }, /^f\.yml: content\.api_key: OpenSearch has no API keys/],
    [{ content: { target: 'embedded', url: 'http://x:9200' } }, /^f\.yml: content\.url applies to content\.target: elasticsearch or opensearch only/],
    [{ content: { target: 'elasticsearch', url: 'http://x:9200', search: {} } }, /^f\.yml: content\.search applies to content\.target: embedded only/],
    [{ content: { target: 'elasticsearch', url: 'http://x:9200', ca_file: '/nonexistent/ca.pem' } }, /^f\.yml: content\.ca_file: cannot read \[\/nonexistent\/ca\.pem\]/],
    [{ content: { search: { threads: 99 } } }, /^f\.yml: content\.search\.threads: expected a whole number from 0 to 64/],
    [{ worker: { concurrency: 0 } }, /^f\.yml: worker\.concurrency: expected a whole number from 1 to 1024/],
    [{ worker: { concurrency: '2' } }, /^f\.yml: worker\.concurrency: expected a whole number/],
    [{ worker: { connector_concurrency: 300 } }, /^f\.yml: worker\.connector_concurrency: expected a whole number from 1 to 256/],
    [{ worker: { connector_timeout: '10ms' } }, /^f\.yml: worker\.connector_timeout: expected a time value from 100ms to 1h/],
    [{ worker: { api_key: 12 } }, /^f\.yml: worker\.api_key: expected the encoded API key/],
    [{ worker: { service_types: ['dirctory'] } }, /^f\.yml: worker\.service_types: unknown service type\(s\) \[dirctory\]; known: azure_blob_storage, (\w+, )*directory, (\w+, )*mysql, network_drive, postgresql/],
    [{ sources: { directory: { roots: ['docs'] } } }, /^f\.yml: sources\.directory\.roots: \[docs\] is not an absolute path/],
    [{ security: { enabled: true } }, /^f\.yml: security: security is enabled but no user is declared/],
    [['a', 'list'], /^f\.yml: the config file must hold a mapping of sections/],
    ['text', /^f\.yml: the config file must hold a mapping of sections/],
  ];
  for (const [doc, re] of cases) await assert.rejects(settingsFrom(doc, 'f.yml', opts), (e: Error) => re.test(e.message), JSON.stringify(doc));
});

test('the environment completes the file: worker API key and cluster settings', async () => {
  const env = { TRIBUTARY_WORKER_API_KEY: 'from-env', TRIBUTARY_CONTENT_URL: 'https://a:9200,https://b:9200', TRIBUTARY_CONTENT_PASSWORD: 'pw' };
  const s = await settingsFrom({ worker: { api_key: 'from-file' }, content: { target: 'opensearch', username: 'u' } }, 'f.yml', { env });
  assert.equal(s.worker.apiKey, 'from-env');
  assert.ok(s.content.target === 'opensearch');
  assert.deepEqual(s.content.cluster.urls, ['https://a:9200', 'https://b:9200']);
  assert.deepEqual(s.content.cluster.auth, { username: 'u', password: 'pw' });
  assert.equal((await settingsFrom({ worker: { api_key: 'from-file' } }, 'f.yml', { env: {} })).worker.apiKey, 'from-file');
});

test('a file that cannot be read or parsed is named', async () => {
  await assert.rejects(loadSettings(join(dir, 'missing.yml'), opts), /missing\.yml: cannot read the config file/);
  await assert.rejects(loadSettings(file('a: [\n', 'broken.yml'), opts), /broken\.yml: cannot read the config file/);
  await assert.rejects(loadSettings(file('worker: {}\nworker: {}\n', 'twice.yml'), opts), /twice\.yml: cannot read the config file: .*unique/i);
});

test('compatibility.version: the Elasticsearch version answered, 8.x.y or 9.x.y, default the newest checked', async () => {
  assert.equal((await settingsFrom(undefined, 'c.yml', opts)).compatibility.version, '9.6.0');
  assert.equal((await settingsFrom({ compatibility: { version: '9.3.0' } }, 'c.yml', opts)).compatibility.version, '9.3.0');
  assert.equal((await settingsFrom({ compatibility: { version: '8.19.4' } }, 'c.yml', opts)).compatibility.version, '8.19.4');
  for (const bad of ['10.0.0', '9.3', 'latest', 9.3, '9.3.0-SNAPSHOT']) {
    await assert.rejects(settingsFrom({ compatibility: { version: bad } }, 'c.yml', opts), /c\.yml: compatibility\.version: must be an Elasticsearch version 8\.x\.y or 9\.x\.y/);
  }
  await assert.rejects(settingsFrom({ compatibility: { versoin: '9.3.0' } }, 'c.yml', opts), /unknown key \[compatibility\.versoin\]; allowed: version/);
});

test('worker.exclude_service_types names known source types', async () => {
  assert.deepEqual((await settingsFrom({ worker: { exclude_service_types: ['mysql'] } }, 'c.yml', opts)).worker.excludeServiceTypes, ['mysql']);
  await assert.rejects(settingsFrom({ worker: { exclude_service_types: ['sharepoint_online'] } }, 'c.yml', opts), /c\.yml: worker\.exclude_service_types: unknown service type\(s\) \[sharepoint_online\]; known: azure_blob_storage, (\w+, )*directory, (\w+, )*mysql, network_drive, postgresql/);
});
