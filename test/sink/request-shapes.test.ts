/**
 * The exact requests the Elasticsearch and OpenSearch sinks send (issue 8), recorded by a
 * proxy in front of Tributary's Elasticsearch-compatible document API.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openElasticsearchSink } from '../../src/sink/cluster/elasticsearch.js';
import { openOpenSearchSink } from '../../src/sink/cluster/opensearch.js';
import { parseClusterConfig } from '../../src/sink/cluster/config.js';
import { indexBody } from '../../src/sink/cluster/index-body.js';
import type { Sink } from '../../src/sink/sink.js';
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

const GEN = '_tributary_generation';

/** One sync's worth of calls; returns what went over the wire. */
async function exercise(sink: Sink, index: string): Promise<RecordedRequest[]> {
  proxy.requests.length = 0;
  await sink.ensureIndex(index, { language: 'fr' });
  await sink.ensureIndex(index, { language: 'fr' }); // known: no request
  const r = await sink.bulk([
    { op: 'index', index, id: 'a', doc: { id: 'a', title: 'Été', [GEN]: 3 }, pipeline: 'search-default-ingestion' },
    { op: 'delete', index, id: 'gone' },
  ]);
  assert.deepEqual(r, { succeeded: 1, failures: [{ id: 'gone', op: 'delete', status: 404, reason: 'not_found' }] });
  assert.equal(await sink.deleteOlderThan(index, GEN, 3), 0);
  await sink.refresh(index);
  await sink.close();
  return [...proxy.requests];
}

const shape = (r: RecordedRequest) => ({ method: r.method, path: r.path, query: r.query, body: r.body });

function expected(index: string) {
  return [
    { method: 'HEAD', path: `/${index}`, query: {}, body: '' },
    { method: 'PUT', path: `/${index}`, query: {}, body: JSON.stringify(indexBody(index, 'fr')) },
    {
      method: 'POST', path: '/_bulk', query: { pipeline: 'search-default-ingestion' },
      body: `{"index":{"_index":"${index}","_id":"a"}}\n{"id":"a","title":"Été","${GEN}":3}\n{"delete":{"_index":"${index}","_id":"gone"}}\n`,
    },
    { method: 'GET', path: `/${index}/_refresh`, query: {}, body: '' },
    {
      method: 'POST', path: `/${index}/_delete_by_query`, query: { conflicts: 'proceed', refresh: 'true' },
      body: `{"query":{"range":{"${GEN}":{"lt":3}}}}`,
    },
    { method: 'GET', path: `/${index}/_refresh`, query: {}, body: '' },
  ];
}

test('Elasticsearch sink: requests, vendored media types (compatible-with=9) and API key', async () => {
  const cfg = parseClusterConfig('elasticsearch', { url: proxy.url, api_key: 'a2V5OnNlY3JldA==' }, 'test', {});
  const reqs = await exercise(openElasticsearchSink(cfg), 'shapes-es');
  assert.deepEqual(reqs.map(shape), expected('shapes-es'));
  assert.equal(JSON.parse(reqs[1].body).mappings.properties.body.analyzer, 'french');
  for (const r of reqs) {
    assert.equal(r.headers.authorization, 'ApiKey a2V5OnNlY3JldA==');
    assert.match(String(r.headers.accept), /^application\/vnd\.elasticsearch\+json; compatible-with=9/);
    assert.match(String(r.headers['user-agent']), /^elasticsearch-js\/9\./);
  }
  assert.equal(reqs[1].headers['content-type'], 'application/vnd.elasticsearch+json; compatible-with=9');
  assert.equal(reqs[2].headers['content-type'], 'application/vnd.elasticsearch+x-ndjson; compatible-with=9');
  assert.equal(reqs[4].headers['content-type'], 'application/vnd.elasticsearch+json; compatible-with=9');
});

test('Elasticsearch sink with compatible_with: 8 sends the media types an 8.x cluster accepts', async () => {
  const cfg = parseClusterConfig('elasticsearch', { url: proxy.url, compatible_with: 8 }, 'test', {});
  const reqs = await exercise(openElasticsearchSink(cfg), 'shapes-es8');
  assert.deepEqual(reqs.map(shape), expected('shapes-es8'));
  assert.equal(reqs[2].headers['content-type'], 'application/vnd.elasticsearch+x-ndjson; compatible-with=8');
  for (const r of reqs) assert.match(String(r.headers.accept), /compatible-with=8/);
});

test('OpenSearch sink: the same requests with plain JSON media types and basic auth', async () => {
  const cfg = parseClusterConfig('opensearch', { url: proxy.url, username: 'admin', password: 's3cret' }, 'test', {});
  const reqs = await exercise(openOpenSearchSink(cfg), 'shapes-os');
  assert.deepEqual(reqs.map(shape), expected('shapes-os'));
  for (const r of reqs) {
    assert.equal(r.headers.authorization, `Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    assert.match(String(r.headers['user-agent']), /^opensearch-js\/3\./);
    assert.equal(r.headers['x-elastic-client-meta'], undefined);
  }
  assert.equal(reqs[1].headers['content-type'], 'application/json');
  assert.equal(reqs[2].headers['content-type'], 'application/x-ndjson');
});

test('bulk splits by count and bytes and sends at most max_in_flight requests at a time', async () => {
  const cfg = parseClusterConfig('elasticsearch', { url: proxy.url, bulk: { max_docs: 10, max_bytes: 2000, max_in_flight: 2 } }, 'test', {});
  const sink = openElasticsearchSink(cfg);
  await sink.ensureIndex('shapes-split');
  proxy.requests.length = 0;
  let inFlight = 0;
  let peak = 0;
  proxy.rewrite = (req, res) => {
    if (req.path === '/_bulk') inFlight--;
    return undefined;
  };
  proxy.fault = (req) => {
    if (req.path === '/_bulk') peak = Math.max(peak, ++inFlight);
    return undefined;
  };
  const ops = Array.from({ length: 45 }, (_, i) => ({ op: 'index' as const, index: 'shapes-split', id: `d${i}`, doc: { body: 'x'.repeat(i === 7 ? 3000 : 50) } }));
  const r = await sink.bulk(ops);
  proxy.fault = null;
  proxy.rewrite = null;
  assert.deepEqual(r, { succeeded: 45, failures: [] });
  const bulks = proxy.requests.filter((q) => q.path === '/_bulk');
  const counts = bulks.map((b) => b.body.trim().split('\n').length / 2);
  assert.equal(counts.reduce((a, b) => a + b, 0), 45);
  assert.ok(counts.every((n) => n <= 10), `counts ${counts}`);
  for (const b of bulks) if (b.body.trim().split('\n').length > 2) assert.ok(Buffer.byteLength(b.body) <= 2000, `${Buffer.byteLength(b.body)} bytes`);
  assert.ok(bulks.some((b) => b.body.includes('"d7"') && b.body.trim().split('\n').length === 2), 'the large document goes alone');
  assert.equal(peak, 2);
  await sink.close();
});
