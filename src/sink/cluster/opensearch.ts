/**
 * The OpenSearch sink (issue 8): the shared cluster sink (`shared/cluster-sink.ts`) over the
 * official `@opensearch-project/opensearch` 3.x client, its retries off. OpenSearch has no
 * product header and no API keys (basic auth, TLS CA); the client sends plain
 * `application/json` / `application/x-ndjson` and does not check what it talks to.
 */
import { Client } from '@opensearch-project/opensearch';
import { redact } from './elasticsearch.js';
import type { BulkResponseBody, ClusterApi, DeleteByQueryBody } from './cluster-api.js';
import { ClusterSink, type ClusterSinkOptions } from './cluster-sink.js';
import { readCa, type ClusterConfig } from './config.js';

const SWEEP_TIMEOUT_MS = 30 * 60_000;

export function opensearchClient(cfg: ClusterConfig): Client {
  const ca = readCa(cfg);
  const ssl = ca || !cfg.verifyCerts ? { ...(ca ? { ca } : {}), rejectUnauthorized: cfg.verifyCerts } : undefined;
  const auth = cfg.auth && 'username' in cfg.auth ? { username: cfg.auth.username, password: cfg.auth.password } : undefined;
  return new Client({
    nodes: cfg.urls,
    ...(auth ? { auth } : {}),
    ...(ssl ? { ssl } : {}),
    maxRetries: 0,
    requestTimeout: cfg.requestTimeoutMs,
  });
}

export class OpenSearchApi implements ClusterApi {
  readonly describe: string;

  constructor(
    readonly client: Client,
    urls: string[],
    private readonly ownsClient = true,
  ) {
    this.describe = `OpenSearch at ${urls.map(redact).join(', ')}`;
  }

  async indexExists(index: string): Promise<boolean> {
    return (await this.client.indices.exists({ index })).body === true;
  }

  async createIndex(index: string, body: { settings?: Record<string, unknown>; mappings: Record<string, unknown> }): Promise<void> {
    await this.client.indices.create({ index, body } as Parameters<Client['indices']['create']>[0]);
  }

  async bulk(lines: string[], pipeline?: string): Promise<BulkResponseBody> {
    const res = await this.client.bulk({ body: lines, ...(pipeline ? { pipeline } : {}) } as Parameters<Client['bulk']>[0]);
    return res.body as BulkResponseBody;
  }

  async deleteByQuery(index: string, query: Record<string, unknown>): Promise<DeleteByQueryBody> {
    const res = await this.client.deleteByQuery(
      { index, body: { query }, conflicts: 'proceed', refresh: true } as Parameters<Client['deleteByQuery']>[0],
      { requestTimeout: SWEEP_TIMEOUT_MS },
    );
    return res.body as DeleteByQueryBody;
  }

  async refresh(index: string): Promise<void> {
    await this.client.indices.refresh({ index });
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

export function openOpenSearchSink(cfg: ClusterConfig, opts: ClusterSinkOptions = {}): ClusterSink {
  const api = new OpenSearchApi(opensearchClient(cfg), cfg.urls);
  return new ClusterSink(api, { bulk: cfg.bulk, retry: cfg.retry, ...opts });
}
