/**
 * Bucket aggregations (docs/embedded-index.md "Aggregations"): `terms`, `missing`, `filter`,
 * `filters`, `range`, `date_range`, `histogram`, `date_histogram`. Counts are SQL GROUP BYs over
 * the doc values of the parent's document set; each bucket's set narrows the parent's for its
 * sub-aggregations.
 */
import { RE2JS } from 're2js';
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import { parseDateMath } from '../../domain/shared/date-math.js';
import { dateFormatter, parseInterval, parseZone, type Rounding } from './dates.js';
import { oneValuePerDoc } from '../fields.js';
import { AGG_LIMITS, fieldName, intOption, numberOption, type AggNode } from './parse.js';
import { addBuckets, aggField, bucketBody, count, EMPTY, valuesIn, type AggField, type AggRun, type DocSet } from './run.js';

type Obj = Record<string, unknown>;

export function bucketAgg(run: AggRun, a: AggNode, set: DocSet): Obj {
  switch (a.type) {
    case 'terms': return terms(run, a, set);
    case 'missing': return missing(run, a, set);
    case 'filter': return filter(run, a, set);
    case 'filters': return filters(run, a, set);
    case 'range': case 'date_range': return ranges(run, a, set);
    default: return histogram(run, a, set);
  }
}

function withoutValue(f: AggField | null, set: DocSet): DocSet {
  if (!f) return set;
  return { sql: `SELECT r FROM (${set.sql}) AS s WHERE NOT EXISTS (SELECT 1 FROM ${f.dv} WHERE r = s.r AND f = ${f.info.fid})`, params: set.params, empty: set.empty, small: set.small };
}

function missing(run: AggRun, a: AggNode, set: DocSet): Obj {
  const sub = withoutValue(aggField(run, fieldName(a), a), set);
  return bucketBody(run, a, sub, count(run, sub));
}

// ---- filter / filters ---------------------------------------------------------------------

/** The temp table holding the rowids matching `query` (filled once per request). */
function filterTable(run: AggRun, query: unknown): string {
  let table = run.filterTables.get(query);
  if (!table) {
    table = `ci_a${run.tables++}`;
    run.materialize(query, table);
    run.filterTables.set(query, table);
  }
  return table;
}

function filtered(run: AggRun, query: unknown, set: DocSet): DocSet {
  const table = filterTable(run, query);
  return { sql: `SELECT r FROM (${set.sql}) AS s WHERE s.r IN (SELECT r FROM temp.${table})`, params: set.params, empty: set.empty, small: set.small };
}

function filter(run: AggRun, a: AggNode, set: DocSet): Obj {
  const sub = filtered(run, a.body, set);
  return bucketBody(run, a, sub, count(run, sub));
}

function filters(run: AggRun, a: AggNode, set: DocSet): Obj {
  const spec = a.body.filters;
  const keyed = isPlainObject(spec);
  if (!keyed && !Array.isArray(spec)) throw errors.parsing(`[filters] of [${a.name}] must be an object or an array of queries`);
  const entries: [string, unknown][] = keyed ? Object.entries(spec) : spec.map((q, i) => [String(i), q]);
  const buckets: [string, Obj][] = [];
  const tables: string[] = [];
  for (const [k, q] of entries) {
    if (!isPlainObject(q)) throw errors.parsing(`[filters] of [${a.name}] must hold queries`);
    tables.push(filterTable(run, q));
    const sub = filtered(run, q, set);
    buckets.push([k, bucketBody(run, a, sub, count(run, sub))]);
  }
  if (a.body.other_bucket === true || a.body.other_bucket_key !== undefined) {
    const key = a.body.other_bucket_key === undefined ? '_other_' : String(a.body.other_bucket_key);
    const none = tables.map((t) => `s.r NOT IN (SELECT r FROM temp.${t})`).join(' AND ') || '1';
    const other: DocSet = { sql: `SELECT r FROM (${set.sql}) AS s WHERE ${none}`, params: set.params, empty: set.empty, small: set.small };
    buckets.push([key, bucketBody(run, a, other, count(run, other))]);
  }
  return keyed ? { buckets: Object.fromEntries(buckets) } : { buckets: buckets.map(([, b]) => b) };
}

// ---- terms --------------------------------------------------------------------------------

interface Group {
  k: string | number;
  n: number;
}

