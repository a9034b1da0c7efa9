/**
 * One sync, from source to index (runtime.md "Sync semantics", "Robustness"):
 *
 *   source.getDocs / getDocsIncrementally / getAccessControl   (async generator; each next()
 *     │                                                        raced with stop + idle timeout)
 *     ▼  basic sync rules of the active filtering (first match wins; not for access control)
 *     ▼  shaping: _id → bulk id + `id`, _timestamp, body (reduce_whitespace), generation stamp
 *     ▼  size check: a document over maxDocumentBytes → per-document failure, not indexed
 *     ▼  ByteQueue (bounded in serialized bytes; the producer waits when it is full)
 *     ▼  consumer: bulk batches bounded in count and bytes → sink.bulk → stats, failures;
 *     │  checkpoints travel in the queue and are persisted once what precedes them is written
 *     ▼  end: after a full enumeration that ran to its end, delete older generations (sweep);
 *        refresh
 *
 * Structured concurrency: producer and consumer run together; the first failure of either
 * stops the other and the sync rejects with it (the worker ends the job `error`). A stop
 * (cancel, SIGTERM) ends production, the consumer writes what is queued, and the sync
 * resolves with `finished: false` — never sweeping.
 */
import type { Logger } from '../../domain/shared/logger.js';
import { compileBasicRules, type DocumentMatcher } from '../../domain/sync-rules.js';
import type { BulkOperation, Sink } from '../../sink/sink.js';
import type { SyncJobType } from '../../domain/connector/enums.js';
import type { BasicRule } from '../../domain/connector/filtering.js';
import { GENERATION_FIELD } from '../../domain/sync-job/document.js';
import type { Source, SourceDocument, SyncContext } from '../../sources/source.js';
import { ByteQueue } from './byte-queue.js';
import type { SyncLimits } from './limits.js';
import { shapeDocument } from './shape.js';
import { closeQuietly, nextWithin, STOPPED } from './source-reader.js';
import { MIB, type SyncStats } from './stats.js';

export interface SyncSpec {
  jobType: SyncJobType;
  serviceType: string;
  /** Target index (for access control, already `.search-acl-filter-<index>`). */
  index: string;
  language: string | null;
  pipeline: { extract_binary_content: boolean; reduce_whitespace: boolean };
  /** Ingest pipeline for the target's bulk `pipeline` parameter (the connector's `pipeline.name`). */
  ingestPipeline?: string | null;
  rules: BasicRule[];
  advancedRules: unknown;
  syncCursor: Record<string, unknown> | null;
}

export interface SyncRun {
  source: Source;
  sink: Sink;
  spec: SyncSpec;
  limits: SyncLimits;
  /** Mark-and-sweep generation; grows with every sync attempt of an index. */
  generation: number;
  stats: SyncStats;
  /** Soft stop (cancel, suspend): stop reading, write what is queued, do not sweep. */
  stop: AbortSignal;
  /** Persists a checkpoint cursor (called once the documents before it are written). */
  checkpoint(cursor: Record<string, unknown>): Promise<void>;
  log: Logger;
}

export interface SyncResult {
  /** The source was read to its end. */
  finished: boolean;
  /** Cursor to store on the connector; null = leave it as it is. */
  cursor: Record<string, unknown> | null;
}

type Item =
  | { kind: 'index'; id: string; doc: Record<string, unknown>; bytes: number }
  | { kind: 'delete'; id: string; bytes: number }
  | { kind: 'checkpoint'; cursor: Record<string, unknown>; bytes: number };

function isDeletion(x: SourceDocument): boolean {
  return (x as { deleted?: unknown }).deleted === true && Object.keys(x).length === 2;
}

function human(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`;
}

export class SinkError extends Error {
  constructor(index: string, cause: unknown) {
    super(`Cannot write to index [${index}]: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'SinkError';
    this.cause = cause;
  }
}

/** What producer, consumer and finish share while one sync runs. */
interface SyncState {
  readonly queue: ByteQueue<Item>;
  /** Aborted on a stop or on the first failure: ends the source's reads. */
  readonly sourceAbort: AbortController;
  firstError: unknown;
  /** A full enumeration, after which older generations may be swept. */
  complete: boolean;
  /** The last cursor persisted by the consumer. */
  checkpointed: Record<string, unknown> | null;
  readonly ctx: SyncContext;
  /** The basic sync rules, compiled (null: every document passes). */
  readonly matcher: DocumentMatcher | null;
  /** `_timestamp` of the documents of this run. */
  readonly now: string;
}

