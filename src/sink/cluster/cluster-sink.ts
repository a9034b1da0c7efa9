/**
 * The `Sink` over an Elasticsearch or OpenSearch cluster (issue 8), shared by both backends:
 *
 *   ensureIndex  HEAD /<index>; if missing PUT /<index> with mappings and the language
 *                analyser (index-body.ts); "already exists" from a racing worker is success
 *   bulk         planChunks (bounded in count and bytes, one pipeline each) → runChunks
 *                (bounded in flight, retried within a budget, per-item failures)
 *   deleteOlderThan  POST /<index>/_refresh, then POST /<index>/_delete_by_query
 *                ?conflicts=proceed&refresh=true {range: {<generation field>: {lt: g}}}
 *   refresh      POST /<index>/_refresh
 *
 * Every call is retried on 429 / 502 / 503 / 504 and connection errors (retry.ts); what cannot
 * be retried, or outlasts the budget, throws an error that says which request, for how long,
 * and the target's answer. `close()` cuts retry waits short.
 */
import type { BulkOperation, BulkResult, EnsureIndexOptions, Sink } from '../sink.js';
import { DEFAULT_BULK, planChunks, type BulkLimits } from './batch.js';
import { runChunks } from './bulk-runner.js';
import type { ClusterApi, DeleteByQueryBody } from './cluster-api.js';
import { errorReason, errorType, SinkRequestError } from './errors.js';
import { GENERATION_FIELD } from '../../domain/sync-job/document.js';
import { indexBody } from './index-body.js';
import { DEFAULT_RETRY, RetryBudget, transientCause, withBudget, type RetryEvent, type RetryPolicy } from './retry.js';
import { Semaphore } from './semaphore.js';

export interface ClusterSinkOptions {
  bulk?: Partial<BulkLimits>;
  retry?: Partial<RetryPolicy>;
  /** Typed `long` in new indices; the runtime's generation stamp. */
  generationField?: string;
  /** Told about every retry (the worker logs them). */
  onRetry?: (e: RetryEvent) => void;
}

/** A `_delete_by_query` that reported failures or timed out; retried like a 503. */
class SweepIncomplete extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepIncomplete';
  }
}

export class ClusterSink implements Sink {
  readonly limits: BulkLimits;
  readonly retry: RetryPolicy;
  private readonly generationField: string;
  private readonly known = new Set<string>();
  private readonly slots: Semaphore;
  private readonly closing = new AbortController();

  constructor(
    readonly api: ClusterApi,
    private readonly opts: ClusterSinkOptions = {},
  ) {
    this.limits = { ...DEFAULT_BULK, ...stripUndefined(opts.bulk) };
    this.retry = { ...DEFAULT_RETRY, ...stripUndefined(opts.retry) };
    this.generationField = opts.generationField ?? GENERATION_FIELD;
    this.slots = new Semaphore(Math.max(1, this.limits.maxInFlight));
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return withBudget(fn, this.retry, what, this.closing.signal, this.opts.onRetry).catch((err: unknown) => {
      if (err instanceof Error && (err.name === 'SinkUnavailableError' || err.name === 'SinkRequestError')) throw err;
      throw new SinkRequestError(what, err);
    });
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new Error(`the sink for ${this.api.describe} is closed`);
  }

  async ensureIndex(index: string, opts: EnsureIndexOptions = {}): Promise<void> {
    if (this.known.has(index)) return;
    const where = `index [${index}] on ${this.api.describe}`;
    const exists = await this.call(`checking ${where}`, () => this.api.indexExists(index));
    if (!exists) {
      const body = indexBody(index, opts.language, this.generationField);
      await this.call(`creating ${where}`, async () => {
        try {
          await this.api.createIndex(index, body);
        } catch (err) {
          // Another worker won the race, or an earlier attempt of ours did and its answer was lost.
          if (errorType(err) !== 'resource_already_exists_exception') throw err;
        }
      });
    }
    this.known.add(index);
  }

  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    this.assertOpen();
    if (ops.length === 0) return { succeeded: 0, failures: [] };
    const chunks = planChunks(ops, this.limits);
    return runChunks(
      { api: this.api, retry: this.retry, slots: this.slots, signal: this.closing.signal, onRetry: this.opts.onRetry },
      chunks,
    );
  }

  async deleteOlderThan(index: string, field: string, generation: number): Promise<number> {
    // Refreshed first so documents rewritten by this sync are seen with their new stamp
    // (otherwise they only show up as version conflicts, which `conflicts=proceed` skips).
    await this.refresh(index);
    const what = `deleting documents of [${index}] older than generation ${generation} on ${this.api.describe}`;
    const query = { range: { [field]: { lt: generation } } };
    const budget = new RetryBudget(this.retry, what, this.closing.signal, this.opts.onRetry);
    let deleted = 0;
    for (;;) {
      this.assertOpen();
      let res: DeleteByQueryBody;
      try {
        res = await this.api.deleteByQuery(index, query);
      } catch (err) {
        const t = transientCause(err);
        if (!t || this.closing.signal.aborted) throw new SinkRequestError(what, err);
        await budget.wait(t, err);
        continue;
      }
      // Deletions are committed as the query goes; a rerun picks up what is left.
      deleted += Number(res.deleted ?? 0);
      const failures = Array.isArray(res.failures) ? res.failures : [];
      if (failures.length === 0 && res.timed_out !== true) return deleted;
      const first = failures[0] as { cause?: unknown; status?: number } | undefined;
      const reason = res.timed_out ? 'the request timed out' : `${failures.length} failures, e.g. ${errorReason(first?.cause ?? first)}`;
      await budget.wait({}, new SweepIncomplete(`_delete_by_query did not finish: ${reason}`));
    }
  }

  async refresh(index: string): Promise<void> {
    await this.call(`refreshing [${index}] on ${this.api.describe}`, () => this.api.refresh(index));
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new Error(`the sink for ${this.api.describe} was closed`));
    await this.api.close();
  }
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
