/**
 * Compound queries of the embedded index: `bool` (must / should / filter / must_not,
 * `minimum_should_match`), `constant_score` and `dis_max`. Scores follow Elasticsearch: must and
 * matching should clauses add up, filter and must_not do not score.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { boostOf, type QueryContext, type SqlNode } from './query-context.js';
import { resolveMinimumShouldMatch } from './query-fts.js';
import { planBool } from './query-plan.js';

const BOOL_KEYS = new Set(['must', 'should', 'filter', 'must_not', 'minimum_should_match', 'boost', '_name', 'adjust_pure_negative']);

/** Compiles one query object: `query-compile.ts`'s `compileQuery`, passed in (no import cycle). */
export type CompileQuery = (ctx: QueryContext, query: unknown) => SqlNode;

function clauses(ctx: QueryContext, v: unknown, compileQuery: CompileQuery): SqlNode[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  ctx.checkBoolClauses(list.length);
  return list.map((q) => compileQuery(ctx, q));
}

/** Score of a clause that counts only where it matches. */
function scoreWhenMatched(n: SqlNode): string {
  return n.zeroOutside ? n.score : `(CASE WHEN ${n.where} THEN ${n.score} ELSE 0 END)`;
}

export function compileBool(ctx: QueryContext, b: Record<string, unknown>, compile: CompileQuery): SqlNode {
  for (const k of Object.keys(b)) if (!BOOL_KEYS.has(k)) throw errors.parsing(`[bool] query does not support [${k}]`);
  const firstLeaf = ctx.scored.length;
  const must = clauses(ctx, b.must, compile);
  const should = clauses(ctx, b.should, compile);
  const filter = clauses(ctx, b.filter, compile);
  const mustNot = clauses(ctx, b.must_not, compile);
  if (must.length + should.length + filter.length + mustNot.length === 0) {
    return { where: '1', score: String(boostOf(b)), zeroOutside: false };
  }
  planBool(ctx, firstLeaf, [...must, ...filter]);
  const wheres = [...must.map((n) => n.where), ...filter.map((n) => n.where), ...mustNot.map((n) => `NOT (${n.where})`)];
  const defaultMsm = must.length + filter.length === 0 ? 1 : 0;
  const msm = b.minimum_should_match === undefined ? defaultMsm : resolveMinimumShouldMatch(b.minimum_should_match, should.length);
  if (should.length > 0 && msm > 0) {
    if (msm === 1) wheres.push(`(${should.map((n) => `(${n.where})`).join(' OR ')})`);
    else if (msm >= should.length) wheres.push(...should.map((n) => n.where));
    else wheres.push(`((${should.map((n) => `(${n.where})`).join(' + ')}) >= ${msm})`);
  }
  if (b.minimum_should_match !== undefined && resolvesAboveCount(b.minimum_should_match, should.length)) wheres.push('0');
  const scores = [...must.map((n) => n.score), ...should.map(scoreWhenMatched)];
  let score = scores.length ? scores.join(' + ') : '0';
  const boost = boostOf(b);
  if (boost !== 1) score = `((${score}) * ${boost})`;
  const driver = [...must, ...filter].find((n) => n.driver)?.driver ?? (should.length === 1 && msm >= 1 ? should[0].driver : undefined);
  return { where: wheres.length ? wheres.map((w) => `(${w})`).join(' AND ') : '1', score: `(${score})`, zeroOutside: false, driver };
}

/** `minimum_should_match` larger than the number of should clauses: nothing can match. */
function resolvesAboveCount(spec: unknown, n: number): boolean {
  const v = Number(spec);
  return Number.isInteger(v) && v > n;
}

export function compileConstantScore(ctx: QueryContext, b: Record<string, unknown>, compile: CompileQuery): SqlNode {
  if (!isPlainObject(b.filter)) throw errors.parsing('[constant_score] requires a \'filter\' element');
  const inner = compile(ctx, b.filter);
  return { where: inner.where, score: String(boostOf(b)), zeroOutside: false, driver: inner.driver };
}

export function compileDisMax(ctx: QueryContext, b: Record<string, unknown>, compile: CompileQuery): SqlNode {
  if (!Array.isArray(b.queries) || b.queries.length === 0) throw errors.parsing('[dis_max] requires \'queries\' field with at least one clause');
  const nodes = clauses(ctx, b.queries, compile);
  const tie = Number(b.tie_breaker ?? 0);
  const scores = nodes.map(scoreWhenMatched);
  const max = scores.length === 1 ? scores[0] : `max(${scores.join(', ')})`;
  let score = tie > 0 && scores.length > 1 ? `(${max} + ${tie} * ((${scores.join(' + ')}) - ${max}))` : max;
  const boost = boostOf(b);
  if (boost !== 1) score = `(${score} * ${boost})`;
  return { where: `(${nodes.map((n) => `(${n.where})`).join(' OR ')})`, score, zeroOutside: true, driver: nodes.length === 1 ? nodes[0].driver : undefined };
}
