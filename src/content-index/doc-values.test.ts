/**
 * Doc values (doc-values.ts) must answer exactly what the `_source` scan answers. Two indexes
 * get the same randomised writes (seeded): `dv` with doc values, `scan` without its `v_<id>`
 * table — an index as the code before doc values created it, which reads `_source` for every
 * filter. Random queries (term, terms, range, exists, ids, prefix, wildcard, bool combinations,
 * full text with filters, sorts) must then give the same hits, scores, sort values and totals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';
import type { ContentIndex } from './content-index.js';
import { compileQuery } from './query-compile.js';
import { QueryContext } from './query-context.js';

let seed = 20261207;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const int = (n: number) => Math.floor(rand() * n);
const oneOf = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const maybe = (p: number) => rand() < p;

const CATS = ['alpha', 'beta', 'Beta', 'gamma', 'alphabet', 'delta', 'al', ''] as const;
const TAGS = ['red', 'green', 'blue', 'cyan', 'magenta', 'reddish'] as const;
const TITLES = ['quick brown fox', 'lazy dog', 'quick dog', 'brown cow', 'Fox News'] as const;
const DATES = ['2024-01-01', '2024-01-01T12:00:00Z', '2024-06-15T08:30:00.123Z', '2023-12-31T23:59:59Z', '2025-02-28'] as const;

const MAPPING = {
  properties: {
    cat: { type: 'keyword' },
    tags: { type: 'keyword' },
    price: { type: 'long' },
    ratio: { type: 'double' },
    published: { type: 'date' },
    flag: { type: 'boolean' },
    addr: { type: 'ip' },
  },
};

/** A scalar or an array of them, sometimes null, [] or missing. */
function shape<T>(gen: () => T): unknown {
  const r = rand();
  if (r < 0.12) return undefined;
  if (r < 0.16) return null;
  if (r < 0.19) return [];
  if (r < 0.4) return Array.from({ length: 1 + int(3) }, gen);
  return gen();
}

function randomDoc(): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    cat: shape(() => (maybe(0.1) ? oneOf([7, 12, 7.5]) : oneOf(CATS))),
    tags: shape(() => oneOf(TAGS)),
    price: shape(() => (maybe(0.15) ? String(int(100)) : int(100) - 10)),
    ratio: shape(() => Math.round(rand() * 1000) / 100),
    published: shape(() => (maybe(0.2) ? Date.parse(oneOf(DATES)) + int(3) * 86_400_000 : oneOf(DATES))),
    flag: shape(() => oneOf([true, false, 'true', 'false'])),
    addr: shape(() => `10.0.0.${int(5)}`),
    title: shape(() => oneOf(TITLES)),
    meta: shape(() => ({ level: int(6), kind: oneOf(['a', 'b']) })),
  };
  if (maybe(0.2)) doc['info.code'] = oneOf(['x1', 'x2', 'y1']);
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  return doc;
}

const FIELDS = ['cat', 'tags', 'price', 'ratio', 'published', 'flag', 'addr', 'title.keyword', 'meta.level', 'meta.kind.keyword', 'info.code.keyword'];

function value(field: string): unknown {
  switch (field) {
    case 'price': return maybe(0.2) ? String(int(100)) : int(100) - 10;
    case 'meta.level': return int(6);
    case 'ratio': return Math.round(rand() * 1000) / 100;
    case 'published': return maybe(0.3) ? Date.parse(oneOf(DATES)) : oneOf(DATES);
    case 'flag': return oneOf([true, false, 'true', 'false']);
    case 'addr': return `10.0.0.${int(5)}`;
    case 'tags': return oneOf(TAGS);
    case 'title.keyword': return oneOf(TITLES);
    case 'meta.kind.keyword': return oneOf(['a', 'b']);
    case 'info.code.keyword': return oneOf(['x1', 'x2', 'y1']);
    default: return maybe(0.1) ? oneOf(['7', '12']) : oneOf(CATS);
  }
}

