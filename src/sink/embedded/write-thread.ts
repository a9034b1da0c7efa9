/**
 * The write thread of the embedded sink (embedded-sink.ts, `thread: true`): a sync's writes to
 * the embedded index — index creation, bulk batches, the sweep — run here on a connection of
 * its own, so they never hold the event loop that serves the API. SQLite's WAL lets the API's
 * connection read meanwhile; writes take turns on the write lock (busy_timeout), one slice at a
 * time. The main thread's ContentIndex notices this thread's commits (`PRAGMA data_version`) and
 * reloads its index handles.
 *
 * A piscina task module (one thread, one task at a time: write-thread-client.ts); errors come
 * back as values (message and, for catalogue errors, the type). The `close` task closes the
 * connection before the pool is destroyed.
 */
import { workerData } from 'piscina';
import { ContentIndex } from '../../content-index/content-index.js';
import { ApiError } from '../../domain/errors.js';
import type { BulkOperation } from '../sink.js';
import { deleteOlderThanOn, ensureIndexOn, Slicer, writeSliced } from './sliced-writes.js';

export type WriteRequest =
  | { op: 'ensureIndex'; name: string; language: string | null }
  | { op: 'bulk'; ops: BulkOperation[] }
  | { op: 'deleteOlderThan'; name: string; field: string; generation: number }
  | { op: 'close' };

export type WriteReply = { ok: unknown } | { error: { message: string; type?: string } };

const { path, sliceMs } = workerData as { path: string; sliceMs: number };
const slicer = new Slicer(sliceMs);
const openIndex = () => new ContentIndex(path, { docValuesBackfill: false, search: { threads: 0 } });
// Opened while the thread starts (the native addon loads then, not inside a task; see read-worker.ts).
let index: ContentIndex | null = openIndex();

function open(): ContentIndex {
  return (index ??= openIndex());
}

async function run(req: WriteRequest): Promise<unknown> {
  switch (req.op) {
    case 'ensureIndex':
      return ensureIndexOn(open(), req.name, req.language, (e) => e instanceof ApiError && e.type === 'resource_already_exists_exception');
    case 'bulk':
      return writeSliced(open(), req.ops, slicer, () => undefined);
    case 'deleteOlderThan':
      return deleteOlderThanOn(open(), req.name, req.field, req.generation);
    case 'close': {
      const ci = index;
      index = null;
      await ci?.close();
      return null;
    }
  }
}

export default async function writeTask(req: WriteRequest): Promise<WriteReply> {
  try {
    return { ok: await run(req) };
  } catch (e) {
    return { error: { message: e instanceof ApiError ? e.reason : ((e as Error)?.message ?? String(e)), ...(e instanceof ApiError ? { type: e.type } : {}) } };
  }
}
