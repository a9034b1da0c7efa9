/**
 * The sink port (`sink.ts`) over the embedded content index: the quick start's target for
 * synced content, no Elasticsearch needed. A document the index rejects (mapping conflict, bad
 * id) is a per-document failure, not a thrown error.
 *
 * Where the writes run (docs/runtime.md "Syncs and the API"):
 * - `thread: true` (`tributary serve`): on a write thread with its own connection
 *   (write-thread.ts), so a sync never holds the event loop that serves the API;
 * - otherwise on the calling thread, in slices (sliced-writes.ts) with the event loop free
 *   between them (setImmediate).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ApiError } from '../../domain/errors.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { BulkOperation, BulkResult, EnsureIndexOptions, Sink } from '../sink.js';
import { deleteOlderThanOn, ensureIndexOn, Slicer, writeSliced } from './sliced-writes.js';
import { WriteThread, WriteThreadError } from './write-thread-client.js';

export interface EmbeddedSinkOptions {
  /** Write on a thread of its own (default false: on the calling thread, in slices). */
  thread?: boolean;
  /** Time one write slice (one transaction) aims at, ms; default 4 on the calling thread, 25 on the write thread. */
  sliceMs?: number;
}

/** A slice this long keeps the event loop's p99 delay within 10 ms. */
export const LOOP_SLICE_MS = 4;
/** On the write thread a slice bounds how long an API write waits for the write lock. */
export const THREAD_SLICE_MS = 25;

const alreadyExists = (e: unknown) =>
  (e instanceof ApiError || e instanceof WriteThreadError) && e.type === 'resource_already_exists_exception';

export class EmbeddedSink implements Sink {
  private readonly slicer: Slicer;
  private thread: WriteThread | null = null;

  /**
   * @param index the engine (shared with the HTTP API in the same process)
   * @param ownsIndex close the engine on `close()`
   */
  constructor(
    private readonly index: ContentIndex,
    private readonly ownsIndex = false,
    private readonly opts: EmbeddedSinkOptions = {},
  ) {
    this.slicer = new Slicer(opts.sliceMs ?? LOOP_SLICE_MS);
  }

  /** The write thread, started on first use. */
  private writer(): WriteThread | null {
    if (!this.opts.thread) return null;
    return (this.thread ??= new WriteThread(this.index.path, this.opts.sliceMs ?? THREAD_SLICE_MS));
  }

  async ensureIndex(name: string, opts: EnsureIndexOptions = {}): Promise<void> {
    const language = opts.language ?? null;
    const w = this.writer();
    if (!w) return ensureIndexOn(this.index, name, language, alreadyExists);
    if (this.index.exists(name)) return;
    await w.call({ op: 'ensureIndex', name, language });
  }

  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    if (ops.length === 0) return { succeeded: 0, failures: [] };
    const w = this.writer();
    if (w) return w.call<BulkResult>({ op: 'bulk', ops });
    return writeSliced(this.index, ops, this.slicer, () => yieldToLoop());
  }

  async deleteOlderThan(index: string, field: string, generation: number): Promise<number> {
    const w = this.writer();
    if (!w) return deleteOlderThanOn(this.index, index, field, generation);
    return w.call<number>({ op: 'deleteOlderThan', name: index, field, generation });
  }

  /** Writes are visible as soon as they commit. */
  async refresh(index: string): Promise<void> {
    if (this.index.exists(index)) this.index.refresh(index);
  }

  async close(): Promise<void> {
    const t = this.thread;
    this.thread = null;
    await t?.close();
    if (this.ownsIndex) await this.index.close();
  }
}
