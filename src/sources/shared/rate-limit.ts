/**
 * What a REST service says about its limits, read the same way by every HTTP source: a
 * `Retry-After` (delay-seconds or an HTTP date, RFC 9110 §10.2.3), and the
 * `X-RateLimit-Remaining` / `X-RateLimit-Reset` pair GitHub and others send (reset in epoch
 * seconds). `HttpStatusError` is a non-success answer; `httpTransient` tells `withRetry`
 * (domain/shared/retry.ts) whether another attempt may succeed and how long to wait:
 *
 * - a dropped connection or time-out (`NetworkError`): yes, with backoff;
 * - 429 and 5xx: yes, after the server's wait when it gave one, else with backoff;
 * - 403 with an exhausted limit (`X-RateLimit-Remaining: 0`) or a `Retry-After` (GitHub's
 *   primary and secondary rate limits answer 403): yes, after the server's wait;
 * - anything else (401, 403 without a limit, 404, 400): no — the caller turns it into an
 *   error naming what to fix.
 *
 * A server's wait is capped (`MAX_SERVER_WAIT_MS`): a reset an hour away is not slept
 * through inside one request; the retry budget of the caller ends it and the job fails
 * with a message that says when the limit resets.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Transient } from '../../domain/shared/retry.js';
import { NetworkError } from './http.js';

/** The longest wait a server's headers may impose on one retry. */
export const MAX_SERVER_WAIT_MS = 15 * 60_000;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Retry-After` in ms from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(h: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const v = header(h, 'retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d{1,7}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** When `X-RateLimit-Remaining` is 0: ms until `X-RateLimit-Reset` (epoch seconds); else undefined. */
export function rateLimitResetMs(h: IncomingHttpHeaders, now = Date.now()): number | undefined {
  if (header(h, 'x-ratelimit-remaining')?.trim() !== '0') return undefined;
  const reset = Number(header(h, 'x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

/** The wait the server asked for (the longer of both), capped at MAX_SERVER_WAIT_MS. */
export function serverWaitMs(h: IncomingHttpHeaders, now = Date.now()): number | undefined {
  const a = retryAfterMs(h, now);
  const b = rateLimitResetMs(h, now);
  if (a === undefined && b === undefined) return undefined;
  return Math.min(MAX_SERVER_WAIT_MS, Math.max(a ?? 0, b ?? 0));
}

/** A non-success HTTP answer: the status, a bounded excerpt of the body, the server's wait. */
export class HttpStatusError extends Error {
  readonly retryAfterMs: number | undefined;
  /** Whether the headers said a rate limit is exhausted (a 403 that is a limit, not a denial). */
  readonly rateLimited: boolean;

  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
    message = `HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`,
  ) {
    super(message);
    this.retryAfterMs = serverWaitMs(headers);
    this.rateLimited = status === 429 || rateLimitResetMs(headers) !== undefined || (status === 403 && retryAfterMs(headers) !== undefined);
  }
}

/** Whether another attempt may succeed (see the file comment); `classify` for withRetry. */
export function httpTransient(err: unknown): Transient | null {
  if (err instanceof NetworkError) return {};
  if (!(err instanceof HttpStatusError)) return null;
  if (err.status === 429 || err.status >= 500 || err.rateLimited) {
    return err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs };
  }
  return null;
}
