/**
 * Failed-login rate limit per (user or API key id, client address) (issue 4): after
 * `maxFailures` failures inside a sliding window, further attempts are refused without being
 * checked until the oldest failure leaves the window. A successful login clears the count.
 * In memory, per process; the table is bounded so a flood of names cannot grow it forever.
 */
import type { RateLimitConfig } from './config.js';

const MAX_ENTRIES = 10_000;

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly cfg: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.cfg.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before the next attempt may be checked, or 0 when allowed now. */
  retryAfter(key: string): number {
    const list = this.recent(key);
    if (list.length < this.cfg.maxFailures) return 0;
    const oldest = list[list.length - this.cfg.maxFailures];
    return Math.max(1, Math.ceil((oldest + this.cfg.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, list.slice(-this.cfg.maxFailures));
    if (this.failures.size > MAX_ENTRIES) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