interface Produced {
  finished: boolean;
  /** The source generator's return value (an incremental sync's cursor). */
  returned: unknown;
}

/** The first failure wins: it stops the source and the queue, so the other side ends too. */
function failSync(state: SyncState, err: unknown): void {
  if (state.firstError === null) state.firstError = err;
  state.sourceAbort.abort(err);
  state.queue.fail(err);
}

function newState(r: SyncRun): SyncState {
  const { spec, stats } = r;
  const queue = (stats.queue = new ByteQueue<Item>(r.limits.queueBytes));
  const sourceAbort = new AbortController();
  const state: SyncState = {
    queue,
    sourceAbort,
    firstError: null,
    complete: spec.jobType !== 'incremental',
    checkpointed: null,
    // Compiled before the index is created: rules that do not compile fail the sync first.
    matcher: spec.jobType !== 'access_control' && spec.rules.length > 0 ? compileBasicRules(spec.rules) : null,
    now: new Date().toISOString(),
    ctx: {
      signal: sourceAbort.signal,
      advancedRules: spec.advancedRules ?? {},
      basicRules: spec.rules,
      syncCursor: spec.syncCursor,
      checkpoint: (cursor) => queue.push({ kind: 'checkpoint', cursor, bytes: 0 }),
      log: r.log,
      pipeline: spec.pipeline,
      reportFailure: (id, reason) => stats.fail(id, reason, { indexed: true }), // the source yields it with its metadata
      reportSkipped: () => {
        stats.skipped++;
      },
      completeEnumeration: () => {
        state.complete = true;
      },
    },
  };
  return state;
}

export async function runSync(r: SyncRun): Promise<SyncResult> {
  const { spec, sink } = r;
  const state = newState(r);
  const onStop = () => state.sourceAbort.abort(r.stop.reason);
  if (r.stop.aborted) onStop();
  else r.stop.addEventListener('abort', onStop, { once: true });

  await sink.ensureIndex(spec.index, { language: spec.language }).catch((e) => {
    throw new SinkError(spec.index, e);
  });

  // Structured concurrency: both run together; the first failure of either stops the other.
  const producer = produce(r, state).then(
    (res) => {
      state.queue.close();
      return res;
    },
    (err) => {
      failSync(state, err);
      throw err;
    },
  );
  const consumer = consume(r, state).catch((err) => {
    failSync(state, err);
    throw err;
  });
  const [p] = await Promise.allSettled([producer, consumer]);
  r.stop.removeEventListener('abort', onStop);
  if (state.firstError !== null) throw state.firstError;
  return finish(r, state, (p as PromiseFulfilledResult<Produced>).value);
}

/** Reads the source into the queue: rules, shaping, the size check; ends on a stop or at the source's end. */
async function produce(r: SyncRun, state: SyncState): Promise<Produced> {
  const { spec, limits } = r;
  const iterable =
    spec.jobType === 'full'
      ? r.source.getDocs(state.ctx)
      : spec.jobType === 'incremental'
        ? r.source.getDocsIncrementally!(state.ctx)
        : r.source.getAccessControl!(state.ctx);
  const it = (iterable as AsyncIterable<SourceDocument>)[Symbol.asyncIterator]() as AsyncIterator<SourceDocument, unknown>;
  let done = false;
  try {
    for (;;) {
      const res = await nextWithin(it, limits.sourceIdleTimeoutMs, state.sourceAbort.signal, spec.serviceType);
      if (res === STOPPED) {
        if (state.firstError !== null) throw state.firstError;
        return { finished: false, returned: undefined };
      }
      if (res.done) {
        done = true;
        return { finished: true, returned: res.value };
      }
      await accept(r, state, res.value);
    }
  } finally {
    if (!done) closeQuietly(it);
  }
}

