/**
 * Full-text query expressions for FTS5, built from user text the way Elasticsearch's `match`
 * family analyses it: split into tokens, each token quoted (so FTS5 syntax in user input is
 * inert), then joined with OR / AND, as a phrase, or with a trailing prefix token.
 */

/** Roughly FTS5's unicode61 token characters: letters, numbers, marks, private use. */
const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Tokens with their offsets in `text` (the `term` suggester's response gives both). */
export function tokenSpans(text: string): { token: string; offset: number }[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ token: m[0], offset: m.index ?? 0 }));
}

export function quote(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

/**
 * Tokens joined by `operator`; with `minimumShouldMatch` k (1 < k < n), every k-combination
 * AND-ed and OR-ed together while that stays small (≤ 64 combinations), else plain OR.
 */
export function termsExpr(tokens: string[], operator: 'or' | 'and', minimumShouldMatch?: number): string {
  return clausesExpr(tokens.map(quote), operator, minimumShouldMatch);
}

/** `termsExpr` over FTS5 sub-expressions (quoted tokens, prefix tokens, fuzzy groups). */
export function clausesExpr(q: string[], operator: 'or' | 'and', minimumShouldMatch?: number): string {
  if (q.length <= 1) return q.join('');
  if (operator === 'and') return q.join(' AND ');
  const k = minimumShouldMatch ?? 1;
  if (k <= 1) return q.join(' OR ');
  if (k >= q.length) return q.join(' AND ');
  const combos = combinations(q, k, 64);
  return combos ? combos.map((c) => `(${c.join(' AND ')})`).join(' OR ') : q.join(' OR ');
}

function combinations(items: string[], k: number, max: number): string[][] | undefined {
  const out: string[][] = [];
  const pick = (start: number, acc: string[]): boolean => {
    if (acc.length === k) {
      out.push([...acc]);
      return out.length <= max;
    }
    for (let i = start; i <= items.length - (k - acc.length); i++) {
      acc.push(items[i]);
      if (!pick(i + 1, acc)) return false;
      acc.pop();
    }
    return true;
  };
  return pick(0, []) ? out : undefined;
}

/** A phrase; `slop` > 0 becomes an unordered NEAR group, `prefix` marks the last token. */
export function phraseExpr(tokens: string[], slop = 0, prefix = false): string {
  if (tokens.length === 0) return '';
  if (slop > 0 && tokens.length > 1 && !prefix) return `NEAR(${tokens.map(quote).join(' ')}, ${slop})`;
  return quote(tokens.join(' ')) + (prefix ? '*' : '');
}

/** Resolves `minimum_should_match` ("2", "-1", "75%", "-25%") against `n` optional clauses. */
export function resolveMinimumShouldMatch(spec: unknown, n: number): number {
  if (spec === undefined || spec === null) return 0;
  const s = String(spec).trim();
  let k: number;
  if (s.endsWith('%')) {
    const pct = Number(s.slice(0, -1));
    k = pct < 0 ? n - Math.floor((n * -pct) / 100) : Math.floor((n * pct) / 100);
  } else {
    const v = Number(s);
    k = v < 0 ? n + v : v;
  }
  if (!Number.isFinite(k)) return 0;
  return Math.max(0, Math.min(n, Math.trunc(k)));
}
