/**
 * `function_score` (docs/embedded-index.md "function_score"): the query's score combined with
 * functions of the document's doc values, as SQL over the matching documents. Functions:
 * `field_value_factor`, `gauss` / `exp` / `linear` decay on numeric and date fields, `weight`,
 * `random_score`; each with an optional `filter` and `weight`; `score_mode`, `boost_mode`,
 * `max_boost`, `min_score`, `boost`. The per-document math is in score-functions.ts.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { parseDateMath } from '../domain/shared/date-math.js';
import { parseTimeValue } from '../domain/shared/time-value.js';
import type { FieldInfo } from './fields.js';
import { boostOf, type QueryContext, type SqlNode } from './query-context.js';
import { FIELD_VALUE_MODIFIERS } from './score-functions.js';

type Body = Record<string, unknown>;
type Compile = (ctx: QueryContext, query: unknown) => SqlNode;

const SCORE_MODES = new Set(['multiply', 'sum', 'avg', 'first', 'max', 'min']);
const BOOST_MODES = new Set(['multiply', 'replace', 'sum', 'avg', 'max', 'min']);
const FUNCTION_TYPES = ['field_value_factor', 'gauss', 'exp', 'linear', 'random_score', 'script_score'];
/** Functions in one `function_score` (each is evaluated per matching document). */
export const MAX_SCORE_FUNCTIONS = 64;

interface ScoreFunction {
  /** Where it applies ('1': every document). */
  when: string;
  /** Its value times its weight. */
  value: string;
  weight: number;
}

export function compileFunctionScore(ctx: QueryContext, o: Body, compile: Compile): SqlNode {
  const inner = compile(ctx, o.query ?? { match_all: {} });
  const list = o.functions !== undefined ? o.functions : [o];
  if (!Array.isArray(list)) throw errors.parsing('[function_score] [functions] must be an array');
  if (o.functions !== undefined && FUNCTION_TYPES.some((t) => o[t] !== undefined)) {
    throw errors.parsing('failed to parse [function_score] query. already found [functions] array, now encountering a single function.');
  }
  if (list.length > MAX_SCORE_FUNCTIONS) throw errors.illegalArgument(`[function_score] takes at most [${MAX_SCORE_FUNCTIONS}] functions on the embedded index`);
  const fns = list.map((x) => scoreFunction(ctx, x, compile, o.functions !== undefined)).filter((x): x is ScoreFunction => x !== undefined);
  const scoreMode = String(o.score_mode ?? 'multiply');
  const boostMode = String(o.boost_mode ?? 'multiply');
  if (!SCORE_MODES.has(scoreMode)) throw errors.parsing(`[function_score] illegal score_mode [${scoreMode}]`);
  if (!BOOST_MODES.has(boostMode)) throw errors.parsing(`[function_score] illegal boost_mode [${boostMode}]`);
  let factor = fns.length === 0 ? '1' : combine(fns, scoreMode);
  if (o.max_boost !== undefined) {
    const m = Number(o.max_boost);
    if (!Number.isFinite(m)) throw errors.parsing('[function_score] [max_boost] must be a number');
    factor = `min(${factor}, ${m})`;
  }
  const q = inner.score;
  const combined = {
    multiply: `(${q}) * (${factor})`,
    replace: factor,
    sum: `(${q}) + (${factor})`,
    avg: `((${q}) + (${factor})) / 2.0`,
    max: `max(${q}, ${factor})`,
    min: `min(${q}, ${factor})`,
  }[boostMode]!;
  const boost = boostOf(o);
  const score = boost === 1 ? `(${combined})` : `((${combined}) * ${boost})`;
  let where = inner.where;
  if (o.min_score !== undefined) {
    const min = Number(o.min_score);
    if (!Number.isFinite(min)) throw errors.parsing('[function_score] [min_score] must be a number');
    where = `(${where}) AND (${score}) >= ${min}`;
  }
  return { where, score, zeroOutside: false, driver: inner.driver };
}

