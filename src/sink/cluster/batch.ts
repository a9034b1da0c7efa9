/**
 * Splits the operations of one `Sink.bulk` call into `_bulk` requests bounded in count and in
 * serialized bytes (runtime.md "Robustness": bulk requests bounded in bytes and count). Each
 * operation is serialized once here; retries resend the same lines. A request carries one
 * ingest pipeline (the bulk `pipeline` parameter), so a change of pipeline starts a new one.
 * Requests may run concurrently; one that touches an id an earlier request also touches is a
 * barrier, so the order of operations on one document is kept.
 */
import type { BulkOperation } from '../sink.js';

export interface BulkLimits {
  /** Operations per `_bulk` request. */
  maxDocs: number;
  /** Serialized bytes per `_bulk` request (a single larger document goes alone). */
  maxBytes: number;
  /** `_bulk` requests in flight per sink. */
  maxInFlight: number;
}

export const DEFAULT_BULK: BulkLimits = { maxDocs: 1000, maxBytes: 5 * 1024 * 1024, maxInFlight: 2 };

export interface PlannedOp {
  op: BulkOperation;
  /** The ndjson lines of the operation (action, then source for index). */
  lines: string[];
  bytes: number;
}

export interface Chunk {
  ops: PlannedOp[];
  bytes: number;
  pipeline?: string;
  /** Must start only after every earlier chunk has finished. */
  barrier: boolean;
}

export function planOp(op: BulkOperation): PlannedOp {
  const meta = { _index: op.index, _id: op.id };
  const lines = op.op === 'index' ? [JSON.stringify({ index: meta }), JSON.stringify(op.doc)] : [JSON.stringify({ delete: meta })];
  let bytes = 0;
  for (const l of lines) bytes += Buffer.byteLength(l) + 1;
  return { op, lines, bytes };
}

export function planChunks(ops: BulkOperation[], limits: Pick<BulkLimits, 'maxDocs' | 'maxBytes'>): Chunk[] {
  const chunks: Chunk[] = [];
  let earlier = new Set<string>();
  let cur: Chunk | null = null;
  let curKeys = new Set<string>();
  let hasIndex = false;
  const close = () => {
    if (!cur) return;
    chunks.push(cur);
    if (cur.barrier) earlier = curKeys;
    else for (const k of curKeys) earlier.add(k);
    cur = null;
    curKeys = new Set();
    hasIndex = false;
  };
  for (const op of ops) {
    const p = planOp(op);
    const pipeline = op.op === 'index' ? op.pipeline || undefined : undefined;
    if (cur !== null) {
      const c: Chunk = cur;
      const full = c.ops.length >= limits.maxDocs || c.bytes + p.bytes > limits.maxBytes;
      const otherPipeline = op.op === 'index' && hasIndex && c.pipeline !== pipeline;
      if (full || otherPipeline) close();
    }
    if (cur === null) cur = { ops: [], bytes: 0, barrier: false };
    const c: Chunk = cur;
    if (op.op === 'index' && !hasIndex) {
      c.pipeline = pipeline;
      hasIndex = true;
    }
    const key = `${op.index}\u0000${op.id}`;
    if (earlier.has(key)) c.barrier = true;
    curKeys.add(key);
    c.ops.push(p);
    c.bytes += p.bytes;
  }
  close();
  return chunks;
}