function leaf(): Record<string, unknown> {
  const field = oneOf(FIELDS);
  switch (int(8)) {
    case 0: return { term: { [field]: value(field) } };
    case 1: return { terms: { [field]: Array.from({ length: 1 + int(3) }, () => value(field)) } };
    case 2: {
      if (field === 'flag' || field === 'addr') return { exists: { field } };
      const bounds: Record<string, unknown> = {};
      for (const op of ['gt', 'gte', 'lt', 'lte']) if (maybe(0.4)) bounds[op] = value(field);
      return { range: { [field]: bounds } };
    }
    case 3: return { exists: { field: oneOf([...FIELDS, 'meta', 'title']) } };
    case 4: return { ids: { values: Array.from({ length: 1 + int(5) }, () => `d${int(400)}`) } };
    case 5: {
      const f = oneOf(['cat', 'tags', 'title.keyword', 'info.code.keyword']);
      const v = String(value(f)).slice(0, 1 + int(3));
      return maybe(0.5) ? { prefix: { [f]: { value: v, case_insensitive: maybe(0.3) } } } : { wildcard: { [f]: `${v}*` } };
    }
    case 6: return { match: { title: oneOf(['quick', 'dog', 'fox brown', 'cow']) } };
    default: return { term: { cat: { value: oneOf(CATS), case_insensitive: true } } };
  }
}

function randomQuery(depth = 0): Record<string, unknown> {
  if (depth >= 2 || maybe(0.35)) return leaf();
  const list = () => Array.from({ length: int(3) }, () => randomQuery(depth + 1));
  const bool: Record<string, unknown> = { must: list(), filter: list(), should: list(), must_not: list() };
  if (maybe(0.3)) bool.minimum_should_match = int(3);
  return { bool };
}

function randomSort(): unknown[] | undefined {
  if (maybe(0.4)) return undefined;
  return Array.from({ length: 1 + int(2) }, () => {
    const field = oneOf(['cat', 'tags', 'price', 'ratio', 'published', 'flag', 'title.keyword', 'meta.level', '_score', '_doc']);
    return { [field]: { order: oneOf(['asc', 'desc']), ...(maybe(0.3) ? { mode: oneOf(['min', 'max']) } : {}), ...(maybe(0.3) ? { missing: '_first' } : {}) } };
  });
}

/** Applies the same write to both indexes and checks they answer it alike. */
function both(a: ContentIndex, b: ContentIndex, fn: (ci: ContentIndex, name: string) => unknown): void {
  let ra: unknown;
  let rb: unknown;
  try { ra = fn(a, 'dv'); } catch (e) { ra = String(e); }
  try { rb = fn(b, 'scan'); } catch (e) { rb = String(e); }
  const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'took' || k === '_index' ? undefined : v))) as unknown;
  assert.deepEqual(strip(ra), strip(rb));
}

