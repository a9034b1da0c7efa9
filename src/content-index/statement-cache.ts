/**
 * Prepared statements for generated SQL (searches), kept per connection in a small LRU so a
 * repeated query shape skips SQLite's parse and plan step.
 */
import { errors } from '../domain/errors.js';
import type { Statement } from '../store/sqlite/driver.js';
import type { Db } from './schema.js';

export class StatementCache {
  private readonly map = new Map<string, Statement>();

  constructor(
    readonly db: Db,
    private readonly capacity = 128,
  ) {}

  get(sql: string): Statement {
    let stmt = this.map.get(sql);
    if (stmt) {
      this.map.delete(sql);
    } else {
      stmt = prepare(this.db, sql);
      if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(sql, stmt);
    return stmt;
  }

  /** Statements may refer to dropped tables: forget them all. */
  clear(): void {
    this.map.clear();
  }
}

/**
 * SQLite's own limits on a statement's shape (expression depth, subquery nesting, compound
 * terms). The query compiler bounds clauses and nesting (search-config.ts), but SQLite builds
 * differ in how they count (better-sqlite3 13's SQLite, used on Node 24, refuses some nested
 * bools that 12's accepts): a query past them is the caller's to simplify, a 400, never a 500.
 */
const SHAPE_LIMIT = /nested too deep|Expression tree is too large|too many terms in compound SELECT|parser stack overflow|too many FROM clause terms|at most \d+ tables in a join/i;

function prepare(db: Db, sql: string): Statement {
  try {
    return db.prepare(sql);
  } catch (e) {
    const message = (e as Error)?.message ?? '';
    if (!SHAPE_LIMIT.test(message)) throw e;
    throw errors.illegalArgument(`the query is too complex for the embedded index (${message}); use fewer nested clauses`);
  }
}
