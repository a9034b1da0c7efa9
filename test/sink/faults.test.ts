/**
 * Fault tests (issue 8 "Done when"): a proxy in front of Tributary's document API plays an
 * overloaded or absent cluster. A target answering 429 (with Retry-After), 503, item-level 429s
 * or dropping connections for a while, then recovering → the sync completes with exact
 * counts; a target down longer than the retry budget → the sync fails with that cause, and
 * nothing the target did not acknowledge is counted as indexed.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { runSync, type SyncRun } from '../../src/runtime/sync/pipeline.js';
import { DEFAULT_LIMITS } from '../../src/runtime/sync/limits.js';
import { SyncStats } from '../../src/runtime/sync/stats.js';
import { openElasticsearchSink } from '../../src/sink/cluster/elasticsearch.js';
import { openOpenSearchSink } from '../../src/sink/cluster/opensearch.js';
import type { ClusterSink } from '../../src/sink/cluster/cluster-sink.js';
import { parseClusterConfig, type ClusterTarget } from '../../src/sink/cluster/config.js';
import type { RetryEvent } from '../../src/sink/cluster/retry.js';
import type { Sink } from '../../src/sink/sink.js';
import type { Source, SourceDocument } from '../../src/sources/source.js';
import { startContentTarget, type ContentTarget } from './helpers/content-target.js';
import { startProxy, type Proxy, type RecordedRequest } from './helpers/proxy.js';

let target: ContentTarget;
let proxy: Proxy;
before(async () => {
  target = await startContentTarget();
  proxy = await startProxy(target.url);
});
after(async () => {
  await proxy.close();
  await target.close();
});
beforeEach(() => {
  proxy.fault = null;
  proxy.rewrite = null;
  proxy.requests.length = 0;
});

const silent = { info() {}, warn() {}, error() {} };

function memorySource(n: number): Source {
  return {
    async ping() {},
    async *getDocs(): AsyncGenerator<SourceDocument> {
      for (let i = 0; i < n; i++) yield { _id: `doc-${i}`, title: `Document ${i}`, body: `text of document ${i}` };
    },
    async close() {},
  };
}

function sinkFor(kind: ClusterTarget, retry: Record<string, number>, events: RetryEvent[] = []): ClusterSink {
  const cfg = parseClusterConfig(kind, { url: proxy.url, retry, bulk: { max_docs: 20, max_in_flight: 2 } }, 'test', {});
  const open = kind === 'elasticsearch' ? openElasticsearchSink : openOpenSearchSink;
  return open(cfg, { onRetry: (e) => events.push(e) });
}

/** What the sink acknowledged, call by call (to check nothing else is counted). */
function spy(sink: ClusterSink) {
  const acknowledged: number[] = [];
  const wrapped: Sink = {
    ensureIndex: (i, o) => sink.ensureIndex(i, o),
    bulk: async (ops) => {
      const r = await sink.bulk(ops);
      acknowledged.push(r.succeeded);
      return r;
    },
    deleteOlderThan: (i, f, g) => sink.deleteOlderThan(i, f, g),
    refresh: (i) => sink.refresh(i),
    close: () => sink.close(),
  };
  return { wrapped, acknowledged };
}

async function sync(sink: ClusterSink, index: string, n: number, generation = 1) {
  const stats = new SyncStats();
  const { wrapped, acknowledged } = spy(sink);
  const run: SyncRun = {
    source: memorySource(n),
    sink: wrapped,
    spec: {
      jobType: 'full', serviceType: 'memory', index, language: 'en',
      pipeline: { extract_binary_content: false, reduce_whitespace: true }, rules: [], advancedRules: {}, syncCursor: null,
    },
    limits: { ...DEFAULT_LIMITS, batchDocs: 50 },
    generation,
    stats,
    stop: new AbortController().signal,
    checkpoint: async () => {},
    log: silent,
  };
  const result = await runSync(run).catch((err: unknown) => ({ err }));
  return { stats, result, acknowledged: acknowledged.reduce((a, b) => a + b, 0) };
}

const isBulk = (r: RecordedRequest) => r.path === '/_bulk';
/** Documents in the bulk requests the target answered with 200. */
const documentsThrough = () =>
  proxy.requests.filter((r) => isBulk(r) && r.answered === 200).reduce((n, r) => n + r.body.trim().split('\n').length / 2, 0);
