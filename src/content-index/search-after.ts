/**
 * `search_after` on the embedded index (docs/embedded-index.md "Deep paging"): the values of
 * the last hit's `sort` array, checked against the sort as Elasticsearch checks them, become a
 * keyset condition (the rows strictly after that tuple in the sort's order). When the first
 * sort key is a doc-value field in its default mode, `afterBound` walks the field's `(f, v)`
 * index from the given value, so a page deep in the result reads only the index range from
 * there to the page's end, not the rows before it.
 */
import { errors } from '../domain/errors.js';
import type { IndexHandle } from './index-handle.js';
import type { QueryContext, SqlNode } from './query-context.js';
import type { SortKey } from './sort.js';
import type { StatementCache } from './statement-cache.js';

export type AfterValue = string | number | null;

/** The raw `search_after` checked against the request's sort (count, JSON types). */
export function parseSearchAfter(raw: unknown, sort: SortKey[]): AfterValue[] {
  if (!Array.isArray(raw)) throw errors.parsing('[search_after] must be an array of values');
  if (sort.length === 0) throw errors.illegalArgument('Sort must contain at least one field.');
  if (raw.length !== sort.length) throw errors.illegalArgument(`search_after has ${raw.length} value(s) but sort has ${sort.length}.`);
  return raw.map((v, i) => {
    if (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw errors.illegalArgument(`Failed to parse search_after value for field [${sort[i].field ?? '_' + sort[i].kind}].`);
  });
}

/** A value in the form the sort column holds (numbers, epoch millis, keywords as strings). */
function coerce(ctx: QueryContext, k: SortKey, v: AfterValue): AfterValue {
  if (v === null) return null;
  const name = k.field ?? (k.kind === 'doc' ? '_shard_doc' : '_score');
  const bad = () => errors.illegalArgument(`Failed to parse search_after value for field [${name}].`);
  if (k.kind !== 'field') {
    const n = Number(v);
    if (typeof v === 'string' && v.trim() === '') throw bad();
    if (!Number.isFinite(n) || (k.kind === 'doc' && !Number.isInteger(n))) throw bad();
    return n;
  }
  const f = ctx.field(k.field!);
  if (!f) return v;
  if (f.kind === 'number' || f.kind === 'boolean') {
    if (typeof v === 'number') return v;
    if (f.kind === 'boolean' && (v === 'true' || v === 'false')) return v === 'true' ? 1 : 0;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw bad();
    return n;
  }
  if (f.kind === 'date') {
    if (typeof v === 'number') return v;
    const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) throw bad();
    return ms;
  }
  return typeof v === 'number' ? String(v) : v;
}

/**
 * The keyset condition on the outer query's columns (`sc`, `k0`, `k1`, …): rows strictly after
 * `values` in the order of `keys` (missing values first or last as the sort says).
 */
export function afterCondition(ctx: QueryContext, keys: SortKey[], values: AfterValue[]): string {
  const ors: string[] = [];
  const eqs: string[] = [];
  keys.forEach((k, i) => {
    const col = k.kind === 'score' ? 'sc' : `k${i}`;
    const v = coerce(ctx, k, values[i]);
    const nullsFirst = k.kind === 'field' && k.missingFirst;
    let gt: string;
    let eq: string;
    if (v === null) {
      gt = nullsFirst ? `${col} IS NOT NULL` : '0';
      eq = `${col} IS NULL`;
    } else {
      const p = ctx.p(v);
      gt = `(${col} ${k.desc ? '<' : '>'} ${p}${nullsFirst || k.kind !== 'field' ? '' : ` OR ${col} IS NULL`})`;
      eq = `${col} = ${p}`;
    }
    ors.push([...eqs, gt].join(' AND '));
    eqs.push(eq);
  });
  return ` AND (${ors.map((x) => `(${x})`).join(' OR ')})`;
}

const WALK_PER_HIT = 16;
const WALK_MIN = 2048;

/**
 * For a first sort key on a doc-value field in its default mode: an index range that holds
 * every document of the page after `values[0]` — from that value to the value T at which `n`
 * documents whose sort key lies strictly beyond it have been seen (a document's key is its
 * minimum, or maximum for `desc`: a row counts only when it is that document's key). '' when
 * the walk does not find `n` such documents (the page may reach the missing values) or the
 * sort is of another kind.
 */
export function afterBound(
  cache: StatementCache, h: IndexHandle, ctx: QueryContext, node: SqlNode, keys: SortKey[], values: AfterValue[], n: number,
): string {
  const k = keys[0];
  if (!k || k.kind !== 'field' || k.missingFirst || k.mode !== (k.desc ? 'max' : 'min') || n <= 0) return '';
  const f = ctx.field(k.field!);
  if (!f || !h.dv || !ctx.usesDocValues(f) || ctx.scored.length > 0) return '';
  const start = coerce(ctx, k, values[0]);
  if (start === null) return '';
  const [cmp, dir, other] = k.desc ? ['<', 'DESC', '>'] : ['>', 'ASC', '<'];
  const p0 = ctx.p(start);
  const sql =
    `SELECT x.r AS r, x.v AS v FROM ${h.dv} AS x JOIN ${h.docs} AS d ON d.r = x.r WHERE x.f = ${f.fid} AND x.v ${cmp} ${p0} ` +
    `AND NOT EXISTS (SELECT 1 FROM ${h.dv} AS y WHERE y.r = x.r AND y.f = ${f.fid} AND y.v ${other} x.v) AND (${node.where}) ` +
    `ORDER BY x.v ${dir} LIMIT ${n * WALK_PER_HIT + WALK_MIN}`;
  let seen = 0;
  for (const row of cache.get(sql).iterate(ctx.params) as IterableIterator<{ r: number; v: unknown }>) {
    if (++seen === n) {
      const t = ctx.p(row.v);
      const range = k.desc ? `v <= ${p0} AND v >= ${t}` : `v >= ${p0} AND v <= ${t}`;
      return ` AND d.r IN (SELECT r FROM ${h.dv} WHERE f = ${f.fid} AND ${range})`;
    }
  }
  return '';
}

/**
 * The sort of a search on a point in time: the request's (by score when none) with the
 * implicit `_shard_doc` tiebreaker (here the rowid) appended unless it already orders by it.
 */
export function pitSort(sort: SortKey[]): SortKey[] {
  if (sort.some((k) => k.kind === 'doc')) return sort;
  const base: SortKey[] = sort.length ? sort : [{ kind: 'score', desc: true, missingFirst: false, mode: 'max' }];
  return [...base, { kind: 'doc', desc: false, missingFirst: false, mode: 'min' }];
}
