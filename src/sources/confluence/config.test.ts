/**
 * Configuration of the `confluence` source: Elastic's keys and orders, `spaces` parsing and its
 * errors, the API root per deployment (Cloud below /wiki, also when the URL names it), bounds,
 * and errors that never echo a secret.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { confluenceConfigSchema, readConfluenceSettings, readSpaces } from './config.js';

const cloud = { data_source: 'confluence_cloud', account_email: 'a@example.com', api_token: 's3cr3t-token', confluence_url: 'https://example.atlassian.net', spaces: 'ENG' };

test("the schema has Elastic's keys, with spaces at order 9 and the secrets sensitive", () => {
  const schema = confluenceConfigSchema();
  for (const k of ['data_source', 'username', 'password', 'data_center_username', 'data_center_password', 'account_email', 'api_token', 'confluence_url', 'spaces', 'index_labels', 'ssl_enabled', 'ssl_ca', 'retry_count', 'concurrent_downloads', 'use_document_level_security', 'use_text_extraction_service']) {
    assert.ok(schema[k], k);
  }
  assert.equal(schema.spaces.order, 9);
  assert.equal(schema.spaces.type, 'list');
  assert.equal(schema.data_source.value, 'confluence_server');
  assert.deepEqual((schema.data_source.options as { value: string }[]).map((o) => o.value), ['confluence_cloud', 'confluence_server', 'confluence_data_center']);
  for (const k of ['password', 'data_center_password', 'api_token']) assert.equal(schema[k].sensitive, true, k);
  const orders = Object.values(schema).map((e) => e.order);
  assert.equal(new Set(orders).size, orders.length, 'orders are distinct');
});

test('spaces: a list or a comma-separated string, * for all, bounded and checked', () => {
  assert.deepEqual(readSpaces('ENG, DOCS ,ENG'), ['ENG', 'DOCS']);
  assert.deepEqual(readSpaces(['ENG', '~bob']), ['ENG', '~bob']);
  assert.deepEqual(readSpaces('ENG,*'), ['*']);
  assert.throws(() => readSpaces(''), /\[spaces\] is required/);
  assert.throws(() => readSpaces('ENG,"x" OR type=page'), /\[spaces\]: \["x" OR type=page\] is not a space key/);
  assert.throws(() => readSpaces(Array.from({ length: 1001 }, (_, i) => `S${i}`)), /at most 1000/);
});

test('the REST root: /wiki on Cloud (also when the URL names it), the site root with its context path otherwise', () => {
  assert.equal(readConfluenceSettings(cloud).apiRoot, '/wiki');
  const named = readConfluenceSettings({ ...cloud, confluence_url: 'https://example.atlassian.net/wiki/' });
  assert.equal(named.apiRoot, '');
  assert.equal(named.url.pathname, '/wiki');
  const server = readConfluenceSettings({ data_source: 'confluence_server', username: 'u', password: 'p', confluence_url: 'https://wiki.example.com/confluence', spaces: '*' });
  assert.equal(server.apiRoot, '');
  assert.equal(server.url.pathname, '/confluence');
  assert.deepEqual(server.spaces, ['*']);
  const dc = readConfluenceSettings({ data_source: 'confluence_data_center', data_center_username: 'dc', data_center_password: 'pw', confluence_url: 'https://dc.example.com', spaces: 'OPS' });
  assert.equal(dc.deployment, 'data_center');
  assert.equal(dc.login, 'dc');
});

test('bad values name the field and never echo a secret', () => {
  const bad = (c: Record<string, unknown>, re: RegExp) => {
    assert.throws(() => readConfluenceSettings(c), (e: unknown) => e instanceof SourceConfigError && re.test(e.message) && !e.message.includes('s3cr3t-token'));
  };
  bad({ ...cloud, api_token: '' }, /\[api_token\] is required/);
  bad({ ...cloud, confluence_url: 'ftp://x' }, /\[confluence_url\]/);
  bad({ ...cloud, max_file_size: 10 ** 9 }, /\[max_file_size\] must be an integer/);
  bad({ ...cloud, concurrent_downloads: 51 }, /\[concurrent_downloads\] must be an integer from 1 to 50/);
  bad({ ...cloud, data_source: 'jira_cloud' }, /\[data_source\] must be one of confluence_cloud/);
});