/** One function (`{filter?, weight?, <type>: {...}}`); undefined for an empty one. */
function scoreFunction(ctx: QueryContext, raw: unknown, compile: Compile, inArray: boolean): ScoreFunction | undefined {
  if (!isPlainObject(raw)) throw errors.parsing('[function_score] each function must be an object');
  const types = FUNCTION_TYPES.filter((t) => raw[t] !== undefined);
  if (types.length > 1) throw errors.parsing(`failed to parse [function_score] query. already found function [${types[0]}], now encountering [${types[1]}]. use [functions] array if you want to define several functions.`);
  if (inArray) {
    const unknown = Object.keys(raw).find((k) => k !== 'filter' && k !== 'weight' && !FUNCTION_TYPES.includes(k));
    if (unknown) throw errors.parsing(`failed to parse function_score query. field [${unknown}] is not supported`);
  }
  const weight = raw.weight === undefined ? 1 : Number(raw.weight);
  if (!Number.isFinite(weight) || weight < 0) throw errors.parsing(`[function_score] [weight] must be a non-negative number, got [${String(raw.weight)}]`);
  const when = inArray && raw.filter !== undefined ? compile(ctx, raw.filter).where : '1';
  const type = types[0];
  if (type === undefined) return raw.weight === undefined && !inArray ? undefined : { when, value: String(weight), weight };
  if (type === 'script_score') throw errors.illegalArgument('[script_score] is not supported by the embedded index (no scripting)');
  const body = raw[type];
  if (!isPlainObject(body)) throw errors.parsing(`[function_score] [${type}] must be an object`);
  const value = type === 'field_value_factor' ? fieldValueFactor(ctx, body) : type === 'random_score' ? randomScore(ctx, body) : decay(ctx, type, body);
  return { when, value: weight === 1 ? value : `(${value} * ${weight})`, weight };
}

function numericField(ctx: QueryContext, name: unknown, fn: string): FieldInfo | undefined {
  if (typeof name !== 'string') throw errors.parsing(`[${fn}] requires a [field]`);
  const f = ctx.field(name);
  if (f && f.kind !== 'number' && f.kind !== 'date' && f.kind !== 'boolean') {
    throw errors.illegalArgument(`[${fn}] field [${name}] of type [${f.type}] is not numeric: use a numeric or date field`);
  }
  return f;
}

function fieldValueFactor(ctx: QueryContext, o: Body): string {
  const f = numericField(ctx, o.field, 'field_value_factor');
  const factor = o.factor === undefined ? 1 : Number(o.factor);
  if (!Number.isFinite(factor)) throw errors.parsing('[field_value_factor] [factor] must be a number');
  const modifier = String(o.modifier ?? 'none').toLowerCase();
  if (!FIELD_VALUE_MODIFIERS.has(modifier)) throw errors.parsing(`[field_value_factor] illegal modifier [${modifier}]`);
  const missing = o.missing === undefined ? undefined : Number(o.missing);
  if (missing !== undefined && !Number.isFinite(missing)) throw errors.parsing('[field_value_factor] [missing] must be a number');
  let v = f ? ctx.sortValue(f, 'min') : 'NULL';
  if (missing !== undefined) v = `COALESCE(${v}, ${missing})`;
  return `ci_fvf(${v}, ${factor}, ${ctx.p(modifier)})`;
}

function randomScore(ctx: QueryContext, o: Body): string {
  const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(o.seed);
  if (!Number.isFinite(seed)) throw errors.parsing('[random_score] [seed] must be a number');
  let key = 'd.r';
  if (o.field !== undefined) {
    const f = typeof o.field === 'string' ? ctx.field(o.field) : undefined;
    if (o.field === '_seq_no') key = 'd.seq';
    else if (f && f.kind !== 'text' && f.kind !== 'object' && f.kind !== 'other') key = ctx.sortValue(f, 'min');
    else if (o.field !== '_id') throw errors.illegalArgument(`[random_score] cannot use field [${String(o.field)}]: use a keyword, numeric or date field, or _seq_no`);
  }
  return `ci_random(${Math.trunc(seed)}, ${key})`;
}

const MULTI_VALUE_MODES: Record<string, string> = { min: 'min', max: 'max', avg: 'avg', sum: 'sum' };