function terms(run: AggRun, a: AggNode, set: DocSet): Obj {
  const f = aggField(run, fieldName(a), a);
  const size = intOption(a, 'size', 10, 1);
  const minCount = intOption(a, 'min_doc_count', 1);
  if (a.body.shard_size !== undefined) intOption(a, 'shard_size', 0);
  const keep = includeExclude(a);
  let groups: Group[] = [];
  if (f && !set.empty) {
    const q = valuesIn(f, set);
    groups = run.cache.get(`SELECT v AS k, count(*) AS n ${q.sql} GROUP BY v`).all(...q.params) as Group[];
  }
  let missingSet: DocSet | undefined;
  if (a.body.missing !== undefined) {
    missingSet = withoutValue(f, set);
    const n = count(run, missingSet);
    if (n > 0) {
      const mk = f?.info.kind === 'number' || f?.info.kind === 'date' ? Number(a.body.missing) : String(a.body.missing);
      const same = groups.find((g) => g.k === mk);
      if (same) same.n += n;
      else groups.push({ k: mk, n });
    }
  }
  groups = groups.filter((g) => keep(g.k));
  const order = termsOrder(a);
  groups.sort(order);
  const shown = groups.filter((g) => g.n >= minCount).slice(0, size);
  const other = groups.reduce((s, g) => s + g.n, 0) - shown.reduce((s, g) => s + g.n, 0);
  const kind = f?.info.kind;
  const fmt = kind === 'date' ? dateFormatter(a.body.format, parseZone(undefined)) : undefined;
  const buckets = [];
  for (const g of shown) {
    if (run.budget?.expired()) break;
    const b: Obj = { key: g.k };
    if (kind === 'boolean') b.key_as_string = g.k ? 'true' : 'false';
    if (fmt) b.key_as_string = fmt(Number(g.k));
    let sub: DocSet = f
      ? { sql: `SELECT r FROM ${f.dv} WHERE f = ${f.info.fid} AND v = ? AND r IN (${set.sql})`, params: [g.k, ...set.params], small: set.small }
      : EMPTY;
    if (missingSet && (kind === 'number' || kind === 'date' ? Number(a.body.missing) : String(a.body.missing)) === g.k) {
      sub = { sql: `${sub.sql} UNION ${missingSet.sql}`, params: [...sub.params, ...missingSet.params] };
    }
    buckets.push({ ...b, ...bucketBody(run, a, sub, g.n) });
  }
  return { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets };
}

function termsOrder(a: AggNode): (x: Group, y: Group) => number {
  const raw = a.body.order ?? { _count: 'desc' };
  const list = Array.isArray(raw) ? raw : [raw];
  const cmps: ((x: Group, y: Group) => number)[] = [];
  for (const o of list) {
    if (!isPlainObject(o) || Object.keys(o).length !== 1) throw errors.parsing(`[order] of [${a.name}] must be {"_count"|"_key": "asc"|"desc"}`);
    const [k, dir] = Object.entries(o)[0]!;
    if (dir !== 'asc' && dir !== 'desc') throw errors.parsing(`Unknown terms order direction [${String(dir)}]`);
    const sign = dir === 'asc' ? 1 : -1;
    if (k === '_count') cmps.push((x, y) => sign * (x.n - y.n));
    else if (k === '_key' || k === '_term') cmps.push((x, y) => sign * compareKeys(x.k, y.k));
    else throw errors.illegalArgument(`ordering terms by the sub-aggregation [${k}] is not supported by the embedded index; order by [_count] or [_key]`);
  }
  // Ties: key ascending, as Elasticsearch.
  cmps.push((x, y) => compareKeys(x.k, y.k));
  return (x, y) => {
    for (const c of cmps) {
      const r = c(x, y);
      if (r !== 0) return r;
    }
    return 0;
  };
}

