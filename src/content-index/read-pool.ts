/**
 * The search threads of the embedded index (docs/embedded-index.md "Search limits"): a bounded
 * piscina pool whose threads each hold a read-only connection (read-worker.ts), so a slow search
 * never blocks the event loop that serves every other request. piscina (MIT) is the codebase's
 * one worker-pool library.
 *
 * Bounds: `threads` threads; `maxQueue` searches waiting, beyond which a search is refused with
 * 429 `es_rejected_execution_exception`, as Elasticsearch's search thread pool does; every read
 * has a soft time budget (then `timed_out: true` with partial results) and a hard limit, after
 * which it is cancelled (`task_cancelled_exception`) and, should the thread not return from
 * SQLite soon after, the thread is terminated and replaced.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Piscina } from 'piscina';
import { ApiError, errors } from '../domain/errors.js';
import { threadModule } from '../platform/worker-thread.js';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-context.js';
import { cancelled } from './search-budget.js';
import type { ReadResult, ReadTask } from './read-worker.js';

export interface SearchLimits extends QueryLimits {
  /** Search threads; 0 runs reads on the calling thread (tests, benchmarks). */
  threads: number;
  /** Reads waiting for a thread before new ones are refused with 429. */
  maxQueue: number;
  /** Default budget of a search (`timeout` may lower it): then partial results, `timed_out: true`. */
  timeoutMs: number;
  /** Past this a read is cancelled with 400 `task_cancelled_exception`. */
  hardTimeoutMs: number;
  /** How long after the hard limit a thread still inside SQLite is terminated (not a config key). */
  terminateGraceMs?: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  ...DEFAULT_QUERY_LIMITS,
  threads: Math.min(4, Math.max(2, availableParallelism())),
  maxQueue: 64,
  timeoutMs: 10_000,
  hardTimeoutMs: 30_000,
};

const TERMINATE_GRACE_MS = 2_000;

/** A task as callers give it: the pool adds the database path, limits and budget. */
type TaskInput = ReadTask extends infer T ? (T extends unknown ? Omit<T, 'path' | 'limits' | 'budget' | 'queuedAt'> : never) : never;

export class ReadPool {
  private readonly pool: Piscina<ReadTask, ReadResult>;
  private readonly channel = `tributary-read-pool-${randomUUID()}`;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly limits: SearchLimits,
  ) {
    this.pool = new Piscina({
      ...threadModule(import.meta.url, 'read-worker'),
      minThreads: limits.threads,
      maxThreads: limits.threads,
      // Threads are never retired when idle: each holds an open connection to close first.
      idleTimeout: Infinity,
      maxQueue: limits.maxQueue,
      concurrentTasksPerWorker: 1,
      workerData: { channel: this.channel },
    });
    // A thread that dies (terminated after the hard limit) is replaced by piscina; nothing to do.
    this.pool.on('error', () => {});
  }

  async run<T>(input: TaskInput): Promise<T> {
    if (this.closed) throw errors.rejectedExecution('rejected execution of search on the embedded index: the content index is closing');
    if (this.pool.queueSize >= this.limits.maxQueue) throw this.rejected();
    const task = {
      ...input, path: this.path, queuedAt: Date.now(),
      limits: { maxClauseCount: this.limits.maxClauseCount, maxNestedDepth: this.limits.maxNestedDepth },
      budget: { softMs: this.limits.timeoutMs, hardMs: this.limits.hardTimeoutMs },
    } as ReadTask;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), Math.max(0, this.limits.hardTimeoutMs + (this.limits.terminateGraceMs ?? TERMINATE_GRACE_MS)));
    let res: ReadResult;
    try {
      res = await this.pool.run(task, { signal: abort.signal });
    } catch (e) {
      if (abort.signal.aborted) throw cancelled(this.limits.hardTimeoutMs, 'content.search.hard_timeout');
      if (e instanceof Error && /queue is at limit/i.test(e.message)) throw this.rejected();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if ('error' in res) {
      const { kind, reason, causedBy, extra } = res.error;
      throw new ApiError(kind, reason, { causedBy, extra });
    }
    return res.ok as T;
  }

  /** Searches waiting for a thread now (monitoring). */
  get queued(): number {
    return this.pool.queueSize;
  }

  /** The live threads' ids (a terminated thread's replacement has a new one). */
  threadIds(): number[] {
    return this.pool.threads.map((w) => w.threadId);
  }

  /** Asks every thread to close its connection (finalising its statements), then ends the pool. */
  async destroy(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const threads = this.pool.threads.length;
    if (threads > 0) {
      const ch = new BroadcastChannel(this.channel);
      let acks = 0;
      await new Promise<void>((resolve) => {
        const done = setTimeout(resolve, 2_000);
        ch.onmessage = (ev) => {
          if ((ev as { data: unknown }).data === 'closed' && ++acks >= threads) {
            clearTimeout(done);
            resolve();
          }
        };
        ch.postMessage('close');
      });
      ch.close();
    }
    await this.pool.destroy();
  }

  private rejected(): ApiError {
    return errors.rejectedExecution(
      `rejected execution of search on the embedded index: ${this.limits.threads} search threads busy and ${this.limits.maxQueue} searches queued (content.search.max_queue)`,
    );
  }
}
