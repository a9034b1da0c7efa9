/**
 * Retry for the cluster sinks (runtime.md "Robustness": 429 / 5xx retried with backoff and
 * `Retry-After`; the job's total timeout exceeds the retry budget). What is transient: HTTP
 * 429, 502, 503, 504 and connection-level failures (refused, reset, timed out). Each request
 * gets a time budget: backoff is exponential with jitter, a `Retry-After` header is obeyed,
 * and when the next wait would end past the budget the request fails with a
 * `SinkUnavailableError` naming what was tried, for how long, and the last cause. The
 * schedule and the waits are the shared helper's (domain/shared/retry.ts).
 */
import { Retrier, type Transient as RetryAfter } from '../../domain/shared/retry.js';
import { describeError } from './errors.js';

export interface RetryPolicy {
  /** Total time one request may take across its attempts, waits included. */
  budgetMs: number;
  /** First backoff; doubles per retry up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 5 * 60_000, initialDelayMs: 500, maxDelayMs: 30_000 };

export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

const CONNECTION_ERRORS = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'RequestAbortedError']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export interface Transient extends RetryAfter {
  /** HTTP status, when the target answered. */
  status?: number;
}

interface ClientErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  meta?: { statusCode?: number; headers?: Record<string, string | string[] | undefined> | null };
}

export function statusOf(err: unknown): number | undefined {
  const e = err as ClientErrorShape | null;
  return e?.meta?.statusCode ?? e?.statusCode ?? undefined;
}

/** Why `err` is worth another attempt, or null when it is not. */
export function transientCause(err: unknown): Transient | null {
  const e = err as ClientErrorShape | null;
  if (!e || typeof e !== 'object') return null;
  const status = statusOf(e);
  if (typeof status === 'number' && status > 0) {
    if (!RETRYABLE_STATUS.has(status)) return null;
    return { status, retryAfterMs: parseRetryAfter(e.meta?.headers?.['retry-after']) };
  }
  if (CONNECTION_ERRORS.has(e.name ?? '') || SOCKET_CODES.has(e.code ?? '')) return {};
  return null;
}

/** `Retry-After`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === null || v.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class SinkUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'SinkUnavailableError';
  }
}

export interface RetryEvent {
  what: string;
  attempt: number;
  delayMs: number;
  cause: string;
}

/** The attempts of one request against its budget. */
export class RetryBudget {
  private readonly retrier: Retrier;

  constructor(
    private readonly policy: RetryPolicy,
    /** "bulk request to Elasticsearch at http://…: 500 operations, 1.2 MiB" */
    private readonly what: string,
    signal?: AbortSignal,
    onRetry?: (e: RetryEvent) => void,
  ) {
    this.retrier = new Retrier({
      backoff: policy,
      budgetMs: policy.budgetMs,
      signal,
      onRetry: (err, attempt, delayMs) => onRetry?.({ what, attempt, delayMs, cause: describeError(err) }),
    });
  }

  get attempts(): number {
    return this.retrier.attempts;
  }

  /** Waits before the next attempt, or throws when that attempt would fall past the budget. */
  async wait(cause: Transient, err: unknown): Promise<void> {
    if (await this.retrier.wait(err, cause)) return;
    const elapsed = this.retrier.elapsedMs();
    const attempts = this.retrier.attempts;
    const asked = cause.retryAfterMs !== undefined && cause.retryAfterMs > this.policy.budgetMs - elapsed
      ? ` (the target asked to wait ${seconds(cause.retryAfterMs)} more)` : '';
    throw new SinkUnavailableError(
      `${this.what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${seconds(elapsed)}, ` +
        `giving up at the retry budget of ${seconds(this.policy.budgetMs)}${asked}: ${describeError(err)}`,
      attempts,
      err,
    );
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Runs `fn` until it succeeds, fails for good, or the budget runs out. */
export async function withBudget<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  what: string,
  signal?: AbortSignal,
  onRetry?: (e: RetryEvent) => void,
): Promise<T> {
  const budget = new RetryBudget(policy, what, signal, onRetry);
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const t = transientCause(err);
      if (!t || signal?.aborted) throw err;
      await budget.wait(t, err);
    }
  }
}
