/**
 * Opens the sink for an external cluster (`content.target: elasticsearch | opensearch`,
 * issue 8) from its parsed configuration (`shared/config.ts`); `registry.ts` calls this.
 */
import { openElasticsearchSink } from './elasticsearch.js';
import { openOpenSearchSink } from './opensearch.js';
import type { ClusterSink, ClusterSinkOptions } from './cluster-sink.js';
import type { ClusterConfig } from './config.js';

export function openClusterSink(cfg: ClusterConfig, opts: ClusterSinkOptions = {}): ClusterSink {
  return cfg.target === 'elasticsearch' ? openElasticsearchSink(cfg, opts) : openOpenSearchSink(cfg, opts);
}
