/**
 * The planner of full text combined with doc-value filters (docs/embedded-index.md "Doc
 * values"). A `bool` whose must / filter clauses include doc-value conditions and whose clauses
 * hold full-text leaves can be answered two ways: evaluate each FTS5 query over the whole index
 * and keep the documents the filter allows (driving from full text), or evaluate the FTS5 query
 * only at the filter's documents (driving from the filter: one FTS5 rowid lookup per filtered
 * document). Which is cheaper depends on the two sizes, so both are counted first, each count
 * bounded (an index walk with a LIMIT), and the filter drives only when a lookup per filtered
 * document costs less than the full-text matches would.
 *
 * Restricting a leaf changes no result: every reference to the leaf's rows sits inside this
 * bool's condition or score, and both are only used for documents this bool matches, which all
 * pass the filter.
 */
import type { QueryContext, SqlNode } from './query-context.js';

/** Filtered documents above which the filter never drives (1 024 lookups cost as much as ~65k matches). */
export const FILTER_LIMIT = 1024;
/**
 * An FTS5 query evaluated at one rowid costs about as much as this many rows of the same query
 * over the whole index (measured on 50k documents of ~1 KB: ~240 µs against ~3.5 µs).
 */
export const LOOKUP_COST = 64;
/** Full-text matches counted at most per leaf (lookups costing more are never chosen). */
const MAX_PROBE = FILTER_LIMIT * LOOKUP_COST;

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
    const n = ctx.countUpTo(rows, FILTER_LIMIT + 1);
    if (n !== undefined && n < bestCount) [best, bestCount] = [rows, n];
  }
  if (!best || bestCount > FILTER_LIMIT) return;
  for (const leaf of leaves) {
    // Lookups at the filtered documents against the leaf's matches: the count stops as soon as
    // the matches outnumber what the lookups cost, so it costs no more than they would.
    const threshold = Math.max(1, bestCount) * leaf.fids.length * LOOKUP_COST;
    if (threshold > MAX_PROBE) continue;
    if ((ctx.countUpTo(leaf.probe, threshold + 1) ?? 0) > threshold) leaf.within.push(best);
  }
}
