/**
 * Chooses the sink by configuration `content.target` (docs/runtime.md "Content target"):
 *
 *   embedded       the embedded content index (SQLite FTS5): in `tributary serve`, the index
 *                  this process serves (`<data>/content.db`, embedded-sink.ts); in a
 *                  standalone worker, the index of the Tributary server it works for, over
 *                  HTTP (embedded-http-sink.ts)
 *   elasticsearch  an Elasticsearch cluster (issue 8, cluster/; settings in cluster/config.ts)
 *   opensearch     an OpenSearch cluster (issue 8)
 */
import type { Client } from '@elastic/elasticsearch';
import { openClusterSink } from './cluster/open-cluster-sink.js';
import { HttpSink } from './embedded/embedded-http-sink.js';
import { parseClusterConfig, type ClusterConfig, type ClusterTarget } from './cluster/config.js';
import type { Logger } from '../domain/shared/logger.js';
import type { Sink } from './sink.js';

export const CONTENT_TARGETS = ['embedded', 'elasticsearch', 'opensearch'] as const;
export type ContentTarget = (typeof CONTENT_TARGETS)[number];

/** The validated `content` section: the target and, for a cluster, its settings. */
export type ContentConfig = { target: 'embedded' } | { target: ClusterTarget; cluster: ClusterConfig };

export const DEFAULT_CONTENT: ContentConfig = { target: 'embedded' };

/**
 * Checks the `content` section of the configuration file (absent = embedded) when the process
 * starts, cluster settings and the TRIBUTARY_CONTENT_* variables included: a mistake stops the
 * start rather than the first sync. `content.search` belongs to the embedded index
 * (content-index/search-config.ts); the keys of one target are refused under the other.
 */
export function parseContentConfig(raw: unknown, file = 'config', env: Record<string, string | undefined> = process.env): ContentConfig {
  if (raw === undefined || raw === null) return DEFAULT_CONTENT;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: content: expected a mapping`);
  const section = raw as Record<string, unknown>;
  const target = section.target ?? 'embedded';
  if (typeof target !== 'string' || !(CONTENT_TARGETS as readonly string[]).includes(target)) {
    throw new Error(`${file}: content.target must be one of ${CONTENT_TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
  }
  if (target === 'embedded') {
    const stray = Object.keys(section).find((k) => k !== 'target' && k !== 'search');
    if (stray !== undefined) throw new Error(`${file}: content.${stray} applies to content.target: elasticsearch or opensearch only`);
    return DEFAULT_CONTENT;
  }
  const { search, ...cluster } = section;
  if (search !== undefined) throw new Error(`${file}: content.search applies to content.target: embedded only (the cluster runs the searches)`);
  return { target: target as ClusterTarget, cluster: parseClusterConfig(target as ClusterTarget, cluster, file, env) };
}

export interface SinkEnvironment {
  /** In-process: a sink over the embedded index this process serves. */
  embedded?: () => Sink | Promise<Sink>;
  /** Standalone worker: a client of the Tributary server whose embedded index gets content. */
  server?: Client;
  /** Where cluster sinks report the retries they make (429, 5xx, lost connections). */
  log?: Pick<Logger, 'warn'>;
}

export async function openSink(cfg: ContentConfig, env: SinkEnvironment): Promise<Sink> {
  switch (cfg.target) {
    case 'embedded':
      if (env.embedded) return env.embedded();
      if (env.server) return new HttpSink(env.server);
      throw new Error('content.target is embedded but there is no embedded index here: run the worker inside `tributary serve` or give it the server --url');
    case 'elasticsearch':
    case 'opensearch':
      return openClusterSink(cfg.cluster, {
        onRetry: (e) => env.log?.warn(`${cfg.target} sink: ${e.what} failed (${e.cause}); retry ${e.attempt} in ${e.delayMs} ms`),
      });
  }
}
