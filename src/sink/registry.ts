/**
 * Chooses the sink by configuration `content.target` (docs/runtime.md "Content target"):
 *
 *   embedded       the embedded content index (SQLite FTS5): in `tributary serve`, the index
 *                  this process serves (`<data>/content.db`, embedded-sink.ts); in a
 *                  standalone worker, the index of the Tributary server it works for, over
 *                  HTTP (embedded-http-sink.ts)
 *   elasticsearch  an Elasticsearch cluster (issue 8, cluster.ts; settings in shared/config.ts)
 *   opensearch     an OpenSearch cluster (issue 8)
 */
import type { Client } from '@elastic/elasticsearch';
import { openClusterSink } from './cluster/open-cluster-sink.js';
import { HttpSink } from './embedded/embedded-http-sink.js';
import { parseClusterConfig } from './cluster/config.js';
import type { Logger } from '../domain/shared/logger.js';
import type { Sink } from './sink.js';

export const CONTENT_TARGETS = ['embedded', 'elasticsearch', 'opensearch'] as const;
export type ContentTarget = (typeof CONTENT_TARGETS)[number];

export interface ContentConfig {
  target: ContentTarget;
  /** The whole `content` section (cluster settings are parsed when the sink opens). */
  raw: Record<string, unknown>;
  /** Where it came from, for error messages. */
  file: string;
}

export const DEFAULT_CONTENT: ContentConfig = { target: 'embedded', raw: {}, file: 'defaults' };

/** Reads the `content` section of the YAML configuration file (absent = embedded). */
export function parseContentConfig(raw: unknown, file = 'config'): ContentConfig {
  if (raw === undefined || raw === null) return { ...DEFAULT_CONTENT, file };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: content: expected a mapping`);
  const target = (raw as Record<string, unknown>).target ?? 'embedded';
  if (typeof target !== 'string' || !(CONTENT_TARGETS as readonly string[]).includes(target)) {
    throw new Error(`${file}: content.target must be one of ${CONTENT_TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
  }
  return { target: target as ContentTarget, raw: raw as Record<string, unknown>, file };
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
      return openClusterSink(parseClusterConfig(cfg.target, cfg.raw, cfg.file), {
        onRetry: (e) => env.log?.warn(`${cfg.target} sink: ${e.what} failed (${e.cause}); retry ${e.attempt} in ${e.delayMs} ms`),
      });
  }
}
