/**
 * The `match` family (docs/embedded-index.md "Query DSL subset"): `match` (with `fuzziness`),
 * `match_phrase`, `match_phrase_prefix`, `match_bool_prefix`, `multi_match` (every type, field
 * boosts, `tie_breaker`) and `fuzzy`. Text is tokenized as FTS5 does; fuzzy tokens become an OR
 * group of the vocabulary's tokens within the allowed edits (vocabulary.ts).
 */
import { errors } from '../domain/errors.js';
import type { FieldInfo } from './fields.js';
import { boostOf, MATCH_NONE, type QueryContext, type SqlNode } from './query-context.js';
import { clausesExpr, phraseExpr, quote, resolveMinimumShouldMatch, tokenize } from './query-fts.js';
import { term } from './query-term.js';
import { fieldPattern } from './source-filter.js';
import { allowedEdits, expand, normalizeToken, vocabulary, type FuzzyOptions } from './vocabulary.js';

type Body = Record<string, unknown>;

/** Fuzzy tokens one query may expand (each one scans the vocabulary's tokens of similar length). */
export const MAX_FUZZY_TOKENS = 64;

const fuzzyTokens = new WeakMap<QueryContext, number>();

/** A non-negative int option (`prefix_length`, `max_expansions`, `slop`); 400 otherwise. */
export function intOption(o: Body, key: string, d: number, min = 0, max = 2 ** 31 - 1): number {
  const v = o[key];
  if (v === undefined || v === null) return d;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw errors.parsing(`[${key}] must be an integer between ${min} and ${max}, got [${String(v)}]`);
  }
  return n;
}

/** `fuzziness` and its companions, or undefined when the query is not fuzzy. */
function fuzzyOptions(ctx: QueryContext, o: Body, fuzzinessKey = 'fuzziness', transpositionsKey = 'fuzzy_transpositions'): FuzzyOptions | undefined {
  const fuzziness = o[fuzzinessKey];
  if (fuzziness === undefined || fuzziness === null) return undefined;
  allowedEdits(fuzziness, 0); // validates
  return {
    fuzziness,
    prefixLength: intOption(o, 'prefix_length', 0),
    maxExpansions: intOption(o, 'max_expansions', 50, 1, ctx.limits.maxClauseCount),
    transpositions: o[transpositionsKey] !== false,
  };
}

/** One token as an FTS5 sub-expression: quoted, or the OR group of its fuzzy expansions. */
function tokenClause(ctx: QueryContext, token: string, fz: FuzzyOptions | undefined): string {
  if (!fz) return quote(token);
  const edits = allowedEdits(fz.fuzziness, normalizeToken(token).length);
  if (edits === 0) return quote(token);
  const n = (fuzzyTokens.get(ctx) ?? 0) + 1;
  if (n > MAX_FUZZY_TOKENS) throw errors.illegalArgument(`a query may expand at most [${MAX_FUZZY_TOKENS}] fuzzy tokens on the embedded index`);
  fuzzyTokens.set(ctx, n);
  const terms = expand(vocabulary(ctx.h), token, edits, fz).map((x) => x.term);
  ctx.count(terms.length);
  if (terms.length === 0) return quote(token);
  return terms.length === 1 ? quote(terms[0]) : `(${terms.map(quote).join(' OR ')})`;
}

/** Tokens as clauses; `lastPrefix`: the last token matches as a prefix (not fuzzy, as in Elasticsearch). */
function clauses(ctx: QueryContext, tokens: string[], fz: FuzzyOptions | undefined, lastPrefix = false): string[] {
  return tokens.map((t, i) => (lastPrefix && i === tokens.length - 1 ? quote(t) + '*' : tokenClause(ctx, t, fz)));
}

type MatchKind = 'match' | 'phrase' | 'phrase_prefix' | 'bool_prefix';

