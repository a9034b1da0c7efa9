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

test('a cluster target without a URL is refused when the sink opens, naming the file', async () => {
  await assert.rejects(openSink(parseContentConfig({ target: 'opensearch' }, 'tributary.yml'), {}), /tributary\.yml: content\.url is required for content\.target: opensearch/);
});
