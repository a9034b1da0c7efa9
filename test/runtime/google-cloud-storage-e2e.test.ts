/**
 * The `google_cloud_storage` source end to end: a server, a worker over loopback HTTP, a
 * `google_cloud_storage` connector configured through the Connector API with Elastic's keys
 * (plus `endpoint`) against the fixture JSON API server. A full sync indexes every object (one
 * over the extraction limit with its metadata, counted as a failure on the job); after a
 * deletion, an overwrite (a new generation, so a new id) and an addition, an incremental sync
 * leaves the index holding exactly the bucket's current generations.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeGcs, type FakeGcs } from '../../src/sources/google_cloud_storage/gcs.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const N = 300;
const BUCKET = 'e2e-bucket';
let s: Stack;
let g: FakeGcs;

before(async () => {
  g = await startFakeGcs();
  g.bucket(BUCKET);
  for (let i = 0; i < N; i++) g.put(BUCKET, `team${i % 5}/notes/note-${i}.md`, `# Note ${i}\n\nabout the heron number ${i}`, 'text/markdown');
  g.put(BUCKET, 'big/too-large.txt', Buffer.alloc(2 * 1024 * 1024, 'x'), 'text/plain');
  s = await startStack();
  await new Promise((r) => setTimeout(r, 3200)); // past the source's margin for clocks
});

after(async () => {
  await s?.close();
  await g?.close();
});

async function sync(type: 'full' | 'incremental') {
  const id = await syncNow(s, 'gcsdocs', type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 120_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return job;
}

async function assertIndexMatchesBucket() {
  const ids = await indexIds(s, 'gcsdocs');
  assert.deepEqual([...ids.keys()].sort(), [...g.objects(BUCKET)].map(([name, o]) => `${BUCKET}/${name}/${o.generation}`).sort());
}

test('a google_cloud_storage connector configured through the API syncs, fully then incrementally', async () => {
  const put = await s.call('PUT', '/_connector/gcsdocs', { index_name: 'gcsdocs', service_type: 'google_cloud_storage', name: 'gcsdocs' });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', '/_connector/gcsdocs')).body.status === 'needs_configuration');
  const schema = (await s.call('GET', '/_connector/gcsdocs')).body.configuration;
  assert.equal(schema.service_account_credentials.sensitive, true);
  assert.equal(schema.buckets.type, 'list');
  const values = { buckets: BUCKET, service_account_credentials: g.key(), endpoint: g.url, max_file_size: 1024 * 1024 };
  const cfg = await s.call('PUT', '/_connector/gcsdocs/_configuration', { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', '/_connector/gcsdocs')).body.status === 'connected');

  const full = await sync('full');
  assert.equal(full.indexed_document_count, N + 1);
  await assertIndexMatchesBucket();
  assert.match(JSON.stringify(full.metadata), /too-large\.txt/);
  const hit = await s.call('POST', '/gcsdocs/_search', { query: { match: { body: 'heron' } }, size: 1 });
  assert.equal(hit.body.hits.total.value, N);
  assert.equal(hit.body.hits.hits[0]._source.bucket_name, BUCKET);

  g.remove(BUCKET, 'team1/notes/note-1.md');
  g.put(BUCKET, 'team2/notes/note-2.md', 'an overwritten heron', 'text/markdown');
  g.put(BUCKET, 'team9/new.md', 'a new heron', 'text/markdown');
  await new Promise((r) => setTimeout(r, 3200));
  await sync('incremental');
  await assertIndexMatchesBucket();
});
