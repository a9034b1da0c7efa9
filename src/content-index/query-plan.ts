/**
 * The planner of full text combined with doc-value filters (docs/embedded-index.md "Doc
 * values"). A `bool` whose must / filter clauses include doc-value conditions and whose clauses
 * hold full-text leaves can be answered two ways: evaluate each FTS5 query over the whole index
 * and keep the documents the filter allows (driving from full text), or evaluate the FTS5 query
 * only at the filter's documents (driving from the filter: one FTS5 rowid lookup per filtered
 * document). Which is cheaper depends on the two sizes, so both are counted first, each count
 * bounded by `COUNT_LIMIT` rows of an index, and the filter drives only when it is much smaller.
 *
 * Restricting a leaf changes no result: every reference to the leaf's rows sits inside this
 * bool's condition or score, and both are only used for documents this bool matches, which all
 * pass the filter.
 */
import type { QueryContext, SqlNode } from './query-context.js';

/** Rows read at most by one estimate (a bounded count on an index). */
export const COUNT_LIMIT = 4096;
/** An FTS5 lookup at one rowid costs about this many rows of a full FTS5 scan (measured). */
export const LOOKUP_COST = 4;
/** Estimates one query may run: the planner's cost stays small beside the query's. */
const MAX_ESTIMATES = 32;

const spent = new WeakMap<QueryContext, number>();

function estimate(ctx: QueryContext, sql: string): number {
  const n = spent.get(ctx) ?? 0;
  if (n >= MAX_ESTIMATES) return Infinity;
  spent.set(ctx, n + 1);
  const params: Record<string, unknown> = {};
  for (const [, name] of sql.matchAll(/@(p\d+)/g)) params[name] = ctx.params[name];
  const row = ctx.h.db.prepare(`SELECT count(*) AS n FROM (${sql} LIMIT ${COUNT_LIMIT})`).get(params) as { n: number };
  return row.n;
}

/**
 * Decides, for the full-text leaves compiled since `firstLeaf` (this bool's clauses), whether
 * they keep to the smallest doc-value filter among `conjuncts` (its must and filter clauses).
 */
export function planBool(ctx: QueryContext, firstLeaf: number, conjuncts: SqlNode[]): void {
  const leaves = ctx.scored.slice(firstLeaf);
  if (leaves.length === 0) return;
  const filters = conjuncts.map((n) => ctx.dvRows.get(n.where)).filter((x): x is string => x !== undefined);
  if (filters.length === 0) return;
  let best: string | undefined;
  let bestCount = Infinity;
  for (const rows of filters) {
    const n = estimate(ctx, rows);
    if (n < bestCount) [best, bestCount] = [rows, n];
  }
  if (!best || bestCount * LOOKUP_COST >= COUNT_LIMIT) return;
  for (const leaf of leaves) {
    // A lookup per filtered document against a scan of the leaf's matches (a lower bound).
    const matches = estimate(ctx, leaf.probe);
    if (bestCount * leaf.fids.length * LOOKUP_COST < matches) leaf.within.push(best);
  }
}
