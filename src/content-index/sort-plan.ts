/**
 * Sorting by a doc-value field without reading every match's sort key (docs/embedded-index.md
 * "Doc values"). For `sort: [{field: asc}]` (the minimum of each document's values) the
 * documents come, in the order of the `(f, v)` index, first at their minimum value; walking
 * the index from its low end until `from + size` distinct matching documents have been seen
 * gives a value T such that every document of the page has its key ≤ T. The search then reads
 * sort keys only for the documents with a value ≤ T (an index range) instead of all matches.
 * Descending sorts walk from the high end (the maximum). The page is the same: the bound only
 * leaves out documents that sort after at least `from + size` others.
 */
import type { IndexHandle } from './index-handle.js';
import type { QueryContext, SqlNode } from './query-context.js';
import type { SortKey } from './sort.js';
import type { StatementCache } from './statement-cache.js';

/** Index rows walked at most per hit of the page before giving up (a selective query). */
const WALK_PER_HIT = 16;
const WALK_MIN = 2048;

/**
 * An extra condition that keeps the search to the documents that can be on the page, or ''
 * (no bound: another sort, the query uses full text, or the walk found too few documents).
 */
export function sortBound(cache: StatementCache, h: IndexHandle, ctx: QueryContext, node: SqlNode, keys: SortKey[], n: number): string {
  const k = keys[0];
  if (!k || k.kind !== 'field' || k.missingFirst || k.mode !== (k.desc ? 'max' : 'min') || n <= 0) return '';
  const f = ctx.field(k.field!);
  if (!f || !h.dv || !ctx.usesDocValues(f) || ctx.scored.length > 0) return '';
  const dir = k.desc ? 'DESC' : 'ASC';
  const sql = `SELECT x.r AS r, x.v AS v FROM ${h.dv} AS x JOIN ${h.docs} AS d ON d.r = x.r WHERE x.f = ${f.fid} AND (${node.where}) ORDER BY x.v ${dir} LIMIT ${n * WALK_PER_HIT + WALK_MIN}`;
  const seen = new Set<number>();
  for (const row of cache.get(sql).iterate(ctx.params) as IterableIterator<{ r: number; v: unknown }>) {
    seen.add(row.r);
    if (seen.size === n) {
      const t = ctx.p(row.v);
      return ` AND d.r IN (SELECT r FROM ${h.dv} WHERE f = ${f.fid} AND v ${k.desc ? '>=' : '<='} ${t})`;
    }
  }
  return '';
}
