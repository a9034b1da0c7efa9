/**
 * A sink that writes through the Elasticsearch document APIs over HTTP, with the official
 * client: `indices.exists/create`, `_bulk`, `_delete_by_query` for the sweep, `_refresh`. It
 * serves the standalone worker (`tributary worker --url …`) writing into the embedded content
 * index of the Tributary server it works for. It only uses what that index serves, so it also
 * works against Elasticsearch, but issue 8's cluster sinks (cluster.ts) are the tuned ones.
 */
import { ACCESS_CONTROL_FIELD, ACCESS_CONTROL_MAPPING } from '../access-control-field.js';
import type { Client } from '@elastic/elasticsearch';
import type { BulkItemFailure, BulkOperation, BulkResult, EnsureIndexOptions, Sink } from '../sink.js';

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
        // Elastic's DLS field with its `enum` sub-field, as the in-process embedded sink maps it.
        await this.client.indices.create({ index, mappings: { properties: { [ACCESS_CONTROL_FIELD]: { ...ACCESS_CONTROL_MAPPING } } } });
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
    if (!(await this.client.indices.exists({ index }))) return 0;
    const res = await this.client.deleteByQuery(
      { index, query: { range: { [field]: { lt: generation } } }, refresh: true, conflicts: 'proceed' },
      { requestTimeout: 30 * 60_000 },
    );
    if (res.failures?.length) throw new Error(`sweep of [${index}] failed: ${JSON.stringify(res.failures[0])}`);
    return res.deleted ?? 0;
  }

  async refresh(index: string): Promise<void> {
    await this.client.indices.refresh({ index });
  }

  async close(): Promise<void> {
    if (this.closeClient) await this.client.close();
  }
}
