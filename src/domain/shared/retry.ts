/**
 * The one retry helper, used by the sources (transient database errors), the cluster sinks
 * (429 / 5xx / connection failures, `Retry-After`) and the worker (its final status write):
 * exponential backoff with equal jitter, a server's requested wait honoured, a limit in
 * retries and/or in total time, and waits cut short by an abort signal.
 *
 * Why in domain/shared: sources, sink and runtime all retry, and domain is the one layer all
 * three may import. It stays pure in the sense that matters here: no I/O, only timers; what is
 * transient and what to log is the caller's to say.
 */

export interface Backoff {
  /** The first step; each retry doubles it up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1-based): exponential, with equal jitter (half of the
 * step fixed, half random: never close to 0, and many clients do not come back at once).
 */
export function backoffDelay(retry: number, b: Backoff, random: () => number = Math.random): number {
  const step = Math.min(b.maxDelayMs, b.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Never earlier than the target asked (`Retry-After`); up to 10 % (at most 1 s) jitter on top. */
export function retryAfterDelay(retryAfterMs: number, random: () => number = Math.random): number {
  return retryAfterMs + Math.round(random() * Math.min(1000, retryAfterMs / 10));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why a failure is worth another attempt; `retryAfterMs` when the target said how long to wait. */
export interface Transient {
  retryAfterMs?: number;
}

export interface RetryOptions {
  backoff: Backoff;
  /** Retries after the first attempt (0 = none); no limit when absent. */
  retries?: number;
  /** Total time across attempts and waits: a wait that would end past it is not made. */
  budgetMs?: number;
  signal?: AbortSignal;
  /** Told before each wait (to log, to drop a broken connection): the retry number, 1-based. */
  onRetry?(err: unknown, retry: number, delayMs: number): void | Promise<void>;
}

/** The retries of one operation, for callers that run their own attempt loop (generators, partial batches). */
export class Retrier {
  readonly started = Date.now();
  /** Attempts made so far (the first included). */
  attempts = 1;

  constructor(private readonly o: RetryOptions) {}

  /** What a wait now would be, or null when the limits allow no further attempt. */
  nextDelay(t: Transient = {}): number | null {
    if (this.o.retries !== undefined && this.attempts > this.o.retries) return null;
    const delay = t.retryAfterMs === undefined ? backoffDelay(this.attempts, this.o.backoff) : retryAfterDelay(t.retryAfterMs);
    if (this.o.budgetMs !== undefined && this.elapsedMs() + delay > this.o.budgetMs) return null;
    return delay;
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  /**
   * Waits before the next attempt and returns true, or returns false at once when the limits
   * allow none (the caller then throws). Rejects with the signal's reason on abort.
   */
  async wait(err: unknown, t: Transient = {}): Promise<boolean> {
    const delay = this.nextDelay(t);
    if (delay === null) return false;
    await this.o.onRetry?.(err, this.attempts, delay);
    await sleep(delay, this.o.signal);
    this.attempts++;
    return true;
  }
}

/**
 * Runs `fn`; when it fails with an error `classify` calls transient, waits and runs it again,
 * within the limits. Throws the last error otherwise (or at once for a permanent one).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  o: RetryOptions & { classify(err: unknown): Transient | null },
): Promise<T> {
  const retrier = new Retrier(o);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const t = o.classify(err);
      if (!t || o.signal?.aborted || !(await retrier.wait(err, t))) throw err;
    }
  }
}
