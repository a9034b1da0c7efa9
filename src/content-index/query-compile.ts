/**
 * The Query DSL subset of the embedded index, compiled to SQL (docs/embedded-index.md lists it):
 * match_all, match_none, match, match_phrase, match_phrase_prefix, multi_match, query_string,
 * simple_query_string, term, terms, range, exists, ids, prefix, wildcard, bool, constant_score,
 * dis_max. Full-text leaves become FTS5 sub-queries scored with bm25; exact-value leaves
 * read the doc values (doc-values.ts) of keyword, numeric, date and boolean fields, and
 * otherwise become predicates on the JSONB `_source`.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { parseDateMath } from '../domain/shared/date-math.js';
import type { FieldInfo } from './fields.js';
import { boostOf, coerce, convert, MATCH_NONE, type QueryContext, type SqlNode } from './query-context.js';
import { phraseExpr, quote, resolveMinimumShouldMatch, termsExpr, tokenize } from './query-fts.js';
import { parseQueryString } from './query-string.js';
import { compileBool, compileConstantScore, compileDisMax } from './query-bool.js';
import { fieldPattern } from './source-filter.js';

type Body = Record<string, unknown>;
type Compiler = (ctx: QueryContext, body: unknown, name: string) => SqlNode;

const COMPILERS: Record<string, Compiler> = {
  match_all: (_ctx, b) => ({ where: '1', score: String(boostOf(b)), zeroOutside: false }),
  match_none: () => MATCH_NONE,
  match: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'match')),
  match_phrase: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'phrase')),
  match_phrase_prefix: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'phrase_prefix')),
  multi_match: (ctx, b) => multiMatch(ctx, obj(b, 'multi_match')),
  query_string: (ctx, b) => queryString(ctx, obj(b, 'query_string'), false),
  simple_query_string: (ctx, b) => queryString(ctx, obj(b, 'simple_query_string'), true),
  term: (ctx, b, n) => fieldQuery(ctx, b, n, 'value', (f, o) => term(ctx, f, o.value, boostOf(o), o.case_insensitive === true)),
  terms: (ctx, b) => terms(ctx, obj(b, 'terms')),
  range: (ctx, b, n) => fieldQuery(ctx, b, n, null, (f, o) => range(ctx, f, o)),
  exists: (ctx, b) => exists(ctx, obj(b, 'exists')),
  ids: (ctx, b) => ids(ctx, obj(b, 'ids')),
  prefix: (ctx, b, n) => fieldQuery(ctx, b, n, 'value', (f, o) => prefix(ctx, f, String(o.value ?? ''), o, false)),
  wildcard: (ctx, b, n) => fieldQuery(ctx, b, n, 'value', (f, o) => prefix(ctx, f, String(o.value ?? o.wildcard ?? ''), o, true)),
  bool: (ctx, b) => compileBool(ctx, obj(b, 'bool'), compileQuery),
  constant_score: (ctx, b) => compileConstantScore(ctx, obj(b, 'constant_score'), compileQuery),
  dis_max: (ctx, b) => compileDisMax(ctx, obj(b, 'dis_max'), compileQuery),
};

/** Compiles one query object (`{"match": {...}}`). */
export function compileQuery(ctx: QueryContext, query: unknown): SqlNode {
  if (!isPlainObject(query)) throw errors.parsing('query malformed, must start with start_object');
  const keys = Object.keys(query);
  if (keys.length === 0) return COMPILERS.match_all(ctx, {}, 'match_all');
  if (keys.length > 1) throw errors.parsing(`[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const compiler = COMPILERS[keys[0]];
  if (!compiler) throw errors.parsing(`unknown query [${keys[0]}]`);
  ctx.enter();
  try {
    return compiler(ctx, query[keys[0]], keys[0]);
  } finally {
    ctx.leave();
  }
}

export { boostOf };

export function obj(b: unknown, name: string): Body {
  if (!isPlainObject(b)) throw errors.parsing(`[${name}] query malformed, no start_object after query name`);
  return b;
}


/** `{field: value}` or `{field: {<valueKey>: value, ...options}}`; unmapped fields match nothing. */
function fieldQuery(
  ctx: QueryContext,
  b: unknown,
  name: string,
  valueKey: string | null,
  build: (f: FieldInfo, opts: Body) => SqlNode,
): SqlNode {
  const body = obj(b, name);
  const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length !== 1) {
    throw errors.parsing(`[${name}] query doesn't support multiple fields, found [${fields[0]}] and [${fields[1]}]`);
  }
  const raw = body[fields[0]];
  let opts: Body;
  if (valueKey === null) opts = obj(raw, name);
  else opts = isPlainObject(raw) ? raw : { [valueKey]: raw };
  if (valueKey !== null && opts[valueKey] === undefined && !(name === 'wildcard' && opts.wildcard !== undefined)) {
    throw errors.parsing(`[${name}] query does not support [${fields[0]}] without [${valueKey}]`);
  }
  const f = ctx.field(fields[0]);
  if (!f) return MATCH_NONE;
  const node = build(f, opts);
  const outer = boostOf(body);
  return outer === 1 ? node : { ...node, score: `(${node.score} * ${outer})` };
}

