/**
 * Test stand-in for the embedded sink until `src/sink/embedded-sink.ts` lands: the Sink port
 * over a ContentIndex in this process.
 */
import type { ContentIndex } from '../../src/sink/embedded/content-index.js';
import type { BulkItemFailure, BulkOperation, BulkResult, EnsureIndexOptions, Sink } from '../../src/sink/sink.js';

export class ContentIndexSink implements Sink {
  constructor(private readonly ci: ContentIndex) {}

  async ensureIndex(index: string, opts?: EnsureIndexOptions): Promise<void> {
    if (!this.ci.exists(index)) this.ci.createIndex(index, undefined, { language: opts?.language ?? null });
  }

  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    const r = this.ci.bulk(
      ops.map((o) => (o.op === 'index' ? { action: 'index' as const, index: o.index, id: o.id, source: o.doc } : { action: 'delete' as const, index: o.index, id: o.id })),
    );
    const failures: BulkItemFailure[] = [];
    let succeeded = 0;
    r.items.forEach((item, i) => {
      const v = Object.values(item)[0] as { status: number; error?: { reason?: string } };
      if (v.error || v.status === 404) failures.push({ id: ops[i].id, op: ops[i].op, status: v.status, reason: v.error?.reason ?? 'not_found' });
      else succeeded++;
    });
    return { succeeded, failures };
  }

  async deleteOlderThan(index: string, field: string, generation: number): Promise<number> {
    const r = await this.ci.deleteByQuery(index, { query: { range: { [field]: { lt: generation } } } });
    return r.deleted;
  }

  async refresh(): Promise<void> {}
  async close(): Promise<void> {}
}
