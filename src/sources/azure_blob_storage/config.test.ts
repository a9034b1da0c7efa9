/** The azure_blob_storage source's configuration parsing, document fields and error classification. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestError } from '@azure/storage-blob';
import { SourceConfigError } from '../source.js';
import { explain, transient } from './client.js';
import { readAzureSettings } from './config.js';
import { blobDocument, blobUrl } from './datasource.js';

const KEY = Buffer.alloc(64, 7).toString('base64');
const base = { account_name: 'acme', account_key: KEY, blob_endpoint: '', containers: 'docs, $web,archive-2024' };

test("configuration: Elastic's keys and defaults, and errors that name the key", () => {
  const s = readAzureSettings(base);
  assert.deepEqual(s.containers, ['docs', '$web', 'archive-2024']);
  assert.equal(s.endpoint.href, 'https://acme.blob.core.windows.net/');
  assert.equal(s.retryCount, 3);
  assert.equal(s.concurrentDownloads, 100);
  assert.equal(s.pageSize, 1000);
  assert.equal(s.readTimeoutMs, 90_000);
  assert.equal(s.maxFileSize, 10 * 1024 * 1024);
  assert.deepEqual(readAzureSettings({ ...base, containers: ['a-b', '*'] }).containers, ['*']);
  assert.equal(readAzureSettings({ ...base, blob_endpoint: 'http://127.0.0.1:10000/devstoreaccount1' }).endpoint.pathname, '/devstoreaccount1');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ account_name: '' }, /\[account_name\] is required/],
    [{ account_name: 'Has_Upper' }, /\[account_name\] must be 3 to 24/],
    [{ account_key: '' }, /\[account_key\] is required/],
    [{ account_key: 'abc!' }, /\[account_key\] is not a storage account key/],
    [{ account_key: 12 }, /\[account_key\] must be a string/],
    [{ containers: '' }, /\[containers\] is required/],
    [{ containers: 'ab' }, /\[containers\]: container \[ab\] must have 3 to 63/],
    [{ containers: 'double--hyphen' }, /\[containers\]: container \[double--hyphen\]/],
    [{ containers: 'Upper' }, /\[containers\]: container \[Upper\]/],
    [{ containers: 12 }, /\[containers\] must be a comma-separated list of container names/],
    [{ blob_endpoint: 'ftp://x' }, /\[blob_endpoint\] must be an http/],
    [{ blob_endpoint: 'https://u:p@x' }, /\[blob_endpoint\] must not hold credentials/],
    [{ blob_endpoint: 'https://acme.blob.core.windows.net/?sv=2020&sig=x' }, /\[blob_endpoint\] must not hold a query/],
    [{ retry_count: -1 }, /\[retry_count\] must be an integer from 0 to 20/],
    [{ concurrent_downloads: 101 }, /\[concurrent_downloads\] must be an integer from 1 to 100/],
    [{ page_size: 5001 }, /\[page_size\] must be an integer from 1 to 5000/],
    [{ max_file_size: 1024 * 1024 * 1024 }, /\[max_file_size\]/],
  ];
  for (const [patch, msg] of cases) {
    assert.throws(() => readAzureSettings({ ...base, ...patch }), (e: unknown) => e instanceof SourceConfigError && msg.test(e.message), JSON.stringify(patch));
  }
});

test("documents carry Elastic's fields, with Python's str() of metadata and lease", () => {
  const endpoint = new URL('https://acme.blob.core.windows.net');
  const d = blobDocument({
    container: 'docs', name: 'a dir/r&d #1.txt', size: 12, lastModified: new Date('2026-01-02T03:04:05Z'), createdOn: new Date('2025-01-01T00:00:00Z'),
    etag: '0x1', contentType: 'text/plain', tier: 'Cool', metadata: { owner: "it's", n: 'a"b' },
    lease: { status: 'locked', state: 'leased', duration: 'infinite' }, containerMetadata: {},
  }, endpoint);
  assert.deepEqual(d, {
    _id: 'docs/a dir/r&d #1.txt',
    _timestamp: '2026-01-02T03:04:05.000Z',
    'created at': '2025-01-01T00:00:00.000Z',
    'content type': 'text/plain',
    'container metadata': '{}',
    metadata: `{'owner': "it's", 'n': 'a"b'}`,
    leasedata: "{'status': 'locked', 'state': 'leased', 'duration': 'infinite'}",
    title: 'a dir/r&d #1.txt',
    tier: 'Cool',
    size: 12,
    container: 'docs',
    url: 'https://acme.blob.core.windows.net/docs/a%20dir/r%26d%20%231.txt',
  });
  assert.equal(blobUrl(new URL('http://127.0.0.1:10000/devstoreaccount1/'), 'c-1', 'x/y'), 'http://127.0.0.1:10000/devstoreaccount1/c-1/x/y');
});

test('errors: throttling and transient failures are retried, permanent ones say what to fix', () => {
  const rest = (status: number, code: string, headers: Record<string, string> = {}) =>
    new RestError('m', { statusCode: status, code, response: { headers: { get: (h: string) => headers[h] } } as never });
  assert.deepEqual(transient(rest(503, 'ServerBusy')), {});
  assert.deepEqual(transient(rest(429, '', { 'retry-after': '7' })), { retryAfterMs: 7000 });
  assert.deepEqual(transient(rest(500, 'InternalError', { 'retry-after': '100000' })), {});
  assert.deepEqual(transient(new RestError('x', { code: 'ECONNRESET' })), {});
  assert.equal(transient(rest(403, 'AuthenticationFailed')), null);
  assert.equal(transient(rest(404, 'ContainerNotFound')), null);
  const where = 'Azure Blob Storage at https://acme.blob.core.windows.net';
  assert.match(explain(rest(403, 'AuthenticationFailed'), 'listing', where).message, /rejected the credentials.*\[account_key\]/);
  assert.match(explain(rest(403, 'AuthorizationPermissionMismatch'), 'listing', where).message, /denied access.*Permissions/);
  assert.match(explain(rest(404, 'ContainerNotFound'), 'reading container [x]', where).message, /container not found while reading container \[x\]: fix \[containers\]/);
  const gaveUp = explain(rest(503, 'ServerBusy'), 'listing', where);
  assert.equal(gaveUp.options.transient, true);
  assert.match(gaveUp.message, /Cannot reach .*ServerBusy.*\[retry_count\]/);
});
