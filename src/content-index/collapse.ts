/**
 * Field collapsing (`collapse` in a search body; docs/embedded-index.md "Collapse"): one hit per
 * distinct value of a keyword, numeric, date or boolean field — the first of its group in the
 * search's sort — read from the doc values. Documents without a value form one group. The
 * grouping is a window function over the sorted matches (`row_number() OVER (PARTITION BY …)`).
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { FieldInfo } from './fields.js';
import type { QueryContext } from './query-context.js';

export interface CollapseRequest {
  field: string;
  innerHits?: InnerHitsRequest[];
}

export interface InnerHitsRequest {
  name: string;
  from: number;
  size: number;
  sort?: unknown;
  source?: unknown;
}

/** Inner hits per collapsed hit, at most (each is one more query per hit of the page). */
export const MAX_INNER_HITS = 100;
/** `inner_hits` definitions in one `collapse`. */
const MAX_INNER_HITS_DEFINITIONS = 5;

export function parseCollapse(v: unknown): CollapseRequest | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v) || typeof v.field !== 'string' || v.field === '') throw errors.parsing('[collapse] requires a [field]');
  for (const k of Object.keys(v)) {
    if (k === 'collapse') throw errors.illegalArgument('[collapse] inside [collapse] (second-level collapsing) is not supported by the embedded index');
    if (k !== 'field' && k !== 'inner_hits' && k !== 'max_concurrent_group_searches') throw errors.parsing(`[collapse] unknown field [${k}]`);
  }
  const out: CollapseRequest = { field: v.field };
  if (v.inner_hits !== undefined) {
    const list = Array.isArray(v.inner_hits) ? v.inner_hits : [v.inner_hits];
    if (list.length > MAX_INNER_HITS_DEFINITIONS) throw errors.illegalArgument(`[collapse] takes at most [${MAX_INNER_HITS_DEFINITIONS}] [inner_hits] on the embedded index`);
    out.innerHits = list.map((x) => innerHits(x));
    const names = new Set(out.innerHits.map((x) => x.name));
    if (names.size !== out.innerHits.length) throw errors.illegalArgument('[inner_hits] names must be unique within [collapse]');
  }
  return out;
}

function innerHits(x: unknown): InnerHitsRequest {
  if (!isPlainObject(x)) throw errors.parsing('[inner_hits] must be an object');
  for (const k of Object.keys(x)) {
    if (!['name', 'from', 'size', 'sort', '_source'].includes(k)) throw errors.illegalArgument(`[inner_hits] option [${k}] is not supported by the embedded index`);
  }
  if (typeof x.name !== 'string' || x.name === '') throw errors.parsing('[inner_hits] requires a [name] inside [collapse]');
  const int = (v: unknown, d: number, name: string) => {
    if (v === undefined) return d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw errors.parsing(`[inner_hits] [${name}] must be a non-negative integer`);
    return v;
  };
  const from = int(x.from, 0, 'from');
  const size = int(x.size, 3, 'size');
  if (from + size > MAX_INNER_HITS) {
    throw errors.illegalArgument(`Inner result window is too large, the inner hit definition's [${x.name}]'s from + size must be less than or equal to: [${MAX_INNER_HITS}] but was [${from + size}]`);
  }
  return { name: x.name, from, size, sort: x.sort, source: x._source };
}

/** The collapse field, checked as Elasticsearch checks it. */
export function collapseField(ctx: QueryContext, name: string): FieldInfo {
  const f = ctx.field(name);
  if (!f) throw errors.illegalArgument(`no mapping found for \`${name}\` in order to collapse on`);
  if (f.kind === 'text') throw errors.illegalArgument(`collapse is not supported on this field type [text] (field [${name}]): use its keyword sub-field`);
  if (!ctx.usesDocValues(f)) throw errors.illegalArgument(`cannot collapse on field \`${name}\` without doc values`);
  return f;
}

/** The SQL column (`ck`) of a document's collapse key: its (smallest) value, NULL for none. */
export function collapseKey(ctx: QueryContext, f: FieldInfo): string {
  return `(SELECT min(v) FROM ${ctx.h.dv} WHERE r = d.r AND f = ${f.fid}) AS ck`;
}

/** A collapse key as the hit's `fields` shows it (dates as ISO strings, booleans as booleans). */
export function collapseValue(f: FieldInfo, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (f.kind === 'date') return new Date(Number(v)).toISOString();
  if (f.kind === 'boolean') return v === 1 || v === true;
  return v;
}

/** The query of one group's inner hits: the search's query, kept to the group's key. */
export function groupQuery(query: unknown, field: string, key: unknown): unknown {
  const group = key === null ? { bool: { must_not: [{ exists: { field } }] } } : { term: { [field]: key } };
  return { bool: { must: [query], filter: [group] } };
}