describe('embedded index: doc values answer as the _source scan does', () => {
  let t: TempIndex;
  let ci: ContentIndex;
  before(() => {
    t = tempIndex({ docValuesBackfill: false });
    t.ci.createIndex('dv', { mappings: MAPPING });
    t.ci.createIndex('scan', { mappings: MAPPING });
    const id = (t.ci.db.prepare("SELECT id FROM ci_indices WHERE name = 'scan'").get() as { id: number }).id;
    t.ci.db.exec(`DROP TABLE v_${id}`); // as an index created before doc values existed
    ci = t.reopen();
  });
  after(() => t.cleanup());

  it('the index without a doc-value table has none, the other one has them', () => {
    assert.equal(ci.handle('scan')!.dv, null);
    assert.ok(ci.handle('dv')!.dv);
  });

  it('randomised writes (bulk, index, update, delete, delete_by_query) and queries agree', async () => {
    let selective = 0; // queries that match some documents but not all: the comparison means something
    for (let round = 0; round < 6; round++) {
      const items = Array.from({ length: 400 }, () => ({ action: 'index' as const, id: `d${int(400)}`, source: randomDoc() }));
      both(ci, ci, (c, name) => c.bulk(items.map((x) => ({ ...x, index: name }))).errors);
      for (let i = 0; i < 60; i++) {
        const id = `d${int(400)}`;
        const op = int(4);
        const doc = randomDoc();
        const tags = shape(() => oneOf(TAGS)) ?? null;
        both(ci, ci, (c, name) => {
          if (op === 0) return c.updateDocument(name, id, { doc }).body.result;
          if (op === 1) return c.deleteDocument(name, id).body.result;
          if (op === 2) return c.updateDocument(name, id, { doc: { tags }, doc_as_upsert: true }).body.result;
          return c.indexDocument(name, id, doc).body.result;
        });
      }
      const dbq = randomQuery(1);
      const [x, y] = [await ci.deleteByQuery('dv', { query: dbq }), await ci.deleteByQuery('scan', { query: dbq })];
      assert.equal(x.deleted, y.deleted, JSON.stringify(dbq));
      const counts = { dv: ci.count('dv').count, scan: ci.count('scan').count };
      assert.equal(counts.dv, counts.scan);
      for (let q = 0; q < 120; q++) {
        const body = { query: randomQuery(), sort: randomSort(), size: 25, track_total_hits: true };
        if (body.sort === undefined) delete body.sort;
        both(ci, ci, (c, name) => c.search(name, body));
        const total = (ci.search('dv', body).hits.total as { value: number }).value;
        if (total > 0 && total < counts.dv) selective++;
        both(ci, ci, (c, name) => c.count(name, { query: body.query }));
      }
    }
    assert.ok(selective > 300, `only ${selective} selective queries`);
  });

  it('the planner drives a common full-text match from a small doc-value filter; results do not change', () => {
    const items = Array.from({ length: 600 }, (_, i) => ({
      action: 'index' as const, id: `p${i}`, source: { title: `planner quick ${i % 3 ? 'dog' : 'fox'}`, cat: i % 100 === 0 ? 'rare' : 'plenty', price: i },
    }));
    both(ci, ci, (c, name) => c.bulk(items.map((x) => ({ ...x, index: name }))).errors);
    const query = { bool: { must: [{ match: { title: 'planner' } }], filter: [{ term: { cat: 'rare' } }, { range: { price: { gte: 0 } } }] } };
    const ctx = new QueryContext(ci.handle('dv')!);
    compileQuery(ctx, query);
    ctx.finish();
    assert.equal(ctx.scored[0].within.length, 1, 'the leaf keeps to the smaller filter');
    assert.match(ctx.ctes.join(' '), /AND rowid IN \(SELECT \d+ \+ r FROM \(SELECT r FROM v_\d+ WHERE f = \d+ AND v = @p1\)\)/);
    // The other way round, a rare word and a broad filter: full text drives.
    const other = new QueryContext(ci.handle('dv')!);
    compileQuery(other, { bool: { must: [{ match: { title: 'fox' } }], filter: [{ term: { cat: 'plenty' } }] } });
    assert.equal(other.scored[0].within.length, 0);
    for (const sort of [undefined, [{ price: 'desc' }], ['_score', { price: 'asc' }]]) {
      both(ci, ci, (c, name) => c.search(name, { query, size: 20, ...(sort ? { sort } : {}) }));
      both(ci, ci, (c, name) => c.search(name, { query: { bool: { should: [query, { term: { cat: 'alpha' } }] } }, size: 20, ...(sort ? { sort } : {}) }));
    }
    assert.equal(ids(ci.search('dv', { query, size: 20 })).length, 6);
  });

  it('doc values follow every write exactly: no row of a deleted document or of a replaced value stays', () => {
    const h = ci.handle('dv')!;
    const stale = ci.db.prepare(`SELECT count(*) AS n FROM ${h.dv} WHERE r NOT IN (SELECT r FROM ${h.docs})`).get() as { n: number };
    assert.equal(stale.n, 0);
    ci.indexDocument('dv', 'exact', { cat: ['one', 'two'], price: 5 });
    ci.updateDocument('dv', 'exact', { doc: { cat: 'three', price: null } });
    const r = (ci.db.prepare(`SELECT r FROM ${h.docs} WHERE id = 'exact'`).get() as { r: number }).r;
    const rows = ci.db.prepare(`SELECT f, v FROM ${h.dv} WHERE r = ? ORDER BY f, v`).all(r) as { f: number; v: unknown }[];
    assert.deepEqual(rows, [{ f: h.fields.get('cat')!.fid, v: 'three' }]);
    assert.equal(ci.count('dv', { query: { term: { cat: 'one' } } }).count, ci.count('scan', { query: { term: { cat: 'one' } } }).count);
    assert.deepEqual(ids(ci.search('dv', { query: { term: { cat: 'three' } } })), ['exact']);
    ci.deleteDocument('dv', 'exact');
    assert.equal((ci.db.prepare(`SELECT count(*) AS n FROM ${h.dv} WHERE r = ?`).get(r) as { n: number }).n, 0);
  });

  it('a field mapped while documents exist reads _source (their values have no doc values)', () => {
    ci.indexDocument('dv', 'late', { late: 'v1', cat: 'x' });
    ci.indexDocument('dv', 'later', { later: 'v1' });
    ci.putMapping('dv', { properties: { late2: { type: 'keyword' } } });
    // `late` was mapped dynamically by the document that brought it: doc values are complete.
    assert.deepEqual(ids(ci.search('dv', { query: { term: { 'late.keyword': 'v1' } } })), ['late']);
    const f = ci.handle('dv')!.fields.get('late2')!;
    assert.ok(f.flags & 8);
  });
});

