/**
 * Aggregations (docs/embedded-index.md "Aggregations") against references computed here from
 * the documents themselves: seeded random documents with arrays, nulls and missing values; each
 * aggregation's buckets, counts and metrics must equal what the documents say, for the whole
 * index and under a query (the matching set), with sub-aggregations two levels deep.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, throws4xx, type TempIndex } from '../temp-index.fixture.js';
import type { ContentIndex } from '../content-index.js';
import { AGG_TUNING } from './run.js';

let seed = 1207;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const int = (n: number) => Math.floor(rand() * n);
const maybe = (p: number) => rand() < p;

const CATS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'al', 'zeta'];
type Doc = { cat?: string | string[] | null; price?: number | number[]; d?: string | string[]; flag?: boolean; title?: string };
const many = <T>(one: () => T): T | T[] => (maybe(0.3) ? Array.from({ length: 1 + int(3) }, one) : one());

function randomDoc(): Doc {
  const doc: Doc = { title: maybe(0.5) ? 'quick fox' : 'lazy dog' };
  if (maybe(0.85)) doc.cat = maybe(0.05) ? null : (many(() => CATS[int(CATS.length)]!) as string | string[]);
  if (maybe(0.8)) doc.price = many(() => int(500)) as number | number[];
  if (maybe(0.8)) doc.d = many(() => new Date(Date.UTC(2024, 0, 1) + int(400) * 86_400_000 + int(86_400_000)).toISOString()) as string | string[];
  if (maybe(0.7)) doc.flag = maybe(0.5);
  return doc;
}

const vals = (d: Doc, f: 'cat' | 'price' | 'd'): (string | number)[] => {
  const v = d[f];
  if (v === undefined || v === null) return [];
  const list = (Array.isArray(v) ? v : [v]) as (string | number)[];
  return [...new Set(f === 'd' ? list.map((x) => Date.parse(String(x))) : list)];
};

type Bucket = { key: unknown; doc_count: number; key_as_string?: string; [k: string]: unknown };
const agg = (res: { aggregations?: Record<string, unknown> }, name: string) => res.aggregations![name] as Record<string, unknown> & { buckets: Bucket[] };

/** Reference terms: count of docs per value, count desc then key asc. */
function refTerms(docs: Doc[], f: 'cat' | 'price' | 'd'): [string | number, number][] {
  const m = new Map<string | number, number>();
  for (const d of docs) for (const v of vals(d, f)) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// Both plans: values read per matching document (few matches) and the field's index walked.
for (const smallSet of [5000, 0]) describe(`aggregations (small sets up to ${smallSet} documents)`, () => {
  let t: TempIndex;
  let ci: ContentIndex;
  const docs = new Map<string, Doc>();
  before(() => {
    seed = 1207;
    AGG_TUNING.smallSet = smallSet;
    AGG_TUNING.smallShare = smallSet ? 0.25 : 0;
    t = tempIndex();
    ci = t.ci;
    ci.createIndex('a', { mappings: { properties: { cat: { type: 'keyword' }, price: { type: 'long' }, d: { type: 'date' }, flag: { type: 'boolean' }, title: { type: 'text' } } } });
    for (let i = 0; i < 600; i++) docs.set(`d${i}`, randomDoc());
    const r = ci.bulk([...docs].map(([id, source]) => ({ action: 'index' as const, index: 'a', id, source })));
    assert.equal(r.errors, false);
  });
  after(() => {
    AGG_TUNING.smallSet = 5000;
    AGG_TUNING.smallShare = 0.25;
    t.cleanup();
  });
  const all = () => [...docs.values()];
  const quick = () => all().filter((d) => d.title === 'quick fox');

  it('terms: buckets, sizes, sum_other_doc_count, order, min_doc_count, missing, include/exclude', () => {
    for (const [query, set] of [[undefined, all()], [{ match: { title: 'quick' } }, quick()]] as const) {
      const ref = refTerms(set, 'cat');
      const res = ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', size: 3 } } } });
      const t3 = agg(res, 't');
      assert.equal(t3.doc_count_error_upper_bound, 0);
      assert.deepEqual(t3.buckets, ref.slice(0, 3).map(([key, doc_count]) => ({ key, doc_count })));
      assert.equal(t3.sum_other_doc_count, ref.slice(3).reduce((s, x) => s + x[1], 0));
      const byKey = agg(ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', order: { _key: 'desc' }, size: 100 } } } }), 't');
      assert.deepEqual(byKey.buckets.map((b) => b.key), ref.map((x) => x[0]).sort().reverse());
      const asc = agg(ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', order: [{ _count: 'asc' }, { _key: 'asc' }], size: 100 } } } }), 't');
      assert.deepEqual(asc.buckets.map((b) => [b.key, b.doc_count]), [...ref].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)));
      const missingN = set.filter((d) => vals(d, 'cat').length === 0).length;
      assert.ok(missingN > 0);
      const withMissing = agg(ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', missing: 'NONE', size: 100 } } } }), 't');
      assert.equal(withMissing.buckets.find((b) => b.key === 'NONE')?.doc_count, missingN);
      const inc = agg(ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', include: 'al.*', exclude: ['alpha'], size: 100 } } } }), 't');
      assert.deepEqual(inc.buckets.map((b) => b.key).sort(), ref.map((x) => x[0]).filter((k) => /^al.*$/.test(String(k)) && k !== 'alpha').sort());
      const min = agg(ci.search('a', { size: 0, query, aggs: { t: { terms: { field: 'cat', min_doc_count: 1000 } } } }), 't');
      assert.deepEqual(min.buckets, []);
    }
    // Numbers and booleans: numeric keys, booleans with key_as_string.
    const prices = agg(ci.search('a', { size: 0, aggs: { t: { terms: { field: 'price', size: 5 } } } }), 't');
    assert.deepEqual(prices.buckets.map((b) => [b.key, b.doc_count]), refTerms(all(), 'price').slice(0, 5));
    const flags = agg(ci.search('a', { size: 0, aggs: { t: { terms: { field: 'flag' } } } }), 't');
    for (const b of flags.buckets) {
      assert.equal(b.key_as_string, b.key === 1 ? 'true' : 'false');
      assert.equal(b.doc_count, all().filter((d) => d.flag === (b.key === 1)).length);
    }
  });

  it('metrics: value_count, min, max, avg, sum, stats, cardinality, and the missing aggregation', () => {
    for (const [query, set] of [[undefined, all()], [{ match: { title: 'quick' } }, quick()]] as const) {
      const values = set.flatMap((d) => vals(d, 'price') as number[]);
      const res = ci.search('a', {
        size: 0, query,
        aggs: {
          c: { value_count: { field: 'price' } }, mn: { min: { field: 'price' } }, mx: { max: { field: 'price' } }, av: { avg: { field: 'price' } },
          su: { sum: { field: 'price' } }, st: { stats: { field: 'price' } }, ca: { cardinality: { field: 'cat' } }, mi: { missing: { field: 'price' } },
          md: { min: { field: 'd' } },
        },
      });
      const sum = values.reduce((s, x) => s + x, 0);
      assert.equal(agg(res, 'c').value, values.length);
      assert.equal(agg(res, 'mn').value, Math.min(...values));
      assert.equal(agg(res, 'mx').value, Math.max(...values));
      assert.equal(agg(res, 'su').value, sum);
      assert.ok(Math.abs((agg(res, 'av').value as number) - sum / values.length) < 1e-9);
      assert.deepEqual(agg(res, 'st'), { count: values.length, min: Math.min(...values), max: Math.max(...values), avg: agg(res, 'av').value, sum });
      assert.equal(agg(res, 'ca').value, new Set(set.flatMap((d) => vals(d, 'cat'))).size);
      assert.equal(agg(res, 'mi').doc_count, set.filter((d) => vals(d, 'price').length === 0).length);
      const minDate = Math.min(...set.flatMap((d) => vals(d, 'd') as number[]));
      assert.deepEqual(agg(res, 'md'), { value: minDate, value_as_string: new Date(minDate).toISOString() });
    }
    const none = ci.search('a', { size: 0, query: { match_none: {} }, aggs: { mn: { min: { field: 'price' } }, s: { sum: { field: 'price' } }, c: { value_count: { field: 'price' } } } });
    assert.deepEqual(none.aggregations, { mn: { value: null }, s: { value: 0 }, c: { value: 0 } });
  });

  it('range, histogram, filter, filters', () => {
    const set = all();
    const inRange = (d: Doc, lo?: number, hi?: number) => (vals(d, 'price') as number[]).some((v) => (lo === undefined || v >= lo) && (hi === undefined || v < hi));
    const r = agg(ci.search('a', { size: 0, aggs: { r: { range: { field: 'price', ranges: [{ to: 100 }, { from: 100, to: 250 }, { from: 250, key: 'high' }] } } } }), 'r');
    assert.deepEqual(r.buckets, [
      { key: '*-100.0', to: 100, doc_count: set.filter((d) => inRange(d, undefined, 100)).length },
      { key: '100.0-250.0', from: 100, to: 250, doc_count: set.filter((d) => inRange(d, 100, 250)).length },
      { key: 'high', from: 250, doc_count: set.filter((d) => inRange(d, 250)).length },
    ]);
    const h = agg(ci.search('a', { size: 0, aggs: { h: { histogram: { field: 'price', interval: 50, extended_bounds: { min: 0, max: 600 } } } } }), 'h');
    assert.deepEqual(h.buckets.map((b) => b.key), Array.from({ length: 13 }, (_, i) => i * 50));
    for (const b of h.buckets) assert.equal(b.doc_count, set.filter((d) => inRange(d, b.key as number, (b.key as number) + 50)).length);
    const f = ci.search('a', { size: 0, aggs: { f: { filter: { term: { cat: 'beta' } }, aggs: { s: { sum: { field: 'price' } } } }, fs: { filters: { filters: [{ term: { flag: true } }, { match: { title: 'lazy' } }], other_bucket_key: 'rest' } } } });
    const beta = set.filter((d) => vals(d, 'cat').includes('beta'));
    assert.deepEqual(agg(f, 'f'), { doc_count: beta.length, s: { value: beta.flatMap((d) => vals(d, 'price') as number[]).reduce((s, x) => s + x, 0) } });
    assert.deepEqual(agg(f, 'fs').buckets, [
      { doc_count: set.filter((d) => d.flag === true).length },
      { doc_count: set.filter((d) => d.title === 'lazy dog').length },
      { doc_count: set.filter((d) => d.flag !== true && d.title !== 'lazy dog').length },
    ]);
  });

  it('date_histogram: calendar and fixed intervals, UTC offsets and IANA zones, format, min_doc_count; date_range', () => {
    const set = all();
    const dates = (d: Doc) => vals(d, 'd') as number[];
    const check = (body: Record<string, unknown>, keyOf: (t: number) => number, fmt?: (k: number) => string) => {
      const res = agg(ci.search('a', { size: 0, aggs: { h: { date_histogram: { field: 'd', min_doc_count: 1, ...body } } } }), 'h');
      const m = new Map<number, number>();
      for (const d of set) for (const k of new Set(dates(d).map(keyOf))) m.set(k, (m.get(k) ?? 0) + 1);
      const ref = [...m].sort((a, b) => a[0] - b[0]);
      assert.deepEqual(res.buckets.map((b) => [b.key, b.doc_count]), ref, JSON.stringify(body));
      if (fmt) for (const b of res.buckets) assert.equal(b.key_as_string, fmt(b.key as number));
      return res;
    };
    const month = (t: number) => { const x = new Date(t); return Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1); };
    check({ calendar_interval: 'month' }, month, (k) => new Date(k).toISOString());
    check({ calendar_interval: '1d', format: 'yyyy-MM-dd' }, (t) => Math.floor(t / 86_400_000) * 86_400_000, (k) => new Date(k).toISOString().slice(0, 10));
    check({ fixed_interval: '12h' }, (t) => Math.floor(t / 43_200_000) * 43_200_000);
    const plus2 = 2 * 3_600_000;
    check({ calendar_interval: 'day', time_zone: '+02:00' }, (t) => Math.floor((t + plus2) / 86_400_000) * 86_400_000 - plus2,
      (k) => new Date(k + plus2).toISOString().slice(0, 23) + '+02:00');
    // Europe/Paris: +01:00 in winter, +02:00 in summer.
    const paris = (t: number) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      const localMidnight = Date.UTC(Number(p.year), Number(p.month) - 1, 1);
      for (const off of [3_600_000, 7_200_000]) {
        const k = localMidnight - off;
        const q = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hourCycle: 'h23', hour: 'numeric', day: 'numeric' }).formatToParts(new Date(k)).map((x) => [x.type, x.value]));
        if (Number(q.hour) === 0 && Number(q.day) === 1) return k;
      }
      throw new Error('no midnight');
    };
    check({ calendar_interval: 'month', time_zone: 'Europe/Paris' }, paris);
    const empty = agg(ci.search('a', { size: 0, query: { match_none: {} }, aggs: { h: { date_histogram: { field: 'd', calendar_interval: 'month', extended_bounds: { min: '2024-01-01', max: '2024-03-15' } } } } }), 'h');
    assert.deepEqual(empty.buckets.map((b) => [b.key_as_string, b.doc_count]), [['2024-01-01T00:00:00.000Z', 0], ['2024-02-01T00:00:00.000Z', 0], ['2024-03-01T00:00:00.000Z', 0]]);
    const cut = Date.UTC(2024, 6, 1);
    const dr = agg(ci.search('a', { size: 0, aggs: { r: { date_range: { field: 'd', ranges: [{ to: '2024-07-01' }, { from: '2024-07-01' }] } } } }), 'r');
    assert.deepEqual(dr.buckets, [
      { key: '*-2024-07-01T00:00:00.000Z', to: cut, to_as_string: '2024-07-01T00:00:00.000Z', doc_count: set.filter((d) => dates(d).some((x) => x < cut)).length },
      { key: '2024-07-01T00:00:00.000Z-*', from: cut, from_as_string: '2024-07-01T00:00:00.000Z', doc_count: set.filter((d) => dates(d).some((x) => x >= cut)).length },
    ]);
  });

  it('sub-aggregations two levels deep, meta, post_filter not applied to aggregations, top_hits', () => {
    const res = ci.search('a', {
      size: 1, post_filter: { term: { flag: true } },
      aggs: {
        t: {
          meta: { color: 'blue' }, terms: { field: 'cat', size: 3 },
          aggs: { f: { terms: { field: 'flag' }, aggs: { p: { max: { field: 'price' } }, top: { top_hits: { size: 2, sort: [{ price: 'desc' }], _source: ['price'] } } } } },
        },
      },
    });
    assert.equal((res.hits.total as { value: number }).value, all().filter((d) => d.flag === true).length);
    const t1 = agg(res, 't');
    assert.deepEqual(t1.meta, { color: 'blue' });
    const ref = refTerms(all(), 'cat').slice(0, 3);
    assert.deepEqual(t1.buckets.map((b) => [b.key, b.doc_count]), ref);
    for (const b of t1.buckets) {
      const inCat = all().filter((d) => vals(d, 'cat').includes(b.key as string));
      const sub = (b.f as { buckets: Bucket[] }).buckets;
      for (const s of sub) {
        const docs2 = inCat.filter((d) => d.flag === (s.key === 1));
        assert.equal(s.doc_count, docs2.length);
        const prices = docs2.flatMap((d) => vals(d, 'price') as number[]);
        assert.equal((s.p as { value: number | null }).value, prices.length ? Math.max(...prices) : null);
        const top = (s.top as { hits: { total: { value: number }; hits: { sort: number[]; _source: Record<string, unknown> }[] } }).hits;
        assert.equal(top.total.value, docs2.length);
        const maxes = docs2.map((d) => vals(d, 'price') as number[]).filter((v) => v.length).map((v) => Math.max(...v)).sort((x, y) => y - x);
        assert.deepEqual(top.hits.map((h) => h.sort[0]), maxes.slice(0, 2));
        for (const h of top.hits) assert.deepEqual(Object.keys(h._source), ['price']);
      }
    }
  });

  it('the search timeout covers aggregations: timeout 0ms answers timed_out: true with partial buckets', () => {
    const aggs = { t: { terms: { field: 'cat' }, aggs: { h: { date_histogram: { field: 'd', calendar_interval: 'day' } } } } };
    const full = ci.search('a', { size: 0, aggs });
    assert.equal(full.timed_out, false);
    const cut = ci.search('a', { size: 0, aggs, timeout: '0ms' });
    assert.equal(cut.timed_out, true);
    const docs0 = (r: typeof full) => agg(r, 't').buckets.reduce((s, b) => s + b.doc_count, 0);
    assert.ok(docs0(cut) < docs0(full), `${docs0(cut)} < ${docs0(full)}`);
  });

  it('a scroll has the aggregations on its first page only', async () => {
    const first = (await ci.searchAsync('a', { size: 50, sort: ['_doc'], aggs: { c: { cardinality: { field: 'cat' } } } }, { scroll: '1m' })) as Record<string, unknown>;
    assert.deepEqual(first.aggregations, { c: { value: new Set(all().flatMap((d) => vals(d, 'cat'))).size } });
    const next = await ci.scrollAsync(String(first._scroll_id), '1m', false);
    assert.equal((next.hits as { hits: unknown[] }).hits.length, 50);
    assert.equal(next.aggregations, undefined);
  });

  it('typed_keys prefixes names with the result type; empty aggs add nothing', () => {
    const res = ci.search('a', { size: 0, aggs: { c: { terms: { field: 'cat' }, aggs: { p: { terms: { field: 'price' } } } }, x: { terms: { field: 'nope' } }, m: { max: { field: 'price' } } } }, { typed_keys: true });
    assert.deepEqual(Object.keys(res.aggregations!).sort(), ['max#m', 'sterms#c', 'umterms#x']);
    const b = (res.aggregations!['sterms#c'] as { buckets: Record<string, unknown>[] }).buckets[0]!;
    assert.ok('lterms#p' in b);
    assert.equal(ci.search('a', { size: 0, aggs: {} }).aggregations, undefined);
  });

  it('refuses what Elasticsearch refuses, with its wording', () => {
    throws4xx(() => ci.search('a', { aggs: { x: { nope: { field: 'cat' } } } }), 'x_content_parse_exception', 'Unknown aggregation type [nope]');
    throws4xx(() => ci.search('a', { aggs: { x: { terms: { field: 'title' } } } }), 'illegal_argument_exception', /^Text fields are not optimised for operations/);
    throws4xx(() => ci.search('a', { aggs: { x: { terms: { field: 'cat' }, avg: { field: 'price' } } } }), 'parsing_exception', 'Found two aggregation type definitions in [x]: [terms] and [avg]');
    throws4xx(() => ci.search('a', { aggs: { x: { avg: { field: 'cat' } } } }), 'illegal_argument_exception', /is not supported for aggregation \[avg\]/);
    throws4xx(() => ci.search('a', { aggs: { x: { terms: { field: 'cat', include: '(a' } } } }), 'illegal_argument_exception', /invalid regular expression/);
    throws4xx(() => ci.search('a', { aggs: { x: { date_histogram: { field: 'd', calendar_interval: '3d' } } } }), 'illegal_argument_exception', /could not be parsed as a calendar interval/);
    throws4xx(() => ci.search('a', { aggs: { x: { date_histogram: { field: 'd', fixed_interval: '1d', time_zone: 'Mars/Base' } } } }), 'illegal_argument_exception', 'Unknown time-zone ID: Mars/Base');
    const e = throws4xx(() => ci.search('a', { size: 0, aggs: { x: { histogram: { field: 'price', interval: 0.001 } } } }), 'too_many_buckets_exception', /^Trying to create too many buckets. Must be less than or equal to: \[65536\]/);
    assert.equal(e.extra?.max_buckets, 65536);
    let deep: Record<string, unknown> = { m: { max: { field: 'price' } } };
    for (let i = 0; i < 9; i++) deep = { [`l${i}`]: { terms: { field: 'cat' }, aggs: deep } };
    throws4xx(() => ci.search('a', { aggs: deep }), 'illegal_argument_exception', /nested more than \[8\] levels/);
    const wide = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, { max: { field: 'price' } }]));
    throws4xx(() => ci.search('a', { aggs: wide }), 'illegal_argument_exception', /at most \[100\] aggregations/);
    // Unmapped fields have no values, as in Elasticsearch.
    assert.deepEqual(ci.search('a', { size: 0, aggs: { x: { terms: { field: 'nope' } } } }).aggregations, { x: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [] } });
  });
});
