/**
 * Failed-login rate limit per key (a user name or API key id, with the client address) (issue
 * 4, issue 11 item 9): after `maxFailures` failures inside a sliding window, further attempts
 * are refused without being checked until the oldest failure leaves the window. A successful
 * login clears the count.
 *
 * An attempt is reserved before its credentials are checked and counts against the limit while
 * it is in flight: 60 concurrent wrong passwords get `maxFailures` checks, not 60 (the check is
 * slow scrypt work, so counting only finished failures let a burst through). Every reservation
 * is settled once: failed (becomes a failure in the window), succeeded (clears the key) or
 * released (no outcome, e.g. the check was refused for load).
 *
 * In memory, per process; the failure table is bounded so a flood of names cannot grow it
 * forever, and in-flight entries exist only while their check runs.
 */
import type { RateLimitConfig } from './config.js';

const MAX_ENTRIES = 10_000;

export type Outcome = 'failed' | 'succeeded' | 'released';

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

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

  /**
   * Seconds to wait before the next attempt may be checked, or 0 when allowed now. Attempts in
   * flight count as failures-to-be: when they fill the limit the answer is 1 (they may yet fail).
   */
  retryAfter(key: string): number {
    const list = this.recent(key);
    if (list.length >= this.cfg.maxFailures) {
      const oldest = list[list.length - this.cfg.maxFailures];
      return Math.max(1, Math.ceil((oldest + this.cfg.windowMs - this.now()) / 1000));
    }
    return list.length + (this.inFlight.get(key) ?? 0) >= this.cfg.maxFailures ? 1 : 0;
  }

  /** Reserves one attempt: 0 when reserved (settle it later), else the seconds to wait. */
  reserve(key: string): number {
    const wait = this.retryAfter(key);
    if (wait === 0) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    return wait;
  }

  /** Settles a reservation made by `reserve`. */
  settle(key: string, outcome: Outcome): void {
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n > 0) this.inFlight.set(key, n);
    else this.inFlight.delete(key);
    if (outcome === 'failed') this.fail(key);
    else if (outcome === 'succeeded') this.succeed(key);
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
