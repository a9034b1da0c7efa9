/**
 * List-query building shared by the SQL backends (connector-api.md §6.3, §7.5), so SQLite and
 * PostgreSQL filter, count and page identically. Each backend supplies its SQL dialect; both
 * expose the same filter columns (generated from the stored document).
 */
import type { ConnectorQuery, SyncJobQuery } from './store.js';

/** Elasticsearch's default total-hits tracking: `count` never exceeds this. */
export const MAX_COUNT = 10000;

export interface SqlDialect {
  /** Placeholder for the 1-based parameter `n` (`?` or `$n`). */
  param(n: number): string;
  /** True when `needle` is a substring of `haystack` (NULL when haystack is NULL). */
  contains(haystack: string, needle: string): string;
  /** Lowercases ASCII letters only (SQLite's `lower()`; the same in every backend). */
  asciiLower(expr: string): string;
  /** Condition selecting live (not soft-deleted) connectors. */
  live: string;
}

export interface Where {
  /** `WHERE …`, or '' when unfiltered. */
  sql: string;
  args: unknown[];
}

class WhereBuilder {
  readonly conds: string[] = [];
  readonly args: unknown[] = [];
  constructor(private readonly d: SqlDialect) {}
  p(value: unknown): string {
    this.args.push(value);
    return this.d.param(this.args.length);
  }
  in(col: string, vals?: string[]): void {
    if (vals && vals.length > 0) this.conds.push(`${col} IN (${vals.map((v) => this.p(v)).join(',')})`);
  }
  build(): Where {
    return { sql: this.conds.length ? `WHERE ${this.conds.join(' AND ')}` : '', args: this.args };
  }
}

export function connectorWhere(q: ConnectorQuery, d: SqlDialect): Where {
  const w = new WhereBuilder(d);
  if (!q.includeDeleted) w.conds.push(d.live);
  w.in('index_name', q.indexNames);
  w.in('name', q.names);
  w.in('service_type', q.serviceTypes);
  if (q.query) {
    // Wildcard *q* on keyword name/index_name (case-sensitive), lowercase on description.
    // One parameter per placeholder: SQLite's `?` are positional.
    const name = d.contains('name', w.p(q.query));
    const index = d.contains('index_name', w.p(q.query));
    const description = d.contains(d.asciiLower('description'), w.p(q.query.toLowerCase()));
    w.conds.push(`(${name} OR ${index} OR ${description})`);
  }
  return w.build();
}

export function syncJobWhere(q: SyncJobQuery, d: SqlDialect): Where {
  const w = new WhereBuilder(d);
  if (q.connectorId !== undefined) w.conds.push(`connector_id = ${w.p(q.connectorId)}`);
  w.in('status', q.statuses);
  w.in('job_type', q.jobTypes);
  return w.build();
}

/** Connectors: `index_name` ascending, missing ones last, then id (§6.3). */
export const CONNECTOR_ORDER = 'index_name IS NULL, index_name, id';

/** Counts at most MAX_COUNT matches (cheaper than a full count, same answer once capped). */
export function countSql(table: string, where: Where): string {
  return `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} ${where.sql} LIMIT ${MAX_COUNT}) AS capped`;
}

/** `LIMIT … OFFSET …` with parameters appended after the filter's. */
export function pageSql(where: Where, d: SqlDialect, q: { from: number; size: number }): { sql: string; args: unknown[] } {
  const n = where.args.length;
  return { sql: `LIMIT ${d.param(n + 1)} OFFSET ${d.param(n + 2)}`, args: [...where.args, q.size, q.from] };
}