function compareKeys(x: string | number, y: string | number): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  const a = String(x);
  const b = String(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `include` / `exclude`: arrays of exact values, or regexes matching the whole term (RE2: linear time). */
function includeExclude(a: AggNode): (k: string | number) => boolean {
  const test = (v: unknown, what: string): ((k: string | number) => boolean) | undefined => {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) {
      if (v.length > 65_536) throw errors.illegalArgument(`[${what}] of [${a.name}] lists too many terms`);
      const s = new Set(v.map(String));
      return (k) => s.has(String(k));
    }
    if (typeof v === 'string') {
      if (v.length > 1000) throw errors.illegalArgument(`[${what}] of [${a.name}] is longer than [1000] characters`);
      let re: RE2JS;
      try {
        re = RE2JS.compile(v);
      } catch (e) {
        throw errors.illegalArgument(`invalid regular expression [${v}] in [${what}] of [${a.name}]: ${(e as Error).message}`);
      }
      return (k) => re.matches(String(k));
    }
    if (isPlainObject(v)) throw errors.illegalArgument(`partitioned [${what}] is not supported by the embedded index`);
    throw errors.parsing(`[${what}] of [${a.name}] must be an array of terms or a regular expression`);
  };
  const inc = test(a.body.include, 'include');
  const exc = test(a.body.exclude, 'exclude');
  return (k) => (!inc || inc(k)) && (!exc || !exc(k));
}

// ---- range / date_range -------------------------------------------------------------------

/** A double as Java prints it (`100.0`), for range keys. */
function javaDouble(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? n.toFixed(1) : String(n);
}

function ranges(run: AggRun, a: AggNode, set: DocSet): Obj {
  const f = aggField(run, fieldName(a), a);
  const isDate = a.type === 'date_range';
  if (f && (isDate ? f.info.kind !== 'date' : f.info.kind !== 'number' && f.info.kind !== 'date')) {
    throw errors.illegalArgument(`Field [${f.info.path}] of type [${f.info.type}] is not supported for aggregation [${a.type}]`);
  }
  const list = a.body.ranges;
  if (!Array.isArray(list) || list.length === 0) throw errors.illegalArgument(`No [ranges] specified for the [${a.name}] aggregation`);
  if (list.length > AGG_LIMITS.maxBuckets) throw errors.illegalArgument(`too many [ranges] in [${a.name}]`);
  const fmt = isDate || f?.info.kind === 'date' ? dateFormatter(a.body.format, parseZone(a.body.time_zone)) : undefined;
  const bound = (v: unknown, up: boolean): number | undefined => {
    if (v === undefined || v === null) return undefined;
    const n = isDate ? parseDateMath(typeof v === 'number' ? v : String(v), up) : Number(v);
    if (!Number.isFinite(n)) throw errors.parsing(`[${a.name}] cannot parse range bound [${String(v)}]`);
    return n;
  };
  const keyed = a.body.keyed === true;
  const out: [string, Obj][] = [];
  for (const r of list) {
    if (!isPlainObject(r)) throw errors.parsing(`[ranges] of [${a.name}] must hold objects`);
    const from = bound(r.from, false);
    const to = bound(r.to, false);
    const show = (n: number | undefined) => (n === undefined ? '*' : fmt ? fmt(n) : javaDouble(n));
    const key = r.key !== undefined ? String(r.key) : `${show(from)}-${show(to)}`;
    const conds: string[] = [];
    const ps: unknown[] = [];
    if (from !== undefined) conds.push('v >= ?') && ps.push(from);
    if (to !== undefined) conds.push('v < ?') && ps.push(to);
    const sub: DocSet = f
      ? { sql: `SELECT DISTINCT r FROM ${f.dv} WHERE f = ${f.info.fid}${conds.map((c) => ` AND ${c}`).join('')} AND r IN (${set.sql})`, params: [...ps, ...set.params], empty: set.empty, small: set.small }
      : EMPTY;
    const b: Obj = keyed ? {} : { key };
    if (from !== undefined) Object.assign(b, { from }, fmt ? { from_as_string: fmt(from) } : {});
    if (to !== undefined) Object.assign(b, { to }, fmt ? { to_as_string: fmt(to) } : {});
    out.push([key, { ...b, ...bucketBody(run, a, sub, count(run, sub)) }]);
  }
  return keyed ? { buckets: Object.fromEntries(out) } : { buckets: out.map(([, b]) => b) };
}

// ---- histogram / date_histogram -----------------------------------------------------------

/** Roundings of the running search, looked up by `ci_agg_key(v, id)`. */
const roundings: Rounding[] = [];
const registered = new WeakSet<object>();

function keyFunction(run: AggRun, r: Rounding): number {
  const db = run.cache.db;
  if (!registered.has(db)) {
    db.function('ci_agg_key', { deterministic: true }, (v: unknown, id: unknown) => roundings[Number(id)]!.round(Number(v)));
    registered.add(db);
  }
  roundings.push(r);
  return roundings.length - 1;
}

