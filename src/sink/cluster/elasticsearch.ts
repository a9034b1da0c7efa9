/**
 * The Elasticsearch sink (issue 8): the shared cluster sink (`shared/cluster-sink.ts`) over the
 * official `@elastic/elasticsearch` 9.x client. The client's own retries are off — the sink's
 * retry budget decides — and its product check stays on, so a server that is not
 * Elasticsearch (OpenSearch answers without `x-elastic-product`) fails with a clear message.
 * `compatible_with: 8` sends the REST-compatibility media types an 8.x cluster accepts.
 */
import { Client, SniffingTransport, type TransportOptions } from '@elastic/elasticsearch';
import type { BulkResponseBody, ClusterApi, DeleteByQueryBody } from './cluster-api.js';
import { ClusterSink, type ClusterSinkOptions } from './cluster-sink.js';
import { readCa, type ClusterConfig } from './config.js';

/** Long enough for a sweep over a large index; a retry after a timeout only finds what is left. */
const SWEEP_TIMEOUT_MS = 30 * 60_000;

function compatTransport(version: 8 | 9): typeof SniffingTransport {
  return class extends SniffingTransport {
    constructor(opts: TransportOptions) {
      super({
        ...opts,
        vendoredHeaders: {
          jsonContentType: `application/vnd.elasticsearch+json; compatible-with=${version}`,
          ndjsonContentType: `application/vnd.elasticsearch+x-ndjson; compatible-with=${version}`,
          accept: `application/vnd.elasticsearch+json; compatible-with=${version},text/plain`,
        },
      });
    }
  };
}

export function elasticsearchClient(cfg: ClusterConfig): Client {
  const ca = readCa(cfg);
  const tls = ca || !cfg.verifyCerts ? { ...(ca ? { ca } : {}), rejectUnauthorized: cfg.verifyCerts } : undefined;
  return new Client({
    nodes: cfg.urls,
    ...(cfg.auth ? { auth: cfg.auth } : {}),
    ...(tls ? { tls } : {}),
    maxRetries: 0,
    requestTimeout: cfg.requestTimeoutMs,
    ...(cfg.compatibleWith === 8 ? { Transport: compatTransport(8) } : {}),
  });
}

export class ElasticsearchApi implements ClusterApi {
  readonly describe: string;

  constructor(
    readonly client: Client,
    urls: string[],
    private readonly ownsClient = true,
  ) {
    this.describe = `Elasticsearch at ${urls.map(redact).join(', ')}`;
  }

  indexExists(index: string): Promise<boolean> {
    return this.client.indices.exists({ index });
  }

  async createIndex(index: string, body: { settings?: Record<string, unknown>; mappings: Record<string, unknown> }): Promise<void> {
    await this.client.indices.create({ index, ...body } as Parameters<Client['indices']['create']>[0]);
  }

  async bulk(lines: string[], pipeline?: string): Promise<BulkResponseBody> {
    // Pre-serialized lines: the transport joins strings with newlines as they are. The client
    // types operations as objects only, so this one cast stays.
    const operations = lines as unknown as Parameters<Client['bulk']>[0]['operations'];
    return (await this.client.bulk({ operations, ...(pipeline ? { pipeline } : {}) })) as BulkResponseBody;
  }

  async deleteByQuery(index: string, query: Record<string, unknown>): Promise<DeleteByQueryBody> {
    const res = await this.client.deleteByQuery(
      { index, query, conflicts: 'proceed', refresh: true },
      { requestTimeout: SWEEP_TIMEOUT_MS },
    );
    return res as DeleteByQueryBody;
  }

  async refresh(index: string): Promise<void> {
    await this.client.indices.refresh({ index });
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

/** `http://user:secret@host` → `http://host` for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function openElasticsearchSink(cfg: ClusterConfig, opts: ClusterSinkOptions = {}): ClusterSink {
  const api = new ElasticsearchApi(elasticsearchClient(cfg), cfg.urls);
  return new ClusterSink(api, { bulk: cfg.bulk, retry: cfg.retry, ...opts });
}
