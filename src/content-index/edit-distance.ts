/**
 * Bounded edit distance for fuzzy matching (vocabulary.ts, the `fuzzy` query on keywords through
 * the `ci_edits` SQL function, the `term` suggester).
 */

/**
 * Optimal-string-alignment distance (Levenshtein with adjacent transpositions, Lucene's default
 * for fuzzy queries) between a and b, or `max + 1` once it is certainly above `max`. Only the
 * diagonal band of width 2·max+1 is computed: O(|a|·max).
 */
export function editDistance(a: string, b: string, max: number, transpositions = true): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  const big = max + 1;
  let prev2 = new Array<number>(m + 1).fill(big);
  let prev = new Array<number>(m + 1).fill(big);
  let cur = new Array<number>(m + 1).fill(big);
  for (let j = 0; j <= Math.min(m, max); j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    cur.fill(big);
    cur[0] = i <= max ? i : big;
    let rowMin = cur[0];
    for (let j = lo; j <= hi; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (transpositions && i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = Math.min(d, big);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return big;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m], big);
}

/** `ci_edits(a, b, max, transpositions)`: `editDistance` as a SQL function (max capped at 2). */
export function sqlEditDistance(a: unknown, b: unknown, max: unknown, transpositions: unknown): number {
  const m = Math.max(0, Math.min(2, Number(max) || 0));
  if (typeof a !== 'string' || typeof b !== 'string') return m + 1;
  return editDistance(a, b, m, transpositions !== 0);
}
