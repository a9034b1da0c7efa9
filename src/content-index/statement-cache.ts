/**
 * Prepared statements for generated SQL (searches), kept per connection in a small LRU so a
 * repeated query shape skips SQLite's parse and plan step.
 */
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
      stmt = this.db.prepare(sql);
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
