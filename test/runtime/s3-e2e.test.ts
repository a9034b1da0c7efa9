/**
 * The `s3` source end to end: a server, a worker over loopback HTTP, an `s3` connector
 * configured through the Connector API with Elastic's keys (plus `endpoint`) against a local
 * S3-compatible server. A full sync indexes every object (an object over the extraction limit
 * with its metadata, counted as a failure on the job); after deletions and additions an
 * incremental sync leaves the index holding exactly the bucket.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { documentId } from '../../src/sources/s3/datasource.js';
import { inParallel, KEY_ID, SECRET, startS3, type TestS3 } from '../../src/sources/s3/s3.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const N = 400;
let s: Stack;
let s3: TestS3;
const keys = new Set<string>();

before(async () => {
  s3 = await startS3();
  await s3.bucket('e2e-bucket');
  await inParallel(Array.from({ length: N }, (_, i) => i), 16, async (i) => {
    const key = `team${i % 5}/notes/note-${i}.md`;
    await s3.put('e2e-bucket', key, `# Note ${i}\n\nabout the heron number ${i}`);
    keys.add(key);
  });
  await s3.put('e2e-bucket', 'big/too-large.txt', Buffer.alloc(2 * 1024 * 1024, 'x'));
  keys.add('big/too-large.txt');
  s = await startStack();
  await new Promise((r) => setTimeout(r, 4100)); // past the source's margin for clocks
});

after(async () => {
  await s?.close();
  await s3?.close();
});

async function sync(type: 'full' | 'incremental') {
  const id = await syncNow(s, 's3docs', type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 120_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return job;
}

async function assertIndexMatchesBucket() {
  const ids = await indexIds(s, 's3docs');
  assert.deepEqual([...ids.keys()].sort(), [...keys].map((k) => documentId('e2e-bucket', k)).sort());
}

test('an s3 connector configured through the API syncs, fully then incrementally', async () => {
  const put = await s.call('PUT', '/_connector/s3docs', { index_name: 's3docs', service_type: 's3', name: 's3docs' });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', '/_connector/s3docs')).body.status === 'needs_configuration');
  const labels = (await s.call('GET', '/_connector/s3docs')).body.configuration;
  assert.equal(labels.buckets.label, 'AWS Buckets');
  assert.equal(labels.aws_secret_access_key.sensitive, true);
  const values = { buckets: 'e2e-bucket', aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET, endpoint: s3.endpoint, max_file_size: 1024 * 1024 };
  const cfg = await s.call('PUT', '/_connector/s3docs/_configuration', { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', '/_connector/s3docs')).body.status === 'connected');

  const full = await sync('full');
  assert.equal(full.indexed_document_count, N + 1);
  await assertIndexMatchesBucket();
  const failures = JSON.stringify(full.metadata);
  assert.match(failures, /too-large\.txt/);
  const hit = await s.call('POST', '/s3docs/_search', { query: { match: { body: 'heron' } }, size: 1 });
  assert.equal(hit.body.hits.total.value, N);
  assert.equal(hit.body.hits.hits[0]._source.bucket, 'e2e-bucket');

  for (const key of [...keys].slice(0, 3)) {
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'e2e-bucket', Key: key }));
    keys.delete(key);
  }
  await s3.put('e2e-bucket', 'team9/new.md', 'a new heron');
  keys.add('team9/new.md');
  await new Promise((r) => setTimeout(r, 4100));
  await sync('incremental');
  await assertIndexMatchesBucket();
});
