import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { byteSize, parseClusterConfig, readCa } from './config.js';

const none = {};

test('a full elasticsearch section', () => {
  const c = parseClusterConfig('elasticsearch', {
    target: 'elasticsearch', urls: ['https://es1:9200', 'https://es2:9200'], api_key: 'abc==', ca_file: '/ca.pem',
    verify_certs: true, compatible_with: 8, request_timeout_seconds: 90,
    bulk: { max_docs: 200, max_bytes: '2mb', max_in_flight: 4 },
    retry: { budget_seconds: 60, initial_delay_ms: 250, max_delay_ms: 5000 },
  }, 'tributary.yml', none);
  assert.deepEqual(c, {
    target: 'elasticsearch', urls: ['https://es1:9200', 'https://es2:9200'], auth: { apiKey: 'abc==' }, caFile: '/ca.pem',
    verifyCerts: true, compatibleWith: 8, requestTimeoutMs: 90_000,
    bulk: { maxDocs: 200, maxBytes: 2 * 1024 * 1024, maxInFlight: 4 },
    retry: { budgetMs: 60_000, initialDelayMs: 250, maxDelayMs: 5000 },
  });
});

test('defaults; basic auth; environment variables complete and override the file', () => {
  const c = parseClusterConfig('opensearch', { url: 'http://file:9200', username: 'u' }, 'f', {
    TRIBUTARY_CONTENT_URL: 'https://a:9200, https://b:9200', TRIBUTARY_CONTENT_PASSWORD: 'pw',
  });
  assert.deepEqual(c, {
    target: 'opensearch', urls: ['https://a:9200', 'https://b:9200'], auth: { username: 'u', password: 'pw' },
    verifyCerts: true, compatibleWith: 9, requestTimeoutMs: 60_000, bulk: {}, retry: {},
  });
  const e = parseClusterConfig('elasticsearch', {}, 'f', { TRIBUTARY_CONTENT_URL: 'http://x:9200', TRIBUTARY_CONTENT_API_KEY: 'k', TRIBUTARY_CONTENT_CA_FILE: '/c.pem' });
  assert.deepEqual([e.auth, e.caFile], [{ apiKey: 'k' }, '/c.pem']);
});

test('mistakes are named with the file, the key and what to do', () => {
  const bad: Array<[Parameters<typeof parseClusterConfig>[0], Record<string, unknown>, RegExp]> = [
    ['elasticsearch', {}, /^Error: f: content\.url is required for content\.target: elasticsearch \(e\.g\. https:\/\/localhost:9200\), or set TRIBUTARY_CONTENT_URL$/],
    ['elasticsearch', { url: 'localhost:9200' }, /content\.url: \[localhost:9200\] must be http:\/\/ or https:\/\//],
    ['elasticsearch', { url: 'not a url' }, /is not a URL/],
    ['elasticsearch', { url: 'http://x', urls: ['http://y'] }, /give url or urls, not both/],
    ['elasticsearch', { url: 'http://x', api_key: 'k', username: 'u', password: 'p' }, /an API key or a username and password, not both/],
    ['opensearch', { url: 'http://x', api_key: 'k' }, /OpenSearch has no API keys/],
    ['elasticsearch', { url: 'http://x', username: 'u' }, /content\.password is missing/],
    ['elasticsearch', { url: 'http://x', password: 'p' }, /content\.username is missing/],
    ['elasticsearch', { url: 'http://x', hosts: ['y'] }, /content\.hosts: unknown key; expected one of target, url, urls/],
    ['elasticsearch', { url: 'http://x', verify_certs: 'no' }, /verify_certs: expected true or false/],
    ['elasticsearch', { url: 'http://x', compatible_with: 7 }, /compatible_with: expected 8 or 9/],
    ['opensearch', { url: 'http://x', compatible_with: 8 }, /applies to Elasticsearch only/],
    ['elasticsearch', { url: 'http://x', bulk: { max_docs: 0 } }, /content\.bulk\.max_docs: expected a whole number of at least 1/],
    ['elasticsearch', { url: 'http://x', bulk: { size: 1 } }, /content\.bulk\.size: unknown key; expected one of max_docs, max_bytes, max_in_flight/],
    ['elasticsearch', { url: 'http://x', bulk: { max_bytes: 'lots' } }, /max_bytes: expected a size such as/],
    ['elasticsearch', { url: 'http://x', retry: { budget_seconds: -1 } }, /budget_seconds: expected a number of at least 0/],
    ['elasticsearch', { url: 'http://x', api_key: '' }, /content\.api_key: expected a non-empty string/],
  ];
  for (const [target, raw, re] of bad) assert.throws(() => parseClusterConfig(target, raw, 'f', none), re, JSON.stringify(raw));
});

test('sizes', () => {
  assert.equal(byteSize(1000, 'x'), 1000);
  assert.equal(byteSize('512kb', 'x'), 512 * 1024);
  assert.equal(byteSize('5 MiB', 'x'), 5 * 1024 * 1024);
  assert.equal(byteSize('1.5mb', 'x'), 1.5 * 1024 * 1024);
});

test('the CA file is read when the sink opens; a missing one names the setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ca-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, '-----BEGIN CERTIFICATE-----\n');
  const c = parseClusterConfig('elasticsearch', { url: 'https://x', ca_file: file }, 'f', none);
  assert.equal(readCa(c)?.toString(), '-----BEGIN CERTIFICATE-----\n');
  assert.throws(() => readCa({ ...c, caFile: join(dir, 'nope.pem') }), /^Error: content\.ca_file: cannot read \[.*nope\.pem\]: ENOENT/);
});