function decay(ctx: QueryContext, shape: string, o: Body): string {
  const fieldNames = Object.keys(o).filter((k) => k !== 'multi_value_mode');
  if (fieldNames.length !== 1) throw errors.parsing(`[${shape}] decay function requires exactly one field`);
  const name = fieldNames[0];
  const p = o[name];
  if (!isPlainObject(p)) throw errors.parsing(`[${shape}] [${name}] must be an object with origin, scale, offset, decay`);
  const mode = MULTI_VALUE_MODES[String(o.multi_value_mode ?? 'min')];
  if (!mode) throw errors.parsing(`[${shape}] illegal multi_value_mode [${String(o.multi_value_mode)}]`);
  const f = numericField(ctx, name, shape);
  const decayAt = p.decay === undefined ? 0.5 : Number(p.decay);
  if (!(decayAt > 0 && decayAt < 1)) throw errors.illegalArgument(`[${shape}] [decay] must be in the range (0..1), got [${String(p.decay)}]`);
  if (p.scale === undefined) throw errors.parsing(`[${shape}] [${name}] requires [scale]`);
  let origin: number;
  let scale: number;
  let offset: number;
  if (f?.kind === 'date') {
    origin = p.origin === undefined ? Date.now() : parseDateMath(p.origin, false);
    if (Number.isNaN(origin)) throw errors.parsing(`[${shape}] failed to parse [origin] [${String(p.origin)}] as a date`);
    scale = duration(p.scale, shape, 'scale');
    offset = p.offset === undefined ? 0 : duration(p.offset, shape, 'offset');
  } else {
    if (p.origin === undefined) throw errors.parsing(`[${shape}] [${name}] requires [origin] on a numeric field`);
    origin = Number(p.origin);
    scale = Number(p.scale);
    offset = p.offset === undefined ? 0 : Number(p.offset);
    if (![origin, scale, offset].every(Number.isFinite)) throw errors.parsing(`[${shape}] [origin], [scale] and [offset] must be numbers on field [${name}]`);
  }
  if (!(scale > 0)) throw errors.illegalArgument(`[${shape}] [scale] must be greater than 0`);
  if (offset < 0) throw errors.illegalArgument(`[${shape}] [offset] must not be negative`);
  const v = !f ? 'NULL' : ctx.usesDocValues(f) ? `(SELECT ${mode}(v) FROM ${ctx.h.dv} WHERE r = d.r AND f = ${f.fid})` : ctx.sortValue(f, mode === 'max' ? 'max' : 'min');
  return `ci_decay(${ctx.p(shape)}, ${v}, ${origin}, ${scale}, ${offset}, ${decayAt})`;
}

function duration(v: unknown, shape: string, key: string): number {
  if (typeof v === 'number') return v;
  try {
    return parseTimeValue(String(v), `${shape}.${key}`);
  } catch (e) {
    throw errors.parsing((e as Error).message);
  }
}

/** The functions' combined factor (`score_mode`); 1 where none applies, as in Elasticsearch. */
function combine(fns: ScoreFunction[], mode: string): string {
  const filtered = fns.some((f) => f.when !== '1');
  const at = (f: ScoreFunction, other: string) => (f.when === '1' ? f.value : `(CASE WHEN ${f.when} THEN ${f.value} ELSE ${other} END)`);
  const any = filtered ? fns.map((f) => `(${f.when})`).join(' OR ') : '1';
  const orOne = (x: string) => (filtered ? `(CASE WHEN ${any} THEN ${x} ELSE 1 END)` : x);
  switch (mode) {
    case 'multiply':
      return fns.map((f) => at(f, '1')).join(' * ');
    case 'sum':
      return orOne(`(${fns.map((f) => at(f, '0')).join(' + ')})`);
    case 'avg': {
      const weights = fns.map((f) => (f.when === '1' ? String(f.weight) : `(CASE WHEN ${f.when} THEN ${f.weight} ELSE 0 END)`)).join(' + ');
      return orOne(`(CASE WHEN (${weights}) = 0 THEN 1 ELSE (${fns.map((f) => at(f, '0')).join(' + ')}) / (${weights}) END)`);
    }
    case 'first':
      return filtered ? `(CASE ${fns.map((f) => `WHEN ${f.when} THEN ${f.value}`).join(' ')} ELSE 1 END)` : fns[0].value;
    case 'max':
      return fns.length === 1 ? orOne(at(fns[0], '1')) : orOne(`max(${fns.map((f) => at(f, '-1e308')).join(', ')})`);
    default:
      return fns.length === 1 ? orOne(at(fns[0], '1')) : orOne(`min(${fns.map((f) => at(f, '1e308')).join(', ')})`);
  }
}