function ids(res: { hits: Record<string, unknown> }): string[] {
  return (res.hits.hits as { _id: string }[]).map((h) => h._id);
}

describe('embedded index: broad doc-value filters (checked per document) answer as the scan does', () => {
  it('filters most of 12 000 documents pass give the same hits, totals and sorts', () => {
    const t = tempIndex({ docValuesBackfill: false });
    try {
      t.ci.createIndex('dv', { mappings: MAPPING });
      t.ci.createIndex('scan', { mappings: MAPPING });
      const id = (t.ci.db.prepare("SELECT id FROM ci_indices WHERE name = 'scan'").get() as { id: number }).id;
      t.ci.db.exec(`DROP TABLE v_${id}`);
      const ci = t.reopen();
      const items = Array.from({ length: 12_000 }, (_, i) => ({
        action: 'index' as const, id: `b${i}`,
        source: { cat: i % 10 === 0 ? ['alpha', 'beta'] : i % 97 === 0 ? 7 : 'alpha', price: i % 13 === 0 ? String(i) : i, flag: i % 3 === 0, title: 'broad' },
      }));
      for (const name of ['dv', 'scan']) assert.equal(ci.bulk(items.map((x) => ({ ...x, index: name }))).errors, false);
      const queries: unknown[] = [
        { exists: { field: 'cat' } },
        { term: { cat: 'alpha' } },
        { range: { price: { gte: 100 } } },
        { prefix: { cat: 'al' } },
        { terms: { cat: ['alpha', 7] } },
        { bool: { must_not: { exists: { field: 'cat' } } } },
        { bool: { filter: [{ range: { price: { lt: 11_000 } } }, { term: { flag: false } }], must: { match: { title: 'broad' } } } },
      ];
      const ctx = new QueryContext(ci.handle('dv')!);
      assert.match(compileQuery(ctx, queries[0]).where, /^EXISTS \(SELECT 1 FROM v_\d+ WHERE r = d\.r/, 'a broad filter is checked per document');
      for (const query of queries) {
        for (const extra of [{}, { sort: [{ price: 'desc' }] }, { sort: [{ cat: 'asc' }, { price: 'asc' }], from: 30 }, { track_total_hits: true }]) {
          both(ci, ci, (c, name) => c.search(name, { query, size: 15, ...extra }));
        }
        both(ci, ci, (c, name) => c.count(name, { query }));
      }
    } finally {
      t.cleanup();
    }
  });
});
