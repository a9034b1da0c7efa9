/**
 * What stands between a login attempt and its (slow) check (issue 4, issue 11 item 9):
 *
 * - the failed-login limits (rate-limit.ts), per credential (user name or API key id) and
 *   client address, plus, for passwords only, per address over all user names (ten times the
 *   per-user limit, against password spraying). API keys are not counted or limited by
 *   address: their 128-bit random secrets cannot be sprayed, and a flood of bad passwords
 *   from an address must not lock out the valid API keys used from it. Each attempt is
 *   reserved before it is checked, so concurrent attempts cannot overrun the limit;
 * - the bounded queue every scrypt check runs through (work-queue.ts): beyond it, 429
 *   `es_rejected_execution_exception` at once.
 */
import { errors } from '../domain/errors.js';
import type { PasswordCheckConfig, RateLimitConfig } from './config.js';
import { LoginRateLimiter, type Outcome } from './rate-limit.js';
import { QueueFull, WorkQueue } from './work-queue.js';

/** Failed password logins allowed from one address over all user names, per per-user failure. */
const ADDRESS_FACTOR = 10;

export class LoginGuard {
  private readonly limiter: LoginRateLimiter;
  private readonly addressLimiter: LoginRateLimiter;
  private readonly hashing: WorkQueue;

  constructor(rateLimit: RateLimitConfig, checks: PasswordCheckConfig, now: () => number) {
    this.limiter = new LoginRateLimiter(rateLimit, now);
    this.addressLimiter = new LoginRateLimiter({ ...rateLimit, maxFailures: rateLimit.maxFailures * ADDRESS_FACTOR }, now);
    this.hashing = new WorkQueue('security-crypto', checks.maxConcurrent, checks.maxQueued);
  }

  /**
   * Reserves one attempt for `key` (and for the address when `byAddress`) before any checking,
   * or throws 429. The returned function settles the reservation(s); later calls do nothing.
   */
  reserve(key: string, address: string, who: string, byAddress: boolean): (outcome: Outcome) => void {
    const tooMany = (wait: number) =>
      errors.tooManyFailedLogins(`too many failed authentication attempts for ${who} from [${address}]; try again in [${wait}] seconds`, wait);
    const wait = this.limiter.reserve(key);
    if (wait > 0) throw tooMany(wait);
    if (byAddress) {
      const addressWait = this.addressLimiter.reserve(address);
      if (addressWait > 0) {
        this.limiter.settle(key, 'released');
        throw tooMany(addressWait);
      }
    }
    let settled = false;
    return (outcome) => {
      if (settled) return;
      settled = true;
      this.limiter.settle(key, outcome);
      // A success clears the user's count, not the address's (other names may be sprayed from it).
      if (byAddress) this.addressLimiter.settle(address, outcome === 'succeeded' ? 'released' : outcome);
    };
  }

  /** Runs a scrypt check through the bounded queue; a full queue answers 429 at once. */
  async hash<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.hashing.run(task);
    } catch (e) {
      if (e instanceof QueueFull) throw errors.rejectedExecution(e.message);
      throw e;
    }
  }
}
