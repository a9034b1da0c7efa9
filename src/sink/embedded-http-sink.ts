/**
 * A sink that writes through the Elasticsearch document APIs over HTTP, using the official
 * client: `indices.exists/create`, `_bulk`, `_search` + `_bulk` delete for the sweep,
 * `_refresh`. Its purpose is the standalone worker (`tributary worker --url …`) writing into
 * the embedded content index of the Tributary server it works for; it only uses the Query DSL
 * subset that index serves (a `range` query, `_source: false`), so it also works against an
 * Elasticsearch cluster, but issue 8's Elasticsearch / OpenSearch sinks are the tuned ones.
 */
import type { Client } from '@elastic/elasticsearch';
import type { BulkItemFailure, BulkOperation, BulkResult, EnsureIndexOptions, Sink } from './sink.js';

const SWEEP_PAGE = 1000;

function errorType(err: unknown): string | undefined {
  return (err as { body?: { error?: { type?: string } } })?.body?.error?.type;
}

export class HttpSink implements Sink {
  private readonly known = new Set<string>();

  constructor(private readonly client: Client, private readonly closeClient = false) {}

  async ensureIndex(index: string, _opts?: EnsureIndexOptions): Promise<void> {
    if (this.known.has(index)) return;
    if (!(await this.client.indices.exists({ index }))) {
      try {
        await this.client.indices.create({ index });
      } catch (err) {
        if (errorType(err) !== 'resource_already_exists_exception') throw err;
      }
    }
    this.known.add(index);
  }

  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    const operations: unknown[] = [];
    for (const o of ops) {
      if (o.op === 'index') {
        operations.push({ index: { _index: o.index, _id: o.id, ...(o.pipeline ? { pipeline: o.pipeline } : {}) } }, o.doc);
      } else {
        operations.push({ delete: { _index: o.index, _id: o.id } });
      }
    }
    const res = await this.client.bulk({ operations });
    const failures: BulkItemFailure[] = [];
    let succeeded = 0;
    res.items.forEach((item, i) => {
      const [op, r] = Object.entries(item)[0] as [string, { status: number; error?: { type?: string; reason?: string } | string }];
      if (r.error) {
        const reason = typeof r.error === 'string' ? r.error : `${r.error.type ?? 'error'}: ${r.error.reason ?? ''}`;
        failures.push({ id: ops[i].id, op: op === 'delete' ? 'delete' : 'index', status: r.status, reason });
      } else if (op === 'delete' && r.status === 404) {
        failures.push({ id: ops[i].id, op: 'delete', status: 404, reason: 'not_found' });
      } else {
        succeeded++;
      }
    });
    return { succeeded, failures };
  }

  async deleteOlderThan(index: string, field: string, generation: number): Promise<number> {
    let deleted = 0;
    await this.client.indices.refresh({ index });
    for (;;) {
      const res = await this.client.search({ index, size: SWEEP_PAGE, _source: false, query: { range: { [field]: { lt: generation } } } });
      const ids = res.hits.hits.map((h) => h._id).filter((id): id is string => typeof id === 'string');
      if (ids.length === 0) return deleted;
      const r = await this.bulk(ids.map((id) => ({ op: 'delete' as const, index, id })));
      deleted += r.succeeded;
      if (r.succeeded === 0) {
        throw new Error(`sweep of [${index}] made no progress: ${r.failures[0]?.reason ?? 'unknown reason'}`);
      }
      await this.client.indices.refresh({ index });
    }
  }

  async refresh(index: string): Promise<void> {
    await this.client.indices.refresh({ index });
  }

  async close(): Promise<void> {
    if (this.closeClient) await this.client.close();
  }
}