const count = (index: string) => (target.index.exists(index) ? target.index.count(index).count : 0);

for (const kind of ['elasticsearch', 'opensearch'] as const) {
  test(`${kind}: 429 with Retry-After, then 503, then recovery → the sync completes with exact counts`, async () => {
    const events: RetryEvent[] = [];
    const sink = sinkFor(kind, { budget_seconds: 20, initial_delay_ms: 20, max_delay_ms: 100 }, events);
    let bulks = 0;
    proxy.fault = (r) => {
      if (!isBulk(r)) return undefined;
      bulks++;
      if (bulks <= 2) return { status: 429, headers: { 'retry-after': '1' }, body: { error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' }, status: 429 } };
      if (bulks <= 5) return { status: 503, body: { error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' }, status: 503 } };
      return undefined;
    };
    const started = Date.now();
    const { stats, result } = await sync(sink, `faults-recover-${kind}`, 230);
    await sink.close();
    assert.ok(!('err' in result), String((result as { err?: Error }).err?.message));
    assert.equal(stats.indexed, 230);
    assert.equal(stats.failed, 0);
    assert.equal(count(`faults-recover-${kind}`), 230);
    assert.ok(Date.now() - started >= 1000, 'Retry-After: 1 was waited for');
    assert.equal(events.length, 5);
    assert.match(events[0].cause, /^HTTP 429 es_rejected_execution_exception/);
    assert.ok(events.slice(0, 2).every((e) => e.delayMs >= 1000), 'waits obey Retry-After');
    assert.match(events[4].cause, /^HTTP 503 unavailable_shards_exception/);
    const answered = proxy.requests.filter(isBulk).map((r) => r.answered);
    assert.deepEqual(answered.slice(0, 5), [429, 429, 503, 503, 503]);
    assert.ok(answered.slice(5).every((s) => s === 200));
  });
}

test('item-level 429s are resent alone; acknowledged items are counted once', async () => {
  const sink = sinkFor('elasticsearch', { budget_seconds: 20, initial_delay_ms: 20, max_delay_ms: 50 });
  const rejected: string[] = [];
  proxy.rewrite = (r, res) => {
    if (!isBulk(r) || rejected.length > 0) return undefined;
    // The first bulk: every third item "rejected" (the target did index it; resending is idempotent).
    const body = JSON.parse(res.body) as { items: Array<Record<string, Record<string, unknown>>> };
    body.items.forEach((item, i) => {
      if (i % 3 !== 0) return;
      rejected.push(String(item.index._id));
      item.index = { _index: 'x', _id: item.index._id, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'write queue is full' } };
    });
    return { status: 200, body: { ...body, errors: true } };
  };
  const { stats, result } = await sync(sink, 'faults-items', 40);
  await sink.close();
  assert.ok(!('err' in result));
  assert.equal(stats.indexed, 40);
  assert.equal(count('faults-items'), 40);
  const ids = (r: RecordedRequest) => r.body.trim().split('\n').filter((l) => l.startsWith('{"index"')).map((l) => JSON.parse(l).index._id as string);
  const bulks = proxy.requests.filter(isBulk);
  const sent = bulks.flatMap(ids);
  assert.ok(rejected.length > 0);
  // every document once, the rejected ones once more — in a request of their own after the first
  assert.equal(sent.length, 40 + rejected.length);
  assert.ok(bulks.slice(1).some((b) => ids(b).join() === rejected.join()), 'the rejected items were resent in a request of their own');
});

test('dropped connections are retried like a 503', async () => {
  const sink = sinkFor('opensearch', { budget_seconds: 20, initial_delay_ms: 20, max_delay_ms: 50 });
  let n = 0;
  proxy.fault = (r) => (isBulk(r) && ++n <= 3 ? 'reset' : undefined);
  const { stats, result } = await sync(sink, 'faults-reset', 60);
  await sink.close();
  assert.ok(!('err' in result), String((result as { err?: Error }).err?.message));
  assert.equal(stats.indexed, 60);
  assert.equal(count('faults-reset'), 60);
});

for (const kind of ['elasticsearch', 'opensearch'] as const) {
  test(`${kind}: down longer than the retry budget → the sync fails with the cause; only acknowledged documents count`, async () => {
    const sink = sinkFor(kind, { budget_seconds: 1, initial_delay_ms: 50, max_delay_ms: 200 });
    let bulks = 0;
    // Two bulk requests (40 documents) get through, then the target is gone for good.
    proxy.fault = (r) => (isBulk(r) && ++bulks > 2 ? { status: 503, body: '<html><body>503 Service Unavailable</body></html>', headers: { 'content-type': 'text/html' } } : undefined);
    const started = Date.now();
    const { stats, result, acknowledged } = await sync(sink, `faults-down-${kind}`, 300);
    await sink.close();
    const err = (result as { err?: Error }).err;
    assert.ok(err, 'the sync failed');
    assert.equal(err.name, 'SinkError');
    const product = kind === 'elasticsearch' ? 'Elasticsearch' : 'OpenSearch';
    assert.match(
      err.message,
      new RegExp(`^Cannot write to index \\[faults-down-${kind}\\]: bulk request to ${product} at http://127\\.0\\.0\\.1:\\d+ \\(\\d+ operations, [\\d.]+ KiB\\) failed after \\d+ attempts in [\\d.]+ s, giving up at the retry budget of 1\\.0 s: HTTP 503 <html><body>503 Service Unavailable</body></html>$`),
    );
    assert.ok(Date.now() - started < 5000);
    // Counted = acknowledged by completed sink.bulk calls; the call that gave up counts nothing,
    // although the target may hold some of its documents (from its requests that got through).
    assert.equal(stats.indexed, acknowledged);
    assert.equal(count(`faults-down-${kind}`), documentsThrough());
    assert.ok(stats.indexed <= documentsThrough(), `${stats.indexed} counted, ${documentsThrough()} in the index`);
  });
}

test('a failing call after successful ones: the earlier acknowledged documents stay counted, exactly', async () => {
  const sink = sinkFor('elasticsearch', { budget_seconds: 0.5, initial_delay_ms: 50, max_delay_ms: 100 });
  let bulks = 0;
  proxy.fault = (r) => (isBulk(r) && ++bulks > 6 ? 'reset' : undefined);
  const { stats, result, acknowledged } = await sync(sink, 'faults-partial', 300);
  await sink.close();
  const err = (result as { err?: Error }).err;
  assert.match(String(err?.message), /giving up at the retry budget of 0\.5 s: ConnectionError: /);
  assert.ok(stats.indexed > 0);
  assert.equal(stats.indexed, acknowledged);
  assert.ok(stats.indexed <= count('faults-partial'));
  assert.equal(count('faults-partial'), documentsThrough());
});

test('a permanent error (401) is not retried and says what to do', async () => {
  const sink = sinkFor('elasticsearch', { budget_seconds: 10, initial_delay_ms: 20, max_delay_ms: 50 });
  proxy.fault = () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="security"' }, body: { error: { type: 'security_exception', reason: 'unable to authenticate user [x] for REST request [/faults-auth]' }, status: 401 } });
  const { result } = await sync(sink, 'faults-auth', 5);
  await sink.close();
  assert.equal(proxy.requests.length, 1);
  assert.equal(
    (result as { err?: Error }).err?.message,
    `Cannot write to index [faults-auth]: checking index [faults-auth] on Elasticsearch at ${proxy.url} failed: HTTP 401 — check content.api_key, or content.username and content.password`,
  );
});

test('the Elasticsearch sink pointed at OpenSearch (no product header) says to use target: opensearch', async () => {
  const sink = sinkFor('elasticsearch', { budget_seconds: 10 });
  proxy.fault = () => ({ status: 200, headers: { 'x-elastic-product': 'OpenSearch-like' }, body: '' });
  await assert.rejects(sink.ensureIndex('faults-product'), {
    name: 'SinkRequestError',
    message: `checking index [faults-product] on Elasticsearch at ${proxy.url} failed: the server did not identify itself as Elasticsearch (no "x-elastic-product: Elasticsearch" header on a successful response); if it is OpenSearch, set content.target: opensearch`,
  });
  assert.equal(proxy.requests.length, 1);
  await sink.close();
});
