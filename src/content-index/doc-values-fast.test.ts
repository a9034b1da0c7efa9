/**
 * The doc-value fast paths of search.ts (issue 14's performance work) against a straightforward
 * evaluation of the same documents: counts and first pages read from the doc values' index alone
 * (without DISTINCT when a field holds one value per document), `exists` on a field most
 * documents have, and `match_all` totals from the documents table; aggregations over the
 * matches. Each case runs after deletes and updates, with a field that turns into an array
 * part-way, and under a point in time, where the fast paths must not apply (aggregations
 * included: they once counted documents created after the point in time opened).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';
import { QueryContext } from './query-context.js';
import { compileQuery } from './query-compile.js';

type Src = { cat?: string | string[]; n?: number | number[]; day?: string };
type Hits = { hits: { total: { value: number; relation: string }; hits: { _id: string }[] } };

const N = 14_000; // `cat` on 80 %: above BROAD_FILTER (10 000), so `exists` takes its broad form

describe('doc-value fast paths', () => {
  let t: TempIndex;
  const docs = new Map<string, Src>();

  const put = (id: string, s: Src) => {
    docs.set(id, s);
    return { action: 'index' as const, index: 'f', id, source: s };
  };

  before(() => {
    t = tempIndex();
    t.ci.createIndex('f', { mappings: { properties: { cat: { type: 'keyword' }, n: { type: 'long' }, day: { type: 'date' } } } });
    const items = [];
    for (let i = 0; i < N; i++) {
      const s: Src = { n: (i * 7919) % 1000, day: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() };
      if (i % 5 !== 0) s.cat = `c${i % 7}`;
      items.push(put(`d${i}`, s));
    }
    assert.equal(t.ci.bulk(items).errors, false);
  });
  after(() => t.cleanup());

  const ids = (pred: (s: Src) => boolean) =>
    [...docs].filter(([, s]) => pred(s)).map(([id]) => id).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

  /** Total (uncapped and capped), first page in rowid order, and `_count` agree with the model. */
  function check(query: unknown, pred: (s: Src) => boolean, label: string) {
    const want = ids(pred);
    const all = t.ci.search('f', { query, size: 10, track_total_hits: true }) as unknown as Hits;
    assert.equal(all.hits.total.value, want.length, `${label}: exact total`);
    // Documents keep their rowids unless deleted and re-created, so the first page is the lowest ids among those never re-created.
    assert.deepEqual(new Set(all.hits.hits.map((h) => h._id)).size, Math.min(10, want.length), `${label}: a page of distinct documents`);
    for (const h of all.hits.hits) assert.ok(pred(docs.get(h._id)!), `${label}: ${h._id} matches`);
    const capped = t.ci.search('f', { query, size: 0, track_total_hits: 100 }) as unknown as Hits;
    assert.deepEqual(capped.hits.total, want.length > 100 ? { value: 100, relation: 'gte' } : { value: want.length, relation: 'eq' }, `${label}: capped total`);
    const dflt = t.ci.search('f', { query, size: 3 }) as unknown as Hits;
    assert.deepEqual(dflt.hits.total, want.length > 10_000 ? { value: 10_000, relation: 'gte' } : { value: want.length, relation: 'eq' }, `${label}: default cap`);
    assert.equal(t.ci.count('f', { query }).count, want.length, `${label}: _count`);
  }

  /** A `terms` aggregation on `cat` under the query (its matches written from the doc values) agrees with the model. */
  function checkAgg(query: unknown, pred: (s: Src) => boolean, label: string) {
    const want = new Map<string, number>();
    for (const s of docs.values()) if (pred(s)) for (const c of new Set(list(s.cat))) want.set(c, (want.get(c) ?? 0) + 1);
    const res = t.ci.search('f', { query, size: 0, aggs: { c: { terms: { field: 'cat', size: 50 } } } }) as unknown as {
      aggregations: { c: { buckets: { key: string; doc_count: number }[] } };
    };
    const got = new Map(res.aggregations.c.buckets.map((b) => [b.key, b.doc_count]));
    assert.deepEqual(got, want, `${label}: terms buckets`);
    // Histograms count documents per bucket: once however many of its values fall in it.
    const hist = (values: (s: Src) => number[], width: number) => {
      const m = new Map<number, number>();
      for (const s of docs.values()) if (pred(s)) for (const k of new Set(values(s).map((v) => Math.floor(v / width) * width))) m.set(k, (m.get(k) ?? 0) + 1);
      return new Map([...m].sort((a, b) => a[0] - b[0]));
    };
    const h = t.ci.search('f', { query, size: 0, aggs: {
      n: { histogram: { field: 'n', interval: 100, min_doc_count: 1 } },
      d: { date_histogram: { field: 'day', calendar_interval: 'day', min_doc_count: 1 } },
    } }) as unknown as { aggregations: Record<'n' | 'd', { buckets: { key: number; doc_count: number }[] }> };
    const buckets = (a: 'n' | 'd') => new Map(h.aggregations[a].buckets.map((b) => [b.key, b.doc_count]));
    assert.deepEqual(buckets('n'), hist((s) => list(s.n), 100), `${label}: histogram`);
    assert.deepEqual(buckets('d'), hist((s) => (s.day === undefined ? [] : [Date.parse(s.day)]), 86_400_000), `${label}: date_histogram`);
  }

  const cases: [string, unknown, (s: Src) => boolean][] = [
    ['term', { term: { cat: 'c3' } }, (s) => list(s.cat).includes('c3')],
    ['terms', { terms: { cat: ['c1', 'c2'] } }, (s) => list(s.cat).some((c) => c === 'c1' || c === 'c2')],
    ['range', { range: { n: { gte: 100, lt: 130 } } }, (s) => list(s.n).some((n) => n >= 100 && n < 130)],
    ['exists (broad)', { exists: { field: 'cat' } }, (s) => list(s.cat).length > 0],
    ['exists (every document)', { exists: { field: 'day' } }, (s) => s.day !== undefined],
    ['match_all', { match_all: {} }, () => true],
  ];

  it('single-valued fields count and page without DISTINCT, and agree with the model', () => {
    const h = t.ci.handle('f')!;
    const ctx = new QueryContext(h);
    const where = compileQuery(ctx, { exists: { field: 'cat' } }).where;
    assert.match(where, /^EXISTS/, 'exists on most documents is the broad form');
    assert.ok(ctx.dvSingle.has(where), 'cat has one value per document so far');
    for (const [label, q, pred] of cases) check(q, pred, label);
    for (const [label, q, pred] of cases) checkAgg(q, pred, label);
  });

  it('after deletes and updates the counts follow (no row of a deleted document is counted)', () => {
    const items = [];
    for (let i = 0; i < N; i += 3) {
      docs.delete(`d${i}`);
      items.push({ action: 'delete' as const, index: 'f', id: `d${i}` });
    }
    for (let i = 1; i < N; i += 11) items.push(put(`d${i}`, { cat: 'c3', n: 110, day: docs.get(`d${i}`)?.day }));
    assert.equal(t.ci.bulk(items).errors, false);
    for (const [label, q, pred] of cases) check(q, pred, `${label} after deletes`);
    for (const [label, q, pred] of cases) checkAgg(q, pred, `${label} after deletes`);
  });

  it('a field seen as an array counts each document once (DISTINCT again)', () => {
    const items = [];
    for (let i = 2; i < N; i += 13) items.push(put(`d${i}`, { cat: ['c3', 'c4', 'c3x'], n: [105, 120, 5000], day: docs.get(`d${i}`)?.day }));
    assert.equal(t.ci.bulk(items).errors, false);
    const ctx = new QueryContext(t.ci.handle('f')!);
    assert.ok(!ctx.dvSingle.has(compileQuery(ctx, { term: { cat: 'c3' } }).where), 'cat is no longer single-valued');
    assert.ok(!ctx.dvSingle.has(compileQuery(ctx, { exists: { field: 'cat' } }).where));
    for (const [label, q, pred] of cases) check(q, pred, `${label} with arrays`);
    for (const [label, q, pred] of cases) checkAgg(q, pred, `${label} with arrays`);
  });

  it('under a point in time the view applies: later documents and deletes are not seen', async () => {
    const pit = t.ci.openPit('f', '1m');
    const before = new Map(docs);
    const items = [];
    for (let i = 0; i < 40; i++) items.push(put(`late${i}`, { cat: 'c3', n: 110, day: '2024-02-01T00:00:00Z' }));
    assert.equal(t.ci.bulk(items).errors, false);
    for (const [label, q, pred] of cases) {
      const want = [...before.values()].filter(pred).length;
      const res = (await t.ci.searchAsync('f', { query: q, size: 5, track_total_hits: true, pit: { id: pit } })) as unknown as Hits;
      assert.equal(res.hits.total.value, want, `${label} in the point in time`);
      for (const h of res.hits.hits) assert.ok(!h._id.startsWith('late'), `${label}: ${h._id} was created after the point in time`);
      // Aggregations see the point in time's documents too (match_all included: no shortcut over every doc value).
      const want3 = [...before.values()].filter((s) => pred(s) && list(s.cat).includes('c3')).length;
      const aggd = (await t.ci.searchAsync('f', { query: q, size: 0, pit: { id: pit }, aggs: { c: { terms: { field: 'cat', include: ['c3'] } } } })) as unknown as {
        aggregations: { c: { buckets: { key: string; doc_count: number }[] } };
      };
      assert.deepEqual(aggd.aggregations.c.buckets, want3 ? [{ key: 'c3', doc_count: want3 }] : [], `${label}: terms in the point in time`);
      check(q, pred, `${label} outside it`);
    }
    t.ci.closePit([pit]);
  });
});
