/**
 * The sink port (`sink.ts`) over the embedded content index: the quick start's target for
 * synced content, no Elasticsearch needed. Bulk batches run as one transaction each; a document
 * the index rejects (mapping conflict, bad id) is a per-document failure, not a thrown error.
 */
import { ACCESS_CONTROL_FIELD, ACCESS_CONTROL_MAPPING } from '../access-control-field.js';
import { ApiError } from '../../domain/errors.js';
import type { BulkItem } from '../../content-index/bulk.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { BulkOperation, BulkResult, EnsureIndexOptions, Sink } from '../sink.js';

export class EmbeddedSink implements Sink {
  /**
   * @param index the engine (shared with the HTTP API in the same process)
   * @param ownsIndex close the engine on `close()`
   */
  constructor(
    private readonly index: ContentIndex,
    private readonly ownsIndex = false,
  ) {}

  async ensureIndex(name: string, opts: EnsureIndexOptions = {}): Promise<void> {
    if (this.index.exists(name)) return;
    try {
      const mappings = { properties: { [ACCESS_CONTROL_FIELD]: ACCESS_CONTROL_MAPPING } };
      this.index.createIndex(name, { mappings }, { language: opts.language ?? null });
    } catch (e) {
      // Another writer created it in between: that is what we wanted.
      if (!(e instanceof ApiError && e.type === 'resource_already_exists_exception')) throw e;
    }
  }

  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    if (ops.length === 0) return { succeeded: 0, failures: [] };
    const items: BulkItem[] = ops.map((op) => {
      if (op.op === 'delete') return { action: 'delete', index: op.index, id: op.id };
      const { _id: _ignored, ...source } = op.doc;
      return { action: 'index', index: op.index, id: op.id, source };
    });
    const res = this.index.bulk(items);
    const failures: BulkResult['failures'] = [];
    res.items.forEach((item, i) => {
      const r = Object.values(item)[0] as { status: number; result?: string; error?: { type: string; reason: string } };
      if (r.error) failures.push({ id: ops[i].id, op: ops[i].op, status: r.status, reason: `${r.error.type}: ${r.error.reason}` });
      else if (r.status >= 400) failures.push({ id: ops[i].id, op: ops[i].op, status: r.status, reason: r.result ?? 'failed' });
    });
    return { succeeded: ops.length - failures.length, failures };
  }

  async deleteOlderThan(index: string, field: string, generation: number): Promise<number> {
    if (!this.index.exists(index)) return 0;
    const res = await this.index.deleteByQuery(index, { query: { range: { [field]: { lt: generation } } } });
    return res.deleted;
  }

  /** Writes are visible as soon as they commit. */
  async refresh(index: string): Promise<void> {
    if (this.index.exists(index)) this.index.refresh(index);
  }

  async close(): Promise<void> {
    if (this.ownsIndex) await this.index.close();
  }
}
