/**
 * Retry with exponential backoff for source I/O (runtime.md "Robustness": transient errors
 * are retried with backoff). One helper for every source; each source says which of its
 * errors are transient. Sleeps are cut short by the sync's abort signal.
 */

export interface RetryOptions {
  /** Retries after the first attempt (a source's `retry_count`); 0 = no retry. */
  retries: number;
  /** First delay; doubles with each retry (with ±20 % jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  isTransient(err: unknown): boolean;
  /** Called before each wait, e.g. to log and to drop a broken connection. */
  onRetry?(err: unknown, attempt: number, delayMs: number): void | Promise<void>;
}

export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs = 30_000): number {
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
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

/** Runs `fn`; on a transient error waits and runs it again, at most `retries` more times. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= o.retries || !o.isTransient(err) || o.signal?.aborted) throw err;
      const delay = backoffDelay(attempt + 1, o.baseDelayMs, o.maxDelayMs);
      await o.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, o.signal);
    }
  }
}
