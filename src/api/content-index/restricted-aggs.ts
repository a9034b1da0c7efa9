/**
 * Aggregations under field-level security (docs/security.md "Document- and field-level
 * security"; docs/embedded-index.md "Aggregations"): a hidden field does not exist for the
 * caller, so an aggregation on it reads an unmapped field (no values: empty buckets, null
 * metrics), `filter` / `filters` queries lose their hidden clauses as the search query does,
 * `top_hits` may not sort on a hidden field, and hidden fields are cut from its hits.
 * Document-level security needs nothing here: aggregations run on the search's query, which
 * already holds the role query.
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import { filterHit, hideFields } from './restricted-read.js';

type Obj = Record<string, unknown>;
type Visible = (path: string) => boolean;

/** A field name no mapping can hold: aggregations on it see an unmapped field. */
export const HIDDEN_FIELD = '\u0000hidden';

/** Rewrites a search body's `aggs` / `aggregations` in place for a caller with hidden fields. */
export function restrictAggsOf(body: unknown, visible: Visible, fields: Map<string, string>): void {
  if (!isPlainObject(body)) return;
  for (const k of ['aggs', 'aggregations']) if (body[k] !== undefined) body[k] = restrictAggs(body[k], visible, fields);
}

/** `aggs` as the caller may run them (unparseable parts are left for the engine's 400). */
export function restrictAggs(aggs: unknown, visible: Visible, fields: Map<string, string>, depth = 0): unknown {
  if (!isPlainObject(aggs) || depth > 16) return aggs;
  const out: Obj = {};
  for (const [name, def] of Object.entries(aggs)) {
    if (!isPlainObject(def)) {
      out[name] = def;
      continue;
    }
    const copy: Obj = {};
    for (const [k, v] of Object.entries(def)) {
      if (k === 'aggs' || k === 'aggregations') copy[k] = restrictAggs(v, visible, fields, depth + 1);
      else if (k === 'meta' || !isPlainObject(v)) copy[k] = v;
      else copy[k] = restrictBody(k, v, visible, fields);
    }
    out[name] = copy;
  }
  return out;
}

function restrictBody(type: string, body: Obj, visible: Visible, fields: Map<string, string>): Obj {
  const out: Obj = { ...body };
  if (typeof body.field === 'string' && !visible(body.field)) out.field = HIDDEN_FIELD;
  if (type === 'filter') return hideFields(body, visible, fields) as Obj;
  if (type === 'filters' && body.filters !== undefined) {
    const f = body.filters;
    out.filters = Array.isArray(f)
      ? f.map((q) => hideFields(q, visible, fields))
      : isPlainObject(f) ? Object.fromEntries(Object.entries(f).map(([k, q]) => [k, hideFields(q, visible, fields)])) : f;
  }
  if (type === 'top_hits' && body.sort !== undefined) {
    const list = Array.isArray(body.sort) ? body.sort : [body.sort];
    for (const s of list) {
      const n = typeof s === 'string' ? s : isPlainObject(s) ? Object.keys(s)[0] : undefined;
      if (n && n !== '_doc' && n !== '_score' && !visible(n)) throw errors.queryShard(`No mapping found for [${n}] in order to sort on`);
    }
  }
  return out;
}

/** The hits of every `top_hits` in an aggregations response without hidden fields. */
export function filterAggHits(aggs: unknown, visible: Visible, depth = 0): void {
  if (depth > 40) return;
  if (Array.isArray(aggs)) {
    for (const x of aggs) filterAggHits(x, visible, depth + 1);
    return;
  }
  if (!isPlainObject(aggs)) return;
  const hits = isPlainObject(aggs.hits) ? aggs.hits.hits : undefined;
  if (Array.isArray(hits)) {
    for (const h of hits) if (isPlainObject(h)) filterHit(h, visible);
    return;
  }
  for (const v of Object.values(aggs)) if (typeof v === 'object' && v !== null) filterAggHits(v, visible, depth + 1);
}
