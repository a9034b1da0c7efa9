/** The s3 source's configuration parsing, advanced-rule validation and folder fingerprints. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { readS3Settings } from './config.js';
import { PrintBook } from '../shared/prints.js';
import { s3Rules, validateS3Rules } from './rules.js';

const base = { buckets: 'alpha-docs, beta.docs', aws_access_key_id: 'AKIA', aws_secret_access_key: 's' };

test("configuration: Elastic's keys, defaults, and errors that name the key", () => {
  const s = readS3Settings(base);
  assert.deepEqual(s.buckets, ['alpha-docs', 'beta.docs']);
  assert.equal(s.pageSize, 100);
  assert.equal(s.maxAttempts, 5);
  assert.equal(s.readTimeoutMs, 90_000);
  assert.equal(s.maxFileSize, 10 * 1024 * 1024);
  assert.equal(s.endpoint, null);
  assert.equal(s.forcePathStyle, false);
  assert.deepEqual(readS3Settings({ ...base, buckets: ['x-bucket', '*'] }).buckets, ['*']);
  const withEndpoint = readS3Settings({ ...base, endpoint: 'http://minio.local:9000', page_size: '1000' });
  assert.equal(withEndpoint.forcePathStyle, true);
  assert.equal(withEndpoint.pageSize, 1000);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ buckets: '' }, /\[buckets\] is required/],
    [{ buckets: 'UPPER' }, /\[buckets\]: bucket \[UPPER\]/],
    [{ aws_access_key_id: '' }, /\[aws_access_key_id\] is required/],
    [{ aws_secret_access_key: null }, /\[aws_secret_access_key\] is required/],
    [{ page_size: 5000 }, /\[page_size\] must be an integer from 1 to 1000/],
    [{ max_attempts: 0 }, /\[max_attempts\]/],
    [{ concurrent_downloads: 1000 }, /\[concurrent_downloads\]/],
    [{ max_file_size: 1024 * 1024 * 1024 }, /\[max_file_size\]/],
    [{ endpoint: 'ftp://x' }, /\[endpoint\] must be an http/],
    [{ endpoint: 'http://user:pw@x' }, /\[endpoint\] must not hold credentials/],
    [{ endpoint: 'not a url' }, /\[endpoint\] must be a URL/],
    [{ region: 'Bad Region' }, /\[region\]/],
  ];
  for (const [patch, msg] of cases) {
    assert.throws(() => readS3Settings({ ...base, ...patch }), (e: unknown) => e instanceof SourceConfigError && msg.test(e.message), JSON.stringify(patch));
  }
});

test("advanced rules: Elastic's bucket + prefix + extension list, validated", () => {
  assert.deepEqual(validateS3Rules({}), { valid: true, messages: [] });
  assert.deepEqual(validateS3Rules([{ bucket: 'my-bucket', prefix: 'a/', extension: ['.PDF', 'txt'] }]), { valid: true, messages: [] });
  const rules = s3Rules([{ bucket: 'my-bucket', prefix: 'a/', extension: ['.PDF', 'txt'] }])!;
  assert.deepEqual([...rules[0].extensions!], ['pdf', 'txt']);
  assert.equal(validateS3Rules('x').valid, false);
  assert.equal(validateS3Rules(Array.from({ length: 101 }, () => ({ bucket: 'my-bucket' }))).valid, false);
  const bad = validateS3Rules([null, { bucket: 'my-bucket', prefix: 7 }, { bucket: 'my-bucket', extension: [''] }]);
  assert.equal(bad.messages.length, 3);
  assert.match(bad.messages[0], /Rule 1 must be an object/);
  assert.match(bad.messages[1], /Rule 2: "prefix"/);
  assert.match(bad.messages[2], /Rule 3: "extension"/);
});

test('fingerprints: overwrites only or additions only keep the incremental run; a deletion or a mix does not', () => {
  const listing = (keys: string[], changed: string[] = []) => {
    const b = new PrintBook();
    for (const k of keys) b.add('bkt', k, changed.includes(k));
    return b;
  };
  const before = listing(['f/a', 'f/b', 'g/c']).encode()!;
  assert.equal(listing(['f/a', 'f/b', 'g/c']).nothingLost(before), true, 'unchanged');
  assert.equal(listing(['f/a', 'f/b', 'g/c'], ['f/a']).nothingLost(before), true, 'an overwrite');
  assert.equal(listing(['f/a', 'f/b', 'f/new', 'g/c'], ['f/new']).nothingLost(before), true, 'an addition');
  assert.equal(listing(['f/a', 'h/new', 'g/c'], ['h/new']).nothingLost(before), false, 'a deletion with an addition elsewhere');
  assert.equal(listing(['f/a', 'f/b']).nothingLost(before), false, 'a folder gone');
  assert.equal(listing(['f/a', 'f/b', 'f/new', 'g/c'], ['f/a', 'f/new']).nothingLost(before), false, 'overwrite and addition in one folder: re-enumerate');
  assert.equal(listing(['f/a', 'f/c', 'g/c'], ['f/c']).nothingLost(before), false, 'a rename');
});
