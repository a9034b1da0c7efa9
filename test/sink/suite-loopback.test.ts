/**
 * The shared sink suite for the embedded index (over HTTP) and for the Elasticsearch and
 * OpenSearch sinks pointed at Tributary's own Elasticsearch-compatible document API on a
 * loopback port — no cluster needed.
 */
import { Client } from '@elastic/elasticsearch';
import { HttpSink } from '../../src/sink/embedded/embedded-http-sink.js';
import { openElasticsearchSink } from '../../src/sink/cluster/elasticsearch.js';
import { openOpenSearchSink } from '../../src/sink/cluster/opensearch.js';
import { parseClusterConfig } from '../../src/sink/cluster/config.js';
import { httpInspector, sinkSuite } from '../../src/sink/sink.case.test.js';
import { startContentTarget } from './helpers/content-target.js';

sinkSuite('embedded index (HttpSink)', async () => {
  const target = await startContentTarget();
  const client = new Client({ node: target.url });
  return {
    sink: new HttpSink(client, true),
    inspect: httpInspector(target.url),
    close: () => target.close(),
  };
});

for (const kind of ['elasticsearch', 'opensearch'] as const) {
  sinkSuite(`${kind} sink → Tributary document API`, async () => {
    const target = await startContentTarget();
    const cfg = parseClusterConfig(kind, { url: target.url, bulk: { max_docs: 50 } }, 'test', {});
    const sink = kind === 'elasticsearch' ? openElasticsearchSink(cfg) : openOpenSearchSink(cfg);
    return {
      sink,
      inspect: httpInspector(target.url),
      async close() {
        await sink.close();
        await target.close();
      },
    };
  }, { analyzers: true });
}