/** Forgets the roundings once a search's aggregations are done. */
export function clearRoundings(): void {
  roundings.length = 0;
}

function histogram(run: AggRun, a: AggNode, set: DocSet): Obj {
  const f = aggField(run, fieldName(a), a);
  const isDate = a.type === 'date_histogram';
  if (f && (isDate ? f.info.kind !== 'date' : f.info.kind !== 'number' && f.info.kind !== 'date')) {
    throw errors.illegalArgument(`Field [${f.info.path}] of type [${f.info.type}] is not supported for aggregation [${a.type}]`);
  }
  const zone = parseZone(a.body.time_zone);
  let rounding: Rounding;
  if (isDate) rounding = parseInterval(a.body, zone, a.name);
  else {
    const interval = numberOption(a, 'interval');
    if (interval === undefined || interval <= 0) throw errors.illegalArgument(`[interval] must be >0 for histogram aggregation [${a.name}]`);
    const offset = numberOption(a, 'offset') ?? 0;
    rounding = { round: (v) => Math.floor((v - offset) / interval) * interval + offset, next: (k) => k + interval };
  }
  const minCount = intOption(a, 'min_doc_count', 0);
  const fmt = isDate ? dateFormatter(a.body.format, zone) : undefined;
  const id = keyFunction(run, rounding);
  let groups: Group[] = [];
  if (f && !set.empty) {
    const q = valuesIn(f, set);
    // One value per document: each row is a document, counted without a distinct set per bucket.
    const n = oneValuePerDoc(run.h.fields, f.info) ? 'count(*)' : 'count(DISTINCT r)';
    groups = run.cache.get(`SELECT k, ${n} AS n FROM (SELECT ci_agg_key(v, ${id}) AS k, r ${q.sql}) GROUP BY k ORDER BY k`).all(...q.params) as Group[];
  }
  let list = groups as { k: number; n: number }[];
  const eb = a.body.extended_bounds;
  if (minCount === 0) {
    let lo = list.length ? list[0]!.k : undefined;
    let hi = list.length ? list[list.length - 1]!.k : undefined;
    if (isPlainObject(eb)) {
      const b = (v: unknown) => (v === undefined ? undefined : isDate ? parseDateMath(typeof v === 'number' ? v : String(v), false) : Number(v));
      const mn = b(eb.min);
      const mx = b(eb.max);
      if (mn !== undefined && !Number.isFinite(mn)) throw errors.parsing(`[extended_bounds.min] of [${a.name}] is not valid`);
      if (mx !== undefined && !Number.isFinite(mx)) throw errors.parsing(`[extended_bounds.max] of [${a.name}] is not valid`);
      if (mn !== undefined) lo = lo === undefined ? rounding.round(mn) : Math.min(lo, rounding.round(mn));
      if (mx !== undefined) hi = hi === undefined ? rounding.round(mx) : Math.max(hi, rounding.round(mx));
    }
    if (lo !== undefined && hi !== undefined) {
      const byKey = new Map(list.map((g) => [g.k, g.n]));
      const filled: { k: number; n: number }[] = [];
      for (let k = lo; k <= hi; k = rounding.next(k)) {
        if (filled.length + run.buckets >= AGG_LIMITS.maxBuckets) addBuckets(run, filled.length + 1);
        filled.push({ k, n: byKey.get(k) ?? 0 });
      }
      list = filled;
    }
  } else list = list.filter((g) => g.n >= minCount);
  const order = a.body.order;
  if (order !== undefined) {
    const cmp = termsOrder({ ...a, body: { order } });
    list = [...list].sort(cmp);
  }
  const buckets: [string, Obj][] = [];
  for (const g of list) {
    if (run.budget?.expired()) break;
    const sub: DocSet = f && g.n > 0
      ? { sql: `SELECT DISTINCT r FROM ${f.dv} WHERE f = ${f.info.fid} AND ci_agg_key(v, ${id}) = ? AND r IN (${set.sql})`, params: [g.k, ...set.params], small: set.small }
      : EMPTY;
    const key = fmt ? fmt(g.k) : String(g.k);
    buckets.push([key, { ...(fmt ? { key_as_string: key } : {}), key: g.k, ...bucketBody(run, a, sub, g.n) }]);
  }
  return a.body.keyed === true ? { buckets: Object.fromEntries(buckets) } : { buckets: buckets.map(([, b]) => b) };
}
