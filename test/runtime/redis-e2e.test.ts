/**
 * The `redis` source through the whole stack (server, worker over loopback HTTP, embedded
 * index) on the machine's Redis: a full sync indexes one document per key with Elastic's fields;
 * after keys are deleted and added, the next full sync removes the deleted keys' documents
 * (the runtime's sweep: the source has no incremental sync) and adds the new ones.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { documentId } from '../../src/sources/redis/datasource.js';
import { claimDatabase, redisConfig, withRedis, type TestDatabase } from '../../src/sources/redis/redis.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const N = 500;

await withRedis('redis end to end', () => {
  let s: Stack;
  let t: TestDatabase;
  before(async () => {
    t = await claimDatabase();
    const p = t.r.pipeline();
    for (let i = 0; i < N; i++) p.set(`doc:${i}`, JSON.stringify({ n: i, tag: 'redis-e2e' }));
    p.hset('profile', 'name', 'Ada');
    await p.exec();
    s = await startStack();
  });
  after(async () => {
    await s?.close();
    await t?.release();
  });

  async function fullSync() {
    const id = await syncNow(s, 'keys', 'full');
    const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 60_000);
    assert.equal(job.status, 'completed', `job error: ${job.error}`);
    return job;
  }
  const expected = async () => (await t.r.keys('*')).map((k) => documentId(t.db, Buffer.from(k))).sort();

  test('full syncs index every key and remove deleted ones', async () => {
    const put = await s.call('PUT', '/_connector/keys', { index_name: 'keys', service_type: 'redis', name: 'keys' });
    assert.ok(put.status < 300, JSON.stringify(put.body));
    await waitFor('schema registration', async () => (await s.call('GET', '/_connector/keys')).body.status === 'needs_configuration');
    const cfg = await s.call('PUT', '/_connector/keys/_configuration', { values: redisConfig(t.db) });
    assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
    await waitFor('connected', async () => (await s.call('GET', '/_connector/keys')).body.status === 'connected');

    const first = await fullSync();
    assert.equal(first.indexed_document_count, N + 2); // + the hash + the test's claim key
    assert.deepEqual([...(await indexIds(s, 'keys')).keys()].sort(), await expected());
    const doc = (await s.call('GET', `/keys/_doc/${documentId(t.db, Buffer.from('profile'))}`)).body._source;
    assert.equal(doc.key, 'profile');
    assert.equal(doc.value, "{'name': 'Ada'}");
    assert.equal(doc.key_type, 'hash');
    assert.equal(doc.database, t.db);
    assert.ok(doc.size_in_bytes > 0);

    await t.r.del('doc:1', 'doc:2', 'doc:3');
    await t.r.set('doc:new', 'fresh');
    const second = await fullSync();
    assert.equal(second.deleted_document_count, 3);
    assert.deepEqual([...(await indexIds(s, 'keys')).keys()].sort(), await expected());
    const hit = (await s.call('POST', '/keys/_search', { query: { match: { value: 'fresh' } } })).body;
    assert.equal(hit.hits.total.value, 1);
  });
});
