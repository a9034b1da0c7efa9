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
  /**
   * True when the parameter `needle` (bound to `containsValue(text)`) holds a substring of
   * `haystack` (NULL when haystack is NULL).
   */
  contains(haystack: string, needle: string): string;
  /** The value bound for `contains`' needle: the text itself, or a pattern that finds it. */
  containsValue(text: string): string;
  /**
   * A cheap condition, or null, true for at least every connector whose name or index name
   * holds `text` or whose ASCII-lowercased description holds `lowered` (an index lookup: FTS5
   * trigrams in SQLite); the exact test still follows it, so it may let more rows through.
   */
  textCandidates?(text: string, lowered: string, param: (value: unknown) => string): string | null;
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

/** `textIndex: false`: no `textCandidates` (the store expects the exact test to be cheaper). */
export function connectorWhere(q: ConnectorQuery, d: SqlDialect, opts: { textIndex?: boolean } = {}): Where {
  const w = new WhereBuilder(d);
  if (!q.includeDeleted) w.conds.push(d.live);
  w.in('index_name', q.indexNames);
  w.in('name', q.names);
  w.in('service_type', q.serviceTypes);
  w.in('status', q.statuses);
  if (q.query) {
    // Wildcard *q* on keyword name/index_name (case-sensitive), lowercase on description.
    // One parameter per placeholder: SQLite's `?` are positional.
    const lowered = q.query.toLowerCase();
    const candidates = opts.textIndex === false ? null : d.textCandidates?.(q.query, lowered, (v) => w.p(v));
    if (candidates) w.conds.push(candidates);
    const name = d.contains('name', w.p(d.containsValue(q.query)));
    const index = d.contains('index_name', w.p(d.containsValue(q.query)));
    const description = d.contains(d.asciiLower('description'), w.p(d.containsValue(lowered)));
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

/**
 * The page of rows: the filter, order, LIMIT and OFFSET run over the row key and the sort
 * columns only (an index walk with the list indexes of the migrations), and only the page's
 * rows are read in full, so a deep `from` skips index entries, not documents. `key` is the
 * table's row key (`rid` in SQLite, `id` in PostgreSQL); `docExpr` the document column as text.
 */
export function connectorPageSql(table: string, key: string, docExpr: string, where: Where, d: SqlDialect, q: { from: number; size: number }): { sql: string; args: unknown[] } {
  const page = pageSql(where, d, q);
  const inner = `SELECT ${key} AS k, index_name, id FROM ${table} ${where.sql} ORDER BY ${CONNECTOR_ORDER} ${page.sql}`;
  return {
    sql: `SELECT c.id, ${docExpr} AS doc FROM (${inner}) AS p JOIN ${table} AS c ON c.${key} = p.k ORDER BY p.index_name IS NULL, p.index_name, p.id`,
    args: page.args,
  };
}

/** `LIMIT … OFFSET …` with parameters appended after the filter's. */
export function pageSql(where: Where, d: SqlDialect, q: { from: number; size: number }): { sql: string; args: unknown[] } {
  const n = where.args.length;
  return { sql: `LIMIT ${d.param(n + 1)} OFFSET ${d.param(n + 2)}`, args: [...where.args, q.size, q.from] };
}

/**
 * For a backend whose text cannot hold NUL (PostgreSQL rejects it in a parameter: a 500 for a
 * list filter, not an answer): the query without filter values containing NUL, which no stored
 * value can equal or contain, or null when nothing can match (a `query` with NUL, or a list
 * filter of such values only).
 */
export function withoutNul<Q extends ConnectorQuery | SyncJobQuery>(q: Q): Q | null {
  const has = (v: unknown) => typeof v === 'string' && v.includes('\0');
  const out: Record<string, unknown> = { ...q };
  for (const [k, v] of Object.entries(q)) {
    if (has(v)) {
      if (k === 'query' || k === 'connectorId') return null;
    } else if (Array.isArray(v) && v.some(has)) {
      const kept = v.filter((x) => !has(x));
      if (kept.length === 0) return null;
      out[k] = kept;
    }
  }
  return out as Q;
}
