/**
 * The Query DSL subset of the embedded index, compiled to SQL (docs/embedded-index.md lists it):
 * match_all, match_none, the match family (query-match.ts: match, match_phrase,
 * match_phrase_prefix, match_bool_prefix, multi_match, fuzzy), query_string,
 * simple_query_string, term, terms, range, exists, ids, prefix, wildcard, bool, constant_score,
 * dis_max, function_score (function-score.ts). Full-text leaves become FTS5 sub-queries scored with bm25; exact-value leaves
 * read the doc values (doc-values.ts) of keyword, numeric, date and boolean fields, and
 * otherwise become predicates on the JSONB `_source`.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { parseDateMath } from '../domain/shared/date-math.js';
import type { FieldInfo } from './fields.js';
import { boostOf, coerce, convert, MATCH_NONE, type QueryContext, type SqlNode } from './query-context.js';
import { quote, tokenize } from './query-fts.js';
import { fuzzy, matchField, multiMatch } from './query-match.js';
import { term } from './query-term.js';
import { compileFunctionScore } from './function-score.js';
import { parseQueryString } from './query-string.js';
import { compileBool, compileConstantScore, compileDisMax } from './query-bool.js';

type Body = Record<string, unknown>;
type Compiler = (ctx: QueryContext, body: unknown, name: string) => SqlNode;

const COMPILERS: Record<string, Compiler> = {
  match_all: (_ctx, b) => ({ where: '1', score: String(boostOf(b)), zeroOutside: false }),
  match_none: () => MATCH_NONE,
  match: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'match')),
  match_phrase: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'phrase')),
  match_phrase_prefix: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'phrase_prefix')),
  match_bool_prefix: (ctx, b, n) => fieldQuery(ctx, b, n, 'query', (f, o) => matchField(ctx, f, o, 'bool_prefix')),
  multi_match: (ctx, b) => multiMatch(ctx, obj(b, 'multi_match')),
  fuzzy: (ctx, b, n) => fieldQuery(ctx, b, n, 'value', (f, o) => fuzzy(ctx, f, o)),
  function_score: (ctx, b) => compileFunctionScore(ctx, obj(b, 'function_score'), compileQuery),
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
