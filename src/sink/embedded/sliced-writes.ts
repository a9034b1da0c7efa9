/**
 * A bulk batch of a sync written to the embedded index in slices: each slice is one transaction
 * of as many documents as fit in a time target at the rate the previous slice measured. On the
 * event loop that serves the API (no write thread) the loop runs other work between slices; on
 * the write thread, a slice bounds how long the API's own writes wait for the write lock. A
 * batch is therefore not atomic; nothing relies on it being so (a checkpoint is persisted after
 * the whole batch is written, and re-writing a document is idempotent).
 */
import { ACCESS_CONTROL_FIELD, ACCESS_CONTROL_MAPPING } from '../access-control-field.js';
import type { BulkItem } from '../../content-index/bulk.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { BulkOperation, BulkResult } from '../sink.js';

/** Most documents in one slice (one transaction), whatever the measured rate. */
const MAX_SLICE_DOCS = 500;

/** Sizes slices from the last one's time per document. */
export class Slicer {
  /** Documents in the next slice. */
  size = 16;

  constructor(private readonly targetMs: number) {}

  /** Records a slice of `docs` documents that took `ms`; grows at most fourfold at a time. */
  took(docs: number, ms: number): void {
    const fit = ms > 0 ? Math.floor((this.targetMs * docs) / ms) : MAX_SLICE_DOCS;
    this.size = Math.max(1, Math.min(MAX_SLICE_DOCS, fit, this.size * 4));
  }
}

function toItems(ops: BulkOperation[]): BulkItem[] {
  return ops.map((op) => {
    if (op.op === 'delete') return { action: 'delete', index: op.index, id: op.id };
    const { _id: _ignored, ...source } = op.doc;
    return { action: 'index', index: op.index, id: op.id, source };
  });
}

/** Writes `ops` slice by slice, awaiting `between()` before each slice. */
export async function writeSliced(index: ContentIndex, ops: BulkOperation[], slicer: Slicer, between: () => Promise<unknown> | void): Promise<BulkResult> {
  const items = toItems(ops);
  const failures: BulkResult['failures'] = [];
  for (let from = 0; from < items.length; ) {
    await between();
    const slice = items.slice(from, from + slicer.size);
    const started = performance.now();
    const res = index.bulk(slice);
    slicer.took(slice.length, performance.now() - started);
    res.items.forEach((item, k) => {
      const op = ops[from + k];
      const r = Object.values(item)[0] as { status: number; result?: string; error?: { type: string; reason: string } };
      if (r.error) failures.push({ id: op.id, op: op.op, status: r.status, reason: `${r.error.type}: ${r.error.reason}` });
      else if (r.status >= 400) failures.push({ id: op.id, op: op.op, status: r.status, reason: r.result ?? 'failed' });
    });
    from += slice.length;
  }
  return { succeeded: ops.length - failures.length, failures };
}

/** Creates `name` unless it exists (another writer creating it in between is fine). */
export function ensureIndexOn(index: ContentIndex, name: string, language: string | null, isAlreadyExists: (e: unknown) => boolean): void {
  if (index.exists(name)) return;
  try {
    index.createIndex(name, { mappings: { properties: { [ACCESS_CONTROL_FIELD]: ACCESS_CONTROL_MAPPING } } }, { language });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

export async function deleteOlderThanOn(index: ContentIndex, name: string, field: string, generation: number): Promise<number> {
  if (!index.exists(name)) return 0;
  const res = await index.deleteByQuery(name, { query: { range: { [field]: { lt: generation } } } });
  return res.deleted;
}