function matchField(ctx: QueryContext, f: FieldInfo, o: Body, kind: 'match' | 'phrase' | 'phrase_prefix'): SqlNode {
  const boost = boostOf(o);
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
  if (tokens.length === 0) return o.zero_terms_query === 'all' ? COMPILERS.match_all(ctx, {}, 'match_all') : MATCH_NONE;
  let expr: string;
  if (kind === 'match') {
    const operator = String(o.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
    expr = termsExpr(tokens, operator, resolveMinimumShouldMatch(o.minimum_should_match, tokens.length));
  } else {
    expr = phraseExpr(tokens, Number(o.slop ?? 0), kind === 'phrase_prefix');
  }
  return ctx.fts(expr, [{ f, boost: 1 }], 'max', boost);
}

/** Resolves `fields` patterns (`title^2`, `meta.*`, `*`) to mapped fields with boosts. */
export function resolveFields(ctx: QueryContext, patterns: unknown): { f: FieldInfo; boost: number }[] {
  const list = patterns === undefined ? ['*'] : Array.isArray(patterns) ? patterns : [patterns];
  const out = new Map<string, { f: FieldInfo; boost: number }>();
  for (const p of list) {
    const [name, b] = String(p).split('^');
    const boost = b === undefined ? 1 : Number(b);
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

function multiMatch(ctx: QueryContext, o: Body): SqlNode {
  if (o.query === undefined) throw errors.parsing('[multi_match] requires query value');
  const all = o.fields === undefined || (Array.isArray(o.fields) && o.fields.length === 1 && o.fields[0] === '*');
  const resolved = resolveFields(ctx, o.fields);
  const text = resolved.filter((x) => x.f.kind === 'text');
  const exact = resolved.filter((x) => x.f.kind !== 'text' && x.f.kind !== 'object' && x.f.kind !== 'other');
  const type = String(o.type ?? 'best_fields');
  const boost = boostOf(o);
  const tokens = tokenize(String(o.query));
  const operator = String(o.operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
  const targets = all ? null : text;
  const nodes: SqlNode[] = [];
  if (tokens.length > 0 && (targets === null || targets.length > 0)) {
    if (type === 'cross_fields') {
      const perToken = tokens.map((t) => ctx.fts(quote(t), targets, 'max'));
      const msm = operator === 'and' ? tokens.length : Math.max(1, resolveMinimumShouldMatch(o.minimum_should_match, tokens.length));
      const where = msm >= tokens.length
        ? perToken.map((n) => n.where).join(' AND ')
        : `(${perToken.map((n) => `(${n.where})`).join(' + ')}) >= ${msm}`;
      const driver = msm >= tokens.length ? perToken[0].driver : undefined;
      nodes.push({ where: `(${where})`, score: `(${perToken.map((n) => n.score).join(' + ')})`, zeroOutside: true, driver });
    } else {
      let expr: string;
      if (type === 'phrase' || type === 'phrase_prefix') expr = phraseExpr(tokens, Number(o.slop ?? 0), type === 'phrase_prefix');
      else if (type === 'bool_prefix') expr = [...tokens.slice(0, -1).map(quote), quote(tokens[tokens.length - 1]) + '*'].join(operator === 'and' ? ' AND ' : ' OR ');
      else expr = termsExpr(tokens, operator, resolveMinimumShouldMatch(o.minimum_should_match, tokens.length));
      nodes.push(ctx.fts(expr, targets, type === 'most_fields' ? 'sum' : 'max'));
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

function queryString(ctx: QueryContext, o: Body, simple: boolean): SqlNode {
  if (typeof o.query !== 'string') throw errors.parsing(`[${simple ? 'simple_query_string' : 'query_string'}] requires query value`);
  const fields = Array.isArray(o.fields) ? o.fields.map(String) : [String(o.default_field ?? '*')];
  let text = o.query;
  if (simple) text = text.replace(/\s\|\s?/g, ' OR ').replace(/(^|\s)\+(?=\S)/g, '$1+');
  const op = String(o.default_operator ?? 'or').toLowerCase() === 'and' ? 'and' : 'or';
  const dsl = parseQueryString(text, { defaultFields: fields, defaultOperator: op });
  const node = compileQuery(ctx, dsl);
  const boost = boostOf(o);
  return boost === 1 ? node : { ...node, score: `(${node.score} * ${boost})` };
}

function term(ctx: QueryContext, f: FieldInfo, value: unknown, boost: number, caseInsensitive: boolean): SqlNode {
  if (f.kind === 'object' || f.kind === 'other') return MATCH_NONE;
  const v = coerce(f, value, (x) => parseDateMath(x, false));
  const pv = ctx.p(v);
  // Doc values hold converted values: lower() of them is the scan path's only on keywords.
  const dv = caseInsensitive
    ? (f.kind === 'keyword' ? ctx.docValues(f, (x) => `lower(${x}) = lower(${pv})`) : undefined)
    : ctx.docValues(f, (x) => `${x} = ${pv}`);
  let where = dv ?? ctx.values(f, (x) => (caseInsensitive ? `lower(${x}) = lower(${pv})` : `${convert(f, x)} = ${pv}`));
  // Lenient on text fields: a single-token term also matches the analysed token, as in Elasticsearch.
  const tokens = f.kind === 'text' ? tokenize(String(value)) : [];
  if (tokens.length === 1 && tokens[0] === String(value)) {
    where = `(${where} OR ${ctx.fts(quote(tokens[0]), [{ f, boost: 1 }], 'max').where})`;
  }
  return { where, score: String(boost), zeroOutside: false };
}

function terms(ctx: QueryContext, o: Body): SqlNode {
  const fields = Object.keys(o).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length !== 1) throw errors.parsing('[terms] query does not support multiple fields');
  const values = o[fields[0]];
  if (!Array.isArray(values)) throw errors.parsing('[terms] query does not support terms lookup; expected an array of values');
  const f = ctx.field(fields[0]);
  if (!f || f.kind === 'object' || f.kind === 'other' || values.length === 0) return MATCH_NONE;
  const list = ctx.p(JSON.stringify(values.map((v) => coerce(f, v, (x) => parseDateMath(x, false)))));
  const where = ctx.docValues(f, (x) => `${x} IN (SELECT value FROM json_each(${list}))`)
    ?? ctx.values(f, (x) => `${convert(f, x)} IN (SELECT value FROM json_each(${list}))`);
  return { where, score: String(boostOf(o)), zeroOutside: false };
}

function range(ctx: QueryContext, f: FieldInfo, o: Body): SqlNode {
  if (f.kind === 'object' || f.kind === 'other') return MATCH_NONE;
  const bounds: [string, unknown][] = [];
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) if (o[op] !== undefined && o[op] !== null) bounds.push([op, o[op]]);
  if (o.from !== undefined && o.from !== null) bounds.push([o.include_lower === false ? 'gt' : 'gte', o.from]);
  if (o.to !== undefined && o.to !== null) bounds.push([o.include_upper === false ? 'lt' : 'lte', o.to]);
  const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as Record<string, string>;
  const conds = bounds.map(([op, v]) => {
    const roundUp = op === 'gt' || op === 'lte';
    return [ops[op], ctx.p(coerce(f, v, (x) => parseDateMath(x, roundUp)))] as const;
  });
  const where = ctx.docValues(f, (x) => (conds.length === 0 ? '1' : conds.map(([op, p]) => `${x} ${op} ${p}`).join(' AND ')))
    ?? ctx.values(f, (x) => {
      const c = convert(f, x);
      return conds.length === 0 ? `${x} IS NOT NULL` : conds.map(([op, p]) => `${c} ${op} ${p}`).join(' AND ');
    });
  return { where, score: String(boostOf(o)), zeroOutside: false };
}

function exists(ctx: QueryContext, o: Body): SqlNode {
  if (typeof o.field !== 'string') throw errors.parsing('[exists] must be provided with a [field]');
  const f = ctx.field(o.field);
  if (!f) return MATCH_NONE;
  const where = ctx.docValues(f, () => '1') ?? ctx.values(f, (x) => `${x} IS NOT NULL`);
  return { where, score: String(boostOf(o)), zeroOutside: false };
}

function ids(ctx: QueryContext, o: Body): SqlNode {
  if (!Array.isArray(o.values)) throw errors.parsing('[ids] query requires [values] to be an array');
  if (o.values.length === 0) return MATCH_NONE;
  const list = ctx.p(JSON.stringify(o.values.map(String)));
  return { where: `d.id IN (SELECT value FROM json_each(${list}))`, score: String(boostOf(o)), zeroOutside: false };
}

/** `prefix` and `wildcard`: FTS5 prefix tokens on text fields, GLOB on whole values otherwise. */
function prefix(ctx: QueryContext, f: FieldInfo, value: string, o: Body, wildcard: boolean): SqlNode {
  const boost = boostOf(o);
  const stem = wildcard ? (/^[^*?]+\*$/.test(value) ? value.slice(0, -1) : null) : value;
  if (f.kind === 'text' && stem !== null) {
    const tokens = tokenize(stem);
    if (tokens.length === 1 && tokens[0] === stem) {
      const node = ctx.fts(quote(tokens[0]) + '*', [{ f, boost: 1 }], 'max');
      return { where: node.where, score: String(boost), zeroOutside: false };
    }
  }
  if (f.kind === 'object' || f.kind === 'other') return MATCH_NONE;
  const glob = wildcard ? value.replace(/[[\]]/g, (c) => `[${c}]`) : value.replace(/[*?[\]]/g, (c) => `[${c}]`) + '*';
  const ci = o.case_insensitive === true;
  const pg = ctx.p(ci ? glob.toLowerCase() : glob);
  // On keywords the doc value is the stored value; other kinds' are converted: GLOB reads `_source`.
  const pred = (x: string) => `${ci ? `lower(${x})` : x} GLOB ${pg}`;
  const literal = wildcard ? value.split(/[*?]/)[0] : value;
  const where = f.kind !== 'keyword'
    ? ctx.values(f, pred)
    : ci || literal === ''
      ? (ctx.docValues(f, pred) ?? ctx.values(f, pred))
      : (ctx.docValues(f, pred, prefixRange(ctx.p(literal))) ?? ctx.values(f, pred));
  return { where, score: String(boost), zeroOutside: false };
}

/**
 * Index ranges that hold every value a case-sensitive GLOB with this literal start can match:
 * the texts from `lo` to `lo` followed by byte 0xFF (above any UTF-8 byte), and numbers (GLOB
 * reads them as text; they sort before every text).
 */
function prefixRange(lo: string): (rows: (range: string) => string) => string {
  return (rows) => `${rows(`v >= ${lo} AND v < (${lo} || x'ff')`)} UNION ALL ${rows("v < ''")}`;
}
