/**
 * Time budgets for reads of the embedded index (docs/embedded-index.md "Search limits").
 *
 * SQLite statements cannot be interrupted from JavaScript, so every row a search, count or
 * delete-by-query selection looks at passes a `ci_live()` condition first. Before the budget's
 * soft deadline it is true. After it, it is false: the statement skips the remaining rows and
 * finishes quickly with what it has, which is Elasticsearch's `timed_out: true` with partial
 * hits. Past the hard deadline it throws, aborting the statement with `task_cancelled_exception`.
 */
import { errors, type ApiError } from '../domain/errors.js';
import type { Db } from '../store/sqlite/driver.js';

export class Budget {
  timedOut = false;
  private calls = 0;
  private readonly soft: number;
  private readonly hard: number;
  /** `expired()` saw the hard deadline pass. */
  private pastHard = false;

  /** `softMs` / `hardMs` from now; Infinity for none. */
  constructor(
    softMs = Infinity,
    readonly hardMs = Infinity,
    readonly label = 'content.search.hard_timeout',
  ) {
    const now = performance.now();
    this.soft = now + softMs;
    this.hard = now + hardMs;
  }

  /** True while within the soft deadline (the clock is read on every 16th call: it costs more than the rest). */
  live(): boolean {
    if (this.timedOut) {
      if (this.pastHard || ((++this.calls & 1023) === 0 && performance.now() > this.hard)) throw cancelled(this.hardMs, this.label);
      return false;
    }
    if ((++this.calls & 15) !== 0) return true;
    const now = performance.now();
    if (now > this.hard) throw cancelled(this.hardMs, this.label);
    if (now <= this.soft) return true;
    this.timedOut = true;
    return false;
  }

  /** True once the soft deadline has passed (checked now). */
  expired(): boolean {
    if (!this.timedOut) {
      const now = performance.now();
      if (now > this.soft) this.timedOut = true;
      // Seen past the hard deadline too: the read's next row is cancelled, not skipped.
      if (now > this.hard) this.pastHard = true;
    }
    return this.timedOut;
  }
}

export function cancelled(hardMs: number, label: string): ApiError {
  return errors.taskCancelled(`the search ran past the hard time limit of [${Math.round(hardMs)}ms] (${label}); narrow the query or lower [size]`);
}

const NONE = new Budget();
const current = new WeakMap<Db, Budget>();

/** Registers `ci_live()` on a connection; it reads the budget set by `withBudget`. */
export function installBudget(db: Db): void {
  db.function('ci_live', { deterministic: false }, () => ((current.get(db) ?? NONE).live() ? 1 : 0));
}

/** The budget governing this connection's reads now, if any. */
export function currentBudget(db: Db): Budget | undefined {
  return current.get(db);
}

/** Runs `fn` with `budget` governing this connection's `ci_live()`. */
export function withBudget<T>(db: Db, budget: Budget | undefined, fn: () => T): T {
  if (!budget) return fn();
  const before = current.get(db);
  current.set(db, budget);
  try {
    return fn();
  } finally {
    if (before) current.set(db, before);
    else current.delete(db);
  }
}
