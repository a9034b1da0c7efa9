/**
 * The `azure_blob_storage` source end to end: a server, a worker over loopback HTTP, an
 * `azure_blob_storage` connector configured through the Connector API with Elastic's keys
 * against Azurite. A full sync indexes every blob (a blob over the extraction limit with its
 * metadata, counted as a failure on the job); after deletions and additions an incremental
 * sync leaves the index holding exactly the container.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { documentId } from '../../src/sources/azure_blob_storage/datasource.js';
import { ACCOUNT, inParallel, KEY, startAzurite, type TestAzure } from '../../src/sources/azure_blob_storage/azure.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const N = 400;
let s: Stack;
let az: TestAzure;
const names = new Set<string>();

before(async () => {
  az = await startAzurite();
  await az.container('e2e-container');
  await inParallel(Array.from({ length: N }, (_, i) => i), 16, async (i) => {
    const name = `team${i % 5}/notes/note-${i}.md`;
    await az.put('e2e-container', name, `# Note ${i}\n\nabout the heron number ${i}`, { contentType: 'text/markdown' });
    names.add(name);
  });
  await az.put('e2e-container', 'big/too-large.txt', Buffer.alloc(2 * 1024 * 1024, 'x'));
  names.add('big/too-large.txt');
  s = await startStack();
  await new Promise((r) => setTimeout(r, 4100)); // past the source's margin for clocks
});

after(async () => {
  await s?.close();
  await az?.close();
});

async function sync(type: 'full' | 'incremental') {
  const id = await syncNow(s, 'azdocs', type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 120_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return job;
}

async function assertIndexMatchesContainer() {
  const ids = await indexIds(s, 'azdocs');
  assert.deepEqual([...ids.keys()].sort(), [...names].map((n) => documentId('e2e-container', n)).sort());
}

test('an azure_blob_storage connector configured through the API syncs, fully then incrementally', async () => {
  const put = await s.call('PUT', '/_connector/azdocs', { index_name: 'azdocs', service_type: 'azure_blob_storage', name: 'azdocs' });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', '/_connector/azdocs')).body.status === 'needs_configuration');
  const labels = (await s.call('GET', '/_connector/azdocs')).body.configuration;
  assert.equal(labels.containers.label, 'Azure Blob Storage containers');
  assert.equal(labels.account_key.sensitive, true);
  const values = { account_name: ACCOUNT, account_key: KEY, blob_endpoint: az.endpoint, containers: 'e2e-container', max_file_size: 1024 * 1024 };
  const cfg = await s.call('PUT', '/_connector/azdocs/_configuration', { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', '/_connector/azdocs')).body.status === 'connected');

  const full = await sync('full');
  assert.equal(full.indexed_document_count, N + 1);
  await assertIndexMatchesContainer();
  assert.match(JSON.stringify(full.metadata), /too-large\.txt/);
  const hit = await s.call('POST', '/azdocs/_search', { query: { match: { body: 'heron' } }, size: 1 });
  assert.equal(hit.body.hits.total.value, N);
  const src = hit.body.hits.hits[0]._source;
  assert.equal(src.container, 'e2e-container');
  assert.equal(src['content type'], 'text/markdown');

  for (const name of [...names].slice(0, 3)) {
    await az.remove('e2e-container', name);
    names.delete(name);
  }
  await az.put('e2e-container', 'team9/new.md', 'a new heron');
  names.add('team9/new.md');
  await new Promise((r) => setTimeout(r, 4100));
  await sync('incremental');
  await assertIndexMatchesContainer();
});
