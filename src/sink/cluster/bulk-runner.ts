/**
 * Sends the `_bulk` requests of one `Sink.bulk` call (issue 8): at most `maxInFlight` per sink
 * at a time, each with its own retry budget. A request that fails as a whole with a transient
 * error is resent; items the target rejected with 429 / 502 / 503 / 504 (a full write queue,
 * an unavailable shard) are resent alone, within the same budget; every other item error
 * becomes a per-document failure with the target's status and reason. Only items the target
 * acknowledged count as succeeded: when a request gives up, the whole call throws and the
 * runtime counts nothing from it.
 */
import type { BulkItemFailure, BulkResult } from '../sink.js';
import type { Chunk, PlannedOp } from './batch.js';
import type { BulkResponseBody, BulkResponseItem, ClusterApi } from './cluster-api.js';
import { errorReason, SinkRequestError } from './errors.js';
import { RETRYABLE_STATUS, RetryBudget, transientCause, type RetryEvent, type RetryPolicy } from './retry.js';
import type { Semaphore } from './semaphore.js';

export interface BulkContext {
  api: ClusterApi;
  retry: RetryPolicy;
  slots: Semaphore;
  signal: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
}

/** Items still rejected with a retryable status when their request's budget ran out. */
export class BulkItemsRejected extends Error {
  constructor(count: number, total: number, status: number, reason: string) {
    super(`${count} of ${total} operations still rejected with HTTP ${status} (${reason})`);
    this.name = 'BulkItemsRejected';
  }
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function sendChunk(ctx: BulkContext, chunk: Chunk): Promise<BulkResult> {
  const what = `bulk request to ${ctx.api.describe} (${chunk.ops.length} operations, ${size(chunk.bytes)})`;
  const budget = new RetryBudget(ctx.retry, what, ctx.signal, ctx.onRetry);
  const failures: BulkItemFailure[] = [];
  let succeeded = 0;
  let pending: PlannedOp[] = chunk.ops;
  for (;;) {
    let res: BulkResponseBody;
    try {
      res = await ctx.api.bulk(pending.flatMap((p) => p.lines), chunk.pipeline);
    } catch (err) {
      const t = transientCause(err);
      if (!t || ctx.signal.aborted) throw new SinkRequestError(what, err);
      await budget.wait(t, err);
      continue;
    }
    if (!Array.isArray(res?.items) || res.items.length !== pending.length) {
      throw new Error(`${what}: the response lists ${Array.isArray(res?.items) ? res.items.length : 'no'} items for ${pending.length} operations`);
    }
    const again: PlannedOp[] = [];
    let retryable: BulkResponseItem | undefined;
    res.items.forEach((item, i) => {
      const p = pending[i];
      const r = (Object.values(item)[0] ?? { status: 0 }) as BulkResponseItem;
      if (r.error !== undefined && r.error !== null) {
        if (RETRYABLE_STATUS.has(r.status)) {
          again.push(p);
          retryable ??= r;
        } else {
          failures.push({ id: p.op.id, op: p.op.op, status: r.status, reason: errorReason(r.error) });
        }
      } else if (p.op.op === 'delete' && r.status === 404) {
        failures.push({ id: p.op.id, op: 'delete', status: 404, reason: 'not_found' });
      } else if (r.status >= 200 && r.status < 300) {
        succeeded++;
      } else {
        failures.push({ id: p.op.id, op: p.op.op, status: r.status, reason: `unexpected item status ${r.status}` });
      }
    });
    if (again.length === 0) return { succeeded, failures };
    const first = retryable!;
    await budget.wait({ status: first.status }, new BulkItemsRejected(again.length, pending.length, first.status, errorReason(first.error)));
    pending = again;
  }
}

/**
 * Runs the chunks with bounded concurrency; a barrier chunk waits for all earlier ones. After
 * the first failure no new request starts; the call throws once the running ones have ended.
 */
export async function runChunks(ctx: BulkContext, chunks: Chunk[]): Promise<BulkResult> {
  const running: Promise<BulkResult>[] = [];
  let failed: { err: unknown } | null = null;
  for (const chunk of chunks) {
    if (chunk.barrier) await Promise.allSettled(running);
    if (failed) break;
    await ctx.slots.acquire();
    if (failed || ctx.signal.aborted) {
      ctx.slots.release();
      break;
    }
    const p = sendChunk(ctx, chunk).finally(() => ctx.slots.release());
    p.catch((err: unknown) => {
      failed ??= { err };
    });
    running.push(p);
  }
  const settled = await Promise.allSettled(running);
  if (failed) throw (failed as { err: unknown }).err;
  if (ctx.signal.aborted) throw new Error(`the sink for ${ctx.api.describe} was closed during a bulk write`);
  const out: BulkResult = { succeeded: 0, failures: [] };
  for (const s of settled) {
    const r = (s as PromiseFulfilledResult<BulkResult>).value;
    out.succeeded += r.succeeded;
    out.failures.push(...r.failures);
  }
  return out;
}
