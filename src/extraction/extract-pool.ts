/**
 * The extraction threads (piscina): the text of markup and documents (every format but plain
 * text, formats.ts) is extracted off the event loop, so a hostile or huge document never
 * stalls the API or other syncs. Used by the file-like sources and by ingest pipelines'
 * `attachment` processor. Bounded everywhere:
 *
 * - threads: at most EXTRACT_THREADS (half the cores, 1–4), created on demand, gone when idle;
 * - at most one task per thread at a time: callers wait for a thread here (the wait counts
 *   against no budget), so the pool's own queue stays empty;
 * - time: a task has `timeoutMs` from the moment its thread starts it (the thread says so;
 *   starting a thread does not count); past it the thread is terminated (piscina aborts a
 *   running task by ending its thread, and starts another) and the document becomes a
 *   per-document failure;
 * - memory: each thread's heap is capped (EXTRACT_HEAP_MB); a document that needs more ends
 *   its thread with an out-of-memory error, again a per-document failure, never a crash.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { threadModule } from '../platform/worker-thread.js';
import { Budget } from './budget.js';
import type { ExtractResult, ExtractTask } from './extract-worker.js';

export const EXTRACT_THREADS = Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
export const EXTRACT_HEAP_MB = 512;
export const DEFAULT_EXTRACT_TIMEOUT_MS = 30_000;

/** A document whose extraction ran out of time or memory (a per-document failure). */
export class ExtractionAborted extends Error {}

/** An extraction that cannot proceed — over a limit, or of no format read: the reason says what to do. */
export class ExtractionRefused extends Error {}

/** Time a thread may take to start before its task counts as over budget anyway. */
const START_GRACE_MS = 60_000;

let pool: Piscina<ExtractTask, ExtractResult> | null = null;
let nextId = 1;
const onStart = new Map<number, () => void>();
const threads = new Budget(EXTRACT_THREADS);

/** The process's extraction pool (exported for its tests). */
export function thePool(): Piscina<ExtractTask, ExtractResult> {
  if (!pool) {
    pool = new Piscina<ExtractTask, ExtractResult>({
      ...threadModule(import.meta.url, 'extract-worker'),
      name: 'default',
      minThreads: 1,
      maxThreads: EXTRACT_THREADS,
      maxQueue: EXTRACT_THREADS,
      idleTimeout: 30_000,
      resourceLimits: { maxOldGenerationSizeMb: EXTRACT_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    // piscina emits 'error' for a thread's message about a task it no longer tracks: a result
    // posted just as a cancelled sync's abort ended that task (the task itself has settled).
    // Unheard, an EventEmitter 'error' is thrown: an uncaught exception, the process down.
    pool.on('error', () => {});
    pool.on('message', (m: { extractStarted?: number }) => {
      if (typeof m?.extractStarted === 'number') onStart.get(m.extractStarted)?.();
    });
  }
  return pool;
}

/**
 * Extracts the text of an open file (which the thread reads through `fd`; keep the file open
 * until this settles) or of bytes in memory, in a thread. Rejects with ExtractionAborted past `timeoutMs` or
 * when the thread runs out of memory, with the signal's reason when `signal` aborts, and with
 * the extractor's error when the document is corrupt.
 */
export async function extractInThread(job: Omit<ExtractTask, 'id'>, timeoutMs: number, signal: AbortSignal): Promise<ExtractResult> {
  const release = await threads.acquire(1, signal);
  const task: ExtractTask = { ...job, id: nextId++ };
  const timer = new AbortController();
  const overBudget = () => timer.abort(new ExtractionAborted(`text extraction took longer than ${timeoutMs} ms`));
  let t = setTimeout(overBudget, timeoutMs + START_GRACE_MS);
  onStart.set(task.id, () => {
    clearTimeout(t);
    t = setTimeout(overBudget, timeoutMs);
  });
  try {
    return await thePool().run(task, { signal: AbortSignal.any([signal, timer.signal]) });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (timer.signal.aborted) throw timer.signal.reason;
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      throw new ExtractionAborted(`text extraction needed more than ${EXTRACT_HEAP_MB} MB of memory`);
    }
    throw err;
  } finally {
    onStart.delete(task.id);
    clearTimeout(t);
    release();
  }
}
