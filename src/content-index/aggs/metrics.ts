/**
 * Metric aggregations (docs/embedded-index.md "Aggregations"): `value_count`, `min`, `max`,
 * `avg`, `sum`, `stats`, `cardinality` (exact) — one SQL aggregate over the field's doc values
 * in the bucket's document set — and `top_hits`.
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import { applySourceFilter } from '../source-filter.js';
import { parseSourceFilter } from '../source-filter.js';
import { dateFormatter, parseZone } from './dates.js';
import { AGG_LIMITS, fieldName, intOption, type AggNode } from './parse.js';
import { aggField, count, valuesIn, type AggRun, type DocSet } from './run.js';

type Obj = Record<string, unknown>;

interface Stats {
  c: number;
  mn: number | null;
  mx: number | null;
  s: number | null;
  d: number;
}

export function metricAgg(run: AggRun, a: AggNode, set: DocSet): Obj {
  if (a.type === 'top_hits') return topHits(run, a, set);
  const name = fieldName(a);
  const f = aggField(run, name, a);
  const numeric = f !== null && (f.info.kind === 'number' || f.info.kind === 'date' || f.info.kind === 'boolean');
  if (f && !numeric && a.type !== 'value_count' && a.type !== 'cardinality') {
    throw errors.illegalArgument(`Field [${name}] of type [${f.info.type}] is not supported for aggregation [${a.type}]`);
  }
  let st: Stats = { c: 0, mn: null, mx: null, s: null, d: 0 };
  if (f && !set.empty) {
    const q = valuesIn(f, set);
    const distinct = a.type === 'cardinality' ? ', count(DISTINCT v) AS d' : ', 0 AS d';
    st = run.cache.get(`SELECT count(*) AS c, min(v) AS mn, max(v) AS mx, total(v) AS s${distinct} ${q.sql}`).get(...q.params) as Stats;
  }
  const missing = a.body.missing;
  if (missing !== undefined && a.type !== 'cardinality') {
    // Documents without a value count as having `missing`.
    const m = Number(missing);
    if (!Number.isFinite(m)) throw errors.illegalArgument(`[missing] must be a number in [${a.name}]`);
    const without = f ? count(run, { sql: `SELECT r FROM (${set.sql}) AS s WHERE NOT EXISTS (SELECT 1 FROM ${f.dv} WHERE r = s.r AND f = ${f.info.fid})`, params: set.params }) : count(run, set);
    if (without > 0) st = { c: st.c + without, mn: st.mn === null ? m : Math.min(st.mn, m), mx: st.mx === null ? m : Math.max(st.mx, m), s: (st.s ?? 0) + m * without, d: st.d };
  }
  const isDate = f?.info.kind === 'date';
  const fmt = isDate ? dateFormatter(a.body.format, parseZone(undefined)) : undefined;
  const withString = (key: string, v: number | null): Obj => (fmt && v !== null ? { [key]: v, [`${key}_as_string`]: fmt(v) } : { [key]: v });
  const avg = st.c ? (st.s ?? 0) / st.c : null;
  switch (a.type) {
    case 'value_count': return { value: st.c };
    case 'cardinality': return { value: st.d };
    case 'min': return withString('value', st.c ? Number(st.mn) : null);
    case 'max': return withString('value', st.c ? Number(st.mx) : null);
    case 'sum': return { value: st.s ?? 0 };
    case 'avg': return withString('value', avg);
    default: {
      const out: Obj = { count: st.c, min: st.c ? Number(st.mn) : null, max: st.c ? Number(st.mx) : null, avg, sum: st.s ?? 0 };
      if (fmt && st.c) Object.assign(out, { min_as_string: fmt(Number(st.mn)), max_as_string: fmt(Number(st.mx)), avg_as_string: fmt(avg!), sum_as_string: fmt(st.s ?? 0) });
      return out;
    }
  }
}

/** `top_hits`: `size` (≤ 100), `from`, `sort` by `_doc` or doc-value fields, `_source` filtering. */
function topHits(run: AggRun, a: AggNode, set: DocSet): Obj {
  const size = intOption(a, 'size', 3);
  const from = intOption(a, 'from', 0);
  if (from + size > AGG_LIMITS.maxTopHits) {
    throw errors.illegalArgument(`Top hits result window is too large, the top hits aggregator [${a.name}]'s from + size must be less than or equal to: [${AGG_LIMITS.maxTopHits}] but was [${from + size}]. This limit can be set by changing the [index.max_inner_result_window] index level setting.`);
  }
  const total = count(run, set);
  const keys: string[] = [];
  const cols: string[] = [];
  const sort = a.body.sort === undefined ? [] : Array.isArray(a.body.sort) ? a.body.sort : [a.body.sort];
  for (const s of sort as unknown[]) {
    const [name, spec] = typeof s === 'string' ? [s, {}] : isPlainObject(s) && Object.keys(s).length === 1 ? Object.entries(s)[0]! : [undefined, undefined];
    if (typeof name !== 'string') throw errors.parsing(`[sort] of [${a.name}] must be field names or {field: order}`);
    const order = typeof spec === 'string' ? spec : isPlainObject(spec) && typeof spec.order === 'string' ? spec.order : name === '_score' ? 'desc' : 'asc';
    if (order !== 'asc' && order !== 'desc') throw errors.illegalArgument(`Unknown SortOrder [${order}]`);
    const dir = order.toUpperCase();
    if (name === '_doc' || name === '_score') {
      keys.push(`r ${name === '_score' ? 'ASC' : dir}`);
      continue;
    }
    const f = aggField(run, name, a);
    if (!f) throw errors.queryShard(`No mapping found for [${name}] in order to sort on`);
    const i = cols.length;
    cols.push(`(SELECT ${order === 'asc' ? 'min' : 'max'}(v) FROM ${f.dv} WHERE r = s.r AND f = ${f.info.fid}) AS k${i}`);
    keys.push(`k${i} IS NULL, k${i} ${dir}`);
  }
  keys.push('r');
  const rows = set.empty ? [] : run.cache
    .get(`SELECT r${cols.map((c) => ', ' + c).join('')} FROM (${set.sql}) AS s ORDER BY ${keys.join(', ')} LIMIT ${size} OFFSET ${from}`)
    .all(...set.params) as Obj[];
  const source = parseSourceFilter(a.body._source, undefined, undefined);
  const hits = rows.map((row) => {
    const doc = run.h.fullByRowid.get(row.r as number)!;
    const hit: Obj = { _index: run.h.name, _id: doc.id, _score: sort.length ? null : 1 };
    if (source.enabled) hit._source = applySourceFilter(JSON.parse(doc.src) as Obj, source);
    if (sort.length) hit.sort = cols.map((_, i) => row[`k${i}`] ?? null);
    return hit;
  });
  return { hits: { total: { value: total, relation: 'eq' }, max_score: sort.length || hits.length === 0 ? null : 1, hits } };
}
