/**
 * The `aggs` / `aggregations` of a `_search` on the embedded index (docs/embedded-index.md
 * "Aggregations"): parsed and validated into a tree before anything runs. Bounds: at most
 * `MAX_AGGS` aggregations per request and `MAX_DEPTH` levels; unknown types and options fail
 * with Elasticsearch's 400s.
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';

type Obj = Record<string, unknown>;

export const AGG_LIMITS = {
  /** Aggregations in one request, sub-aggregations included. */
  maxAggs: 100,
  /** Levels of sub-aggregations. */
  maxDepth: 8,
  /** Buckets in one response (Elasticsearch's `search.max_buckets`). */
  maxBuckets: 65_536,
  /** Hits of one `top_hits`. */
  maxTopHits: 100,
};

export const BUCKET_TYPES = new Set(['terms', 'missing', 'filter', 'filters', 'range', 'date_range', 'histogram', 'date_histogram']);
export const METRIC_TYPES = new Set(['value_count', 'min', 'max', 'avg', 'sum', 'stats', 'cardinality', 'top_hits']);

export interface AggNode {
  name: string;
  type: string;
  body: Obj;
  meta?: Obj;
  subs: AggNode[];
}

/** The request's aggregations, or undefined when it has none. */
export function parseAggs(body: Obj): AggNode[] | undefined {
  if (body.aggs !== undefined && body.aggregations !== undefined) {
    throw errors.parsing('Found two aggregation definitions: [aggs] and [aggregations]');
  }
  const raw = body.aggs ?? body.aggregations;
  if (raw === undefined) return undefined;
  const counter = { n: 0 };
  const aggs = parseLevel(raw, 1, counter);
  return aggs.length ? aggs : undefined;
}

function parseLevel(raw: unknown, depth: number, counter: { n: number }): AggNode[] {
  if (!isPlainObject(raw)) throw errors.parsing('Expected [START_OBJECT] under [aggregations], but got a value');
  if (depth > AGG_LIMITS.maxDepth) {
    throw errors.illegalArgument(`aggregations are nested more than [${AGG_LIMITS.maxDepth}] levels deep on the embedded index`);
  }
  const out: AggNode[] = [];
  for (const [name, def] of Object.entries(raw)) {
    if (/[[\]>]/.test(name)) {
      throw errors.parsing(`Invalid aggregation name [${name}]. Aggregation names can contain any character except '[', ']', and '>'`);
    }
    if (++counter.n > AGG_LIMITS.maxAggs) {
      throw errors.illegalArgument(`a request can hold at most [${AGG_LIMITS.maxAggs}] aggregations on the embedded index`);
    }
    if (!isPlainObject(def)) throw errors.parsing(`Expected [START_OBJECT] under [${name}], but got a value`);
    let type: string | undefined;
    let meta: Obj | undefined;
    let subs: AggNode[] = [];
    for (const [k, v] of Object.entries(def)) {
      if (k === 'aggs' || k === 'aggregations') subs = parseLevel(v, depth + 1, counter);
      else if (k === 'meta') {
        if (!isPlainObject(v)) throw errors.parsing(`[meta] of aggregation [${name}] must be an object`);
        meta = v;
      } else if (type !== undefined) {
        throw errors.parsing(`Found two aggregation type definitions in [${name}]: [${type}] and [${k}]`);
      } else type = k;
    }
    if (type === undefined) throw errors.parsing(`Missing definition for aggregation [${name}]`);
    if (!BUCKET_TYPES.has(type) && !METRIC_TYPES.has(type)) {
      throw errors.parse(`Unknown aggregation type [${type}]`, { type: 'named_object_not_found_exception', reason: `unknown field [${type}]` });
    }
    const body = def[type];
    if (!isPlainObject(body)) throw errors.parsing(`Expected [START_OBJECT] under [${type}], but got a value in [${name}]`);
    if (METRIC_TYPES.has(type) && subs.length) {
      throw errors.parse(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
    }
    out.push({ name, type, body, meta, subs });
  }
  return out;
}

/** The field an aggregation reads; 400 when missing. */
export function fieldName(a: AggNode): string {
  const f = a.body.field;
  if (typeof f !== 'string' || f === '') throw errors.illegalArgument(`Required one of fields [field, script], but none were specified. (aggregation [${a.name}])`);
  return f;
}

export function intOption(a: AggNode, key: string, dflt: number, min = 0): number {
  const v = a.body[key];
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < min) throw errors.illegalArgument(`[${key}] must be an integer greater than or equal to ${min} in [${a.name}], got [${String(v)}]`);
  return n;
}

export function numberOption(a: AggNode, key: string): number | undefined {
  const v = a.body[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw errors.parsing(`[${key}] must be a number in [${a.name}], got [${String(v)}]`);
  return n;
}
