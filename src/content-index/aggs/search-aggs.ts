/**
 * The hook between a `_search` (search.ts) and its aggregations: temp tables made before the
 * search's read transaction (a temp table created inside one that rolls back would be gone),
 * then, inside it, the matches written to `temp.ci_a0` and the aggregation tree run over them.
 */
import { isPlainObject } from '../../domain/shared/json.js';
import type { IndexHandle } from '../index-handle.js';
import type { Budget } from '../search-budget.js';
import type { StatementCache } from '../statement-cache.js';
import { bucketAgg, clearRoundings } from './buckets.js';
import { metricAgg } from './metrics.js';
import { METRIC_TYPES, type AggNode } from './parse.js';
import { AGG_TUNING, tablesNeeded, type AggRun, type DocSet } from './run.js';

/** The aggregations `aggs` over the document set `set`, as Elasticsearch's response shapes them. */
function runAggs(run: AggRun, aggs: AggNode[], set: DocSet, typed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of aggs) {
    const r = METRIC_TYPES.has(a.type) ? metricAgg(run, a, set) : bucketAgg(run, a, set);
    out[typed ? `${typedName(run, a)}#${a.name}` : a.name] = a.meta ? { meta: a.meta, ...r } : r;
  }
  return out;
}

/** The type name `typed_keys` puts before an aggregation's name (Elasticsearch's result types). */
function typedName(run: AggRun, a: AggNode): string {
  if (a.type !== 'terms') return a.type;
  const f = typeof a.body.field === 'string' ? run.h.fields.get(a.body.field) : undefined;
  if (!f) return 'umterms';
  if (f.kind === 'keyword') return 'sterms';
  if (f.kind === 'number' && !['double', 'float', 'half_float', 'scaled_float'].includes(f.type)) return 'lterms';
  return f.kind === 'number' ? 'dterms' : 'lterms';
}

const made = new WeakMap<object, number>();

function ensureTables(db: StatementCache['db'], n: number): void {
  const have = made.get(db) ?? 0;
  if (n <= have) return;
  if (db.inTransaction) throw new Error('aggregation tables must be created outside a transaction');
  for (let i = have; i < n; i++) db.exec(`CREATE TEMP TABLE IF NOT EXISTS ci_a${i} (r INTEGER PRIMARY KEY)`);
  made.set(db, n);
}

function isMatchAll(q: unknown): boolean {
  if (!isPlainObject(q) || Object.keys(q).length !== 1 || !isPlainObject(q.match_all)) return false;
  const body = q.match_all;
  return Object.keys(body).every((k) => k === 'boost' || k === '_name');
}

export type Materialize = (query: unknown, table: string) => void;

/** Prepares `aggs` for one search; the returned function computes them inside its transaction. */
export function prepareAggs(cache: StatementCache, h: IndexHandle, aggs: AggNode[], typedKeys = false) {
  const n = tablesNeeded(aggs);
  ensureTables(cache.db, n);
  // `viewed`: a point in time's search, whose view `materialize` applies; never read as match_all.
  return (query: unknown, materialize: Materialize, budget?: Budget, viewed = false): Record<string, unknown> => {
    const run: AggRun = {
      cache, h, budget, buckets: 0, materialize, tables: 1, filterTables: new Map(),
      runAggs: (list, set) => runAggs(run, list, set, typedKeys),
    };
    try {
      // A match_all (no role query either) reads the doc values without probing a set.
      const all = !viewed && isMatchAll(query);
      if (!all) materialize(query, 'ci_a0');
      const sql = all ? `SELECT r FROM ${h.docs}` : 'SELECT r FROM temp.ci_a0';
      // The highest rowid stands for the index's size (one index seek; deletes leave gaps).
      const docs = all ? 0 : (cache.get(`SELECT coalesce(max(r), 0) AS n FROM ${h.docs}`).get() as { n: number }).n;
      const smallUpTo = Math.max(AGG_TUNING.smallSet, Math.floor(docs * AGG_TUNING.smallShare));
      const n = (cache.get(`SELECT count(*) AS n FROM (${sql} LIMIT ${smallUpTo + 1})`).get() as { n: number }).n;
      return runAggs(run, aggs, { sql, params: [], all, small: n <= smallUpTo, empty: n === 0 }, typedKeys);
    } finally {
      for (let i = 0; i < n; i++) cache.get(`DELETE FROM temp.ci_a${i}`).run();
      clearRoundings();
    }
  };
}