/** One document from the source: a deletion, skipped by the rules, refused for its size, or queued. */
async function accept(r: SyncRun, state: SyncState, item: SourceDocument): Promise<void> {
  const { spec, limits, stats } = r;
  const { queue, matcher, now } = state;
  if (spec.jobType === 'incremental' && isDeletion(item)) {
    await queue.push({ kind: 'delete', id: String(item._id), bytes: 64 });
    return;
  }
  if (matcher && !matcher(item)) {
    stats.skipped++;
    return;
  }
  const shaped = shapeDocument(item, { generation: r.generation, reduceWhitespace: spec.pipeline.reduce_whitespace, now });
  if (shaped.bytes > limits.maxDocumentBytes) {
    stats.fail(
      shaped.id,
      `Document is ${human(shaped.bytes)} serialized, over the worker's limit of ${human(limits.maxDocumentBytes)}: not indexed. ` +
        'Exclude it with a sync rule, lower the source\'s size limit, or raise --max-document-bytes.',
    );
    return;
  }
  await queue.push({ kind: 'index', id: shaped.id, doc: shaped.doc, bytes: shaped.bytes });
}

/** Writes the queue in bulk batches; persists each checkpoint once what precedes it is written. */
async function consume(r: SyncRun, state: SyncState): Promise<void> {
  const { spec, limits } = r;
  for (;;) {
    const batch = await state.queue.take(limits.batchDocs, limits.batchBytes, limits.batchLingerMs);
    if (batch.length === 0) return;
    const ops: BulkOperation[] = [];
    const sizes = new Map<string, number>();
    for (const it of batch) {
      if (it.kind === 'index') {
        ops.push(spec.ingestPipeline
          ? { op: 'index', index: spec.index, id: it.id, doc: it.doc, pipeline: spec.ingestPipeline }
          : { op: 'index', index: spec.index, id: it.id, doc: it.doc });
        sizes.set(it.id, it.bytes);
      } else if (it.kind === 'delete') {
        ops.push({ op: 'delete', index: spec.index, id: it.id });
      }
    }
    if (ops.length > 0) await write(r, ops, sizes);
    for (const it of batch) {
      if (it.kind === 'checkpoint') {
        await r.checkpoint(it.cursor);
        state.checkpointed = it.cursor;
      }
    }
  }
}

async function write(r: SyncRun, ops: BulkOperation[], sizes: Map<string, number>): Promise<void> {
  const { spec, stats } = r;
  let res;
  try {
    res = await r.sink.bulk(ops);
  } catch (e) {
    throw new SinkError(spec.index, e);
  }
  const failed = new Map<string, { op: string; status: number; reason: string }>();
  for (const f of res.failures) failed.set(`${f.op}:${f.id}`, f);
  for (const op of ops) {
    const f = failed.get(`${op.op}:${op.id}`);
    if (op.op === 'delete') {
      if (!f) stats.deleted++;
      else if (f.status !== 404) stats.fail(op.id, `delete failed with status ${f.status}: ${f.reason}`);
    } else if (f) {
      stats.fail(op.id, `the index rejected the document (status ${f.status}): ${f.reason}`);
    } else {
      stats.indexed++;
      stats.indexedBytes += sizes.get(op.id) ?? 0;
    }
  }
}

/** After both ended without failure: the sweep (only after a complete run), the refresh, the cursor to keep. */
async function finish(r: SyncRun, state: SyncState, { finished, returned }: Produced): Promise<SyncResult> {
  const { spec, stats, sink } = r;
  // Every document of the run failed (e.g. rejected by the index's mappings): the job ends in
  // error (job-runner.ts), and like any failed sync it must not sweep what earlier syncs wrote.
  const allFailed = stats.failed > 0 && stats.indexed === 0;
  if (finished && state.complete && !allFailed) {
    try {
      stats.deleted += await sink.deleteOlderThan(spec.index, GENERATION_FIELD, r.generation);
    } catch (e) {
      throw new SinkError(spec.index, e);
    }
    if (!stats.resumed) stats.total = stats.indexed;
  }
  await sink.refresh(spec.index).catch((e) => {
    throw new SinkError(spec.index, e);
  });

  let cursor: Record<string, unknown> | null;
  if (spec.jobType === 'access_control') cursor = null;
  else if (!finished) cursor = state.checkpointed;
  else if (spec.jobType === 'full') cursor = r.source.cursorAfterFullSync?.() ?? null;
  else cursor = (returned as Record<string, unknown> | undefined) ?? state.checkpointed;
  return { finished, cursor };
}
