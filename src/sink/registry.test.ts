import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSink, parseContentConfig } from './registry.js';
import { ElasticsearchApi } from './cluster/elasticsearch.js';
import { OpenSearchApi } from './cluster/opensearch.js';
import { ClusterSink } from './cluster/cluster-sink.js';

test('content.target elasticsearch / opensearch opens the cluster sink with its settings', async () => {
  const sink = await openSink(parseContentConfig({ target: 'elasticsearch', url: 'http://127.0.0.1:9', bulk: { max_docs: 7 } }, 'tributary.yml'), {});
  assert.ok(sink instanceof ClusterSink);
  assert.ok(sink.api instanceof ElasticsearchApi);
  assert.equal(sink.api.describe, 'Elasticsearch at http://127.0.0.1:9');
  assert.equal(sink.limits.maxDocs, 7);
  await sink.close();
  const os = await openSink(parseContentConfig({ target: 'opensearch', urls: ['http://127.0.0.1:9'] }), {});
  assert.ok((os as ClusterSink).api instanceof OpenSearchApi);
  await os.close();
});

test('the content section is checked as a whole when it is parsed (at start), naming the file', () => {
  assert.throws(() => parseContentConfig({ target: 'opensearch' }, 'tributary.yml', {}), /tributary\.yml: content\.url is required for content\.target: opensearch/);
  assert.throws(() => parseContentConfig({ target: 'elasticsearch', url: 'http://x:9200', search: { threads: 1 } }, 'f.yml', {}), /f\.yml: content\.search applies to content\.target: embedded only/);
  assert.throws(() => parseContentConfig({ url: 'http://x:9200' }, 'f.yml', {}), /f\.yml: content\.url applies to content\.target: elasticsearch or opensearch only/);
  assert.throws(() => parseContentConfig({ target: 'solr' }, 'f.yml', {}), /content\.target must be one of embedded, elasticsearch, opensearch, got "solr"/);
  assert.deepEqual(parseContentConfig({ target: 'embedded', search: { threads: 1 } }, 'f.yml', {}), { target: 'embedded' });
  const c = parseContentConfig({ target: 'opensearch' }, 'f.yml', { TRIBUTARY_CONTENT_URL: 'http://os:9200' });
  assert.equal(c.target === 'opensearch' && c.cluster.urls[0], 'http://os:9200');
});
