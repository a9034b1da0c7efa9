/**
 * Issue 8 "Done when", at the job level: a worker (over loopback HTTP to a Tributary server)
 * syncs a `directory` connector into "Elasticsearch" — the Elasticsearch sink behind a fault
 * proxy in front of an Elasticsearch-compatible target. A target that answers 429 / 503 for a
 * while completes the job with exact counts; one down past the retry budget ends the job
 * `error` with the cause, with no document counted that was not acknowledged.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openElasticsearchSink } from '../../src/sink/cluster/elasticsearch.js';
import { parseClusterConfig } from '../../src/sink/cluster/config.js';
import { directoryConnector, makeTree, removeDir, startStack, syncNow, tempDir, waitForJob, type Stack } from '../runtime/helpers/harness.js';
import { startContentTarget, type ContentTarget } from './helpers/content-target.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

const N = 120;
let s: Stack;
let target: ContentTarget;
let proxy: Proxy;
let root: string;

before(async () => {
  root = tempDir();
  makeTree(root, N, 10);
  target = await startContentTarget();
  proxy = await startProxy(target.url);
  s = await startStack({ worker: false });
  const cfg = parseClusterConfig('elasticsearch', { url: proxy.url, bulk: { max_docs: 25 }, retry: { budget_seconds: 1.5, initial_delay_ms: 50, max_delay_ms: 200 } }, 'test', {});
  s.startWorker({ sink: openElasticsearchSink(cfg), limits: { batchDocs: 30 } });
  await directoryConnector(s, 'docs', root);
});

after(async () => {
  await s?.close();
  await proxy?.close();
  await target?.close();
  removeDir(root);
});

const isBulk = (path: string) => path === '/_bulk';

test('429 and 503 for a while, then recovery: the job completes with exact counts', async () => {
  let n = 0;
  proxy.fault = (r) => {
    if (!isBulk(r.path)) return undefined;
    n++;
    if (n === 1) return { status: 429, headers: { 'retry-after': '1' } };
    if (n <= 3) return { status: 503 };
    return undefined;
  };
  const job = await waitForJob(s, await syncNow(s, 'docs'), ['completed', 'error'], 60_000);
  proxy.fault = null;
  assert.equal(job.status, 'completed', job.error);
  assert.equal(job.indexed_document_count, N);
  assert.equal(job.total_document_count, N);
  assert.equal(target.index.count('docs').count, N);
});

test('down longer than the retry budget: the job ends error with the cause; nothing unacknowledged is counted', async () => {
  proxy.requests.length = 0;
  let n = 0;
  // one bulk request gets through, then the cluster is gone
  proxy.fault = (r) => (isBulk(r.path) && ++n > 1 ? { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized]' }, status: 503 } } : undefined);
  const job = await waitForJob(s, await syncNow(s, 'docs'), ['completed', 'error'], 60_000);
  proxy.fault = null;
  assert.equal(job.status, 'error');
  assert.match(
    job.error,
    /Cannot write to index \[docs\]: bulk request to Elasticsearch at http:\/\/127\.0\.0\.1:\d+ \(\d+ operations, [\d.]+ KiB\) failed after \d+ attempts in [\d.]+ s, giving up at the retry budget of 1\.5 s: HTTP 503 cluster_block_exception: blocked by: \[SERVICE_UNAVAILABLE\/1\/state not recovered \/ initialized\]/,
  );
  const through = proxy.requests.filter((r) => isBulk(r.path) && r.answered === 200).reduce((k, r) => k + r.body.trim().split('\n').length / 2, 0);
  assert.ok(job.indexed_document_count <= through, `${job.indexed_document_count} counted, ${through} acknowledged`);
  const c = (await s.call('GET', '/_connector/docs')).body;
  assert.equal(c.last_sync_status, 'error');
});