export function matchField(ctx: QueryContext, f: FieldInfo, o: Body, kind: MatchKind): SqlNode {
  const boost = boostOf(o);
  // `match` with fuzziness on a keyword: the whole value within the edits, as Elasticsearch.
  if (f.kind === 'keyword' && kind === 'match' && o.fuzziness !== undefined && o.fuzziness !== null) {
    return fuzzy(ctx, f, { ...o, value: o.query, transpositions: o.fuzzy_transpositions });
  }
  if (f.kind !== 'text') {
    if (o.lenient === true) {
      try {
        return term(ctx, f, o.query, boost, false);
      } catch {
        return MATCH_NONE;
      }
    }
    return term(ctx, f, o.query, boost, false);
  }
  const tokens = tokenize(String(o.query ?? ''));
  if (tokens.length === 0) return o.zero_terms_query === 'all' ? { where: '1', score: String(boost), zeroOutside: false } : MATCH_NONE;
  return ctx.fts(textExpr(ctx, tokens, o, kind), [{ f, boost: 1 }], 'max', boost);
}

/** The FTS5 expression of a `match`-family query's tokens. */
function textExpr(ctx: QueryContext, tokens: string[], o: Body, kind: MatchKind): string {
  const operator = String(o.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
  if (kind === 'phrase' || kind === 'phrase_prefix') {
    if (kind === 'phrase_prefix') intOption(o, 'max_expansions', 50, 1, ctx.limits.maxClauseCount);
    return phraseExpr(tokens, intOption(o, 'slop', 0), kind === 'phrase_prefix');
  }
  const msm = resolveMinimumShouldMatch(o.minimum_should_match, tokens.length);
  return clausesExpr(clauses(ctx, tokens, fuzzyOptions(ctx, o), kind === 'bool_prefix'), operator, msm);
}

/** Resolves `fields` patterns (`title^2`, `meta.*`, `*`) to mapped fields with boosts. */
export function resolveFields(ctx: QueryContext, patterns: unknown): { f: FieldInfo; boost: number }[] {
  const list = patterns === undefined ? ['*'] : Array.isArray(patterns) ? patterns : [patterns];
  const out = new Map<string, { f: FieldInfo; boost: number }>();
  for (const p of list) {
    const [name, b] = String(p).split('^');
    const boost = b === undefined ? 1 : Number(b);
    if (!Number.isFinite(boost) || boost < 0) throw errors.parsing(`[multi_match] invalid boost in field [${String(p)}]`);
    if (name.includes('*')) {
      const matches = fieldPattern(name);
      for (const f of ctx.h.fields.all()) if (f.kind === 'text' && matches(f.path)) out.set(f.path, { f, boost });
    } else {
      const f = ctx.field(name);
      if (f) out.set(f.path, { f, boost });
    }
  }
  return [...out.values()];
}

const MULTI_MATCH_TYPES = new Set(['best_fields', 'most_fields', 'cross_fields', 'phrase', 'phrase_prefix', 'bool_prefix']);

export function multiMatch(ctx: QueryContext, o: Body): SqlNode {
  if (o.query === undefined) throw errors.parsing('[multi_match] requires query value');
  const type = String(o.type ?? 'best_fields');
  if (!MULTI_MATCH_TYPES.has(type)) throw errors.parsing(`[multi_match] query does not support type ${type}`);
  if (o.fuzziness !== undefined && (type === 'cross_fields' || type === 'phrase' || type === 'phrase_prefix')) {
    throw errors.parsing(`Fuzziness not allowed for type [${type}]`);
  }
  const tie = o.tie_breaker === undefined ? undefined : Number(o.tie_breaker);
  if (tie !== undefined && !(tie >= 0 && tie <= 1)) throw errors.parsing(`[multi_match] [tie_breaker] must be between 0 and 1, got [${String(o.tie_breaker)}]`);
  const all = o.fields === undefined || (Array.isArray(o.fields) && o.fields.length === 1 && o.fields[0] === '*');
  const resolved = resolveFields(ctx, o.fields);
  const text = resolved.filter((x) => x.f.kind === 'text');
  const exact = resolved.filter((x) => x.f.kind !== 'text' && x.f.kind !== 'object' && x.f.kind !== 'other');
  const boost = boostOf(o);
  const tokens = tokenize(String(o.query));
  const operator = String(o.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
  const targets = all ? null : text;
  const nodes: SqlNode[] = [];
  if (tokens.length > 0 && (targets === null || targets.length > 0)) {
    if (type === 'cross_fields') {
      // Each token is searched in every field as if they were one (its best field's score);
      // the document must have `operator` / `minimum_should_match` of the tokens across fields.
      const perToken = tokens.map((t) => ctx.fts(quote(t), targets, 'max'));
      const msm = operator === 'and' ? tokens.length : Math.max(1, resolveMinimumShouldMatch(o.minimum_should_match, tokens.length));
      const where = msm >= tokens.length
        ? perToken.map((n) => n.where).join(' AND ')
        : `(${perToken.map((n) => `(${n.where})`).join(' + ')}) >= ${msm}`;
      const driver = msm >= tokens.length ? perToken[0].driver : undefined;
      nodes.push({ where: `(${where})`, score: `(${perToken.map((n) => n.score).join(' + ')})`, zeroOutside: true, driver });
    } else {
      const kind: MatchKind = type === 'phrase' || type === 'phrase_prefix' || type === 'bool_prefix' ? type : 'match';
      // best_fields: the best field's score plus tie_breaker × the others'; most_fields: their sum.
      const agg = type === 'most_fields' ? 'sum' : type === 'best_fields' && tie ? tie : 'max';
      nodes.push(ctx.fts(textExpr(ctx, tokens, o, kind), targets, agg));
    }
  }
  for (const x of exact) {
    try {
      nodes.push(term(ctx, x.f, o.query, x.boost, false));
    } catch {
      // like Elasticsearch with lenient / `*` fields: values that do not fit a field's type skip it
    }
  }
  if (nodes.length === 0) return MATCH_NONE;
  const where = nodes.length === 1 ? nodes[0].where : `(${nodes.map((n) => `(${n.where})`).join(' OR ')})`;
  const scores = nodes.map((n) => (n.zeroOutside ? n.score : `(CASE WHEN ${n.where} THEN ${n.score} ELSE 0 END)`));
  const score = scores.length === 1 ? scores[0] : `max(${scores.join(', ')})`;
  const driver = nodes.length === 1 ? nodes[0].driver : undefined;
  return { where, score: boost === 1 ? score : `(${score} * ${boost})`, zeroOutside: true, driver };
}

/**
 * `fuzzy` on one field: text fields match the vocabulary's tokens within the edits; keyword
 * fields compare their doc values (whole values) by edit distance.
 */
export function fuzzy(ctx: QueryContext, f: FieldInfo, o: Body): SqlNode {
  const boost = boostOf(o);
  const fz = fuzzyOptions(ctx, { ...o, fuzziness: o.fuzziness ?? 'AUTO' }, 'fuzziness', 'transpositions')!;
  const value = String(o.value ?? '');
  if (f.kind === 'text') {
    const tokens = tokenize(value);
    if (tokens.length !== 1) return MATCH_NONE; // a fuzzy query is on one term, not analysed
    const node = ctx.fts(tokenClause(ctx, tokens[0], fz), [{ f, boost: 1 }], 'max');
    return { ...node, score: boost === 1 ? node.score : `(${node.score} * ${boost})` };
  }
  if (f.kind !== 'keyword') return MATCH_NONE;
  const edits = allowedEdits(fz.fuzziness, value.length);
  const prefix = value.slice(0, fz.prefixLength);
  const pv = ctx.p(value);
  const pred = (x: string) =>
    `ci_edits(${x}, ${pv}, ${edits}, ${fz.transpositions ? 1 : 0}) <= ${edits}${prefix ? ` AND substr(${x}, 1, ${prefix.length}) = ${ctx.p(prefix)}` : ''}`;
  const where = ctx.docValues(f, pred) ?? ctx.values(f, pred);
  return { where, score: String(boost), zeroOutside: false };
}
