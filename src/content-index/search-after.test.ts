/**
 * `search_after` (search-after.ts) against the full sort: seeded random documents with
 * multi-valued fields (the sort key is the minimum, or the maximum for `desc`), missing values,
 * ties and deletes, in an index with doc values (the index-range seek) and one without (the
 * keyset condition over the `_source` scan). Every walk must equal the one-page sorted result:
 * same ids in the same order, no duplicate, nothing missed — and the doc-value walk must seek.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const int = (n: number) => Math.floor(rand() * n);

const MAPPING = { properties: { x: { type: 'long' }, k: { type: 'keyword' }, d: { type: 'date' }, n: { type: 'long' }, y: { type: 'long' }, t: { type: 'text' } } };
const N = 1500;

function randomDoc(i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { n: i, t: i % 4 === 0 ? 'alpha beta' : 'gamma' };
  const r = rand();
  if (r < 0.1) return out; // no sort values at all
  out.y = r < 0.6 ? [int(5000), int(5000), int(5000)] : int(5000); // few ties, many arrays
  out.x = r < 0.4 ? [int(20), int(20), int(20)] : int(20);
  out.k = r < 0.3 ? [`k${int(9)}`, `k${int(9)}`] : `k${int(9)}`;
  if (r > 0.2) out.d = new Date(Date.UTC(2024, 0, 1 + int(30))).toISOString();
  return out;
}

describe('embedded index: search_after walks equal the full sort', () => {
  let t: TempIndex;
  const prepared: string[] = [];
  before(() => {
    t = tempIndex({ docValuesBackfill: false, search: { threads: 0 } });
    t.ci.createIndex('dv', { mappings: MAPPING });
    t.ci.createIndex('scan', { mappings: MAPPING });
    const id = (t.ci.db.prepare("SELECT id FROM ci_indices WHERE name = 'scan'").get() as { id: number }).id;
    t.ci.db.exec(`DROP TABLE v_${id}`); // as an index created before doc values existed
    t.reopen();
    const items = Array.from({ length: N }, (_, i) => ({ action: 'index' as const, id: `d${i}`, source: randomDoc(i) }));
    for (const name of ['dv', 'scan']) assert.equal(t.ci.bulk(items.map((x) => ({ ...x, index: name }))).errors, false);
    for (let i = 0; i < N; i += 7) for (const name of ['dv', 'scan']) t.ci.deleteDocument(name, `d${i}`);
    const db = t.ci.db as unknown as { prepare: (sql: string) => unknown };
    const prepare = db.prepare.bind(db);
    db.prepare = (sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    };
  });
  after(() => t.cleanup());

  const sorts: unknown[][] = [
    [{ x: 'asc' }, { n: 'asc' }],
    [{ x: 'desc' }, { n: 'desc' }],
    [{ x: { order: 'asc', missing: '_first' } }, { n: 'desc' }],
    [{ k: 'asc' }, { x: 'desc' }, { n: 'asc' }],
    [{ k: 'desc' }, { n: 'asc' }],
    [{ d: 'asc' }, { n: 'asc' }],
    [{ x: { order: 'asc', mode: 'max' } }, { n: 'asc' }],
    [{ y: 'asc' }, { n: 'asc' }],
    [{ y: 'desc' }, { n: 'asc' }],
    [{ _doc: 'asc' }],
  ];
  const queries = [{ match_all: {} }, { range: { n: { gte: 200 } } }, { match: { t: 'alpha' } }];

  for (const name of ['dv', 'scan']) {
    it(`${name}: every sort and query, pages of several sizes`, () => {
      for (const sort of sorts) {
        for (const query of queries) {
          const full = t.ci.search(name, { query, sort, size: 10_000, _source: false }).hits.hits as { _id: string; sort: unknown[] }[];
          for (const size of [1, 13, 250]) {
            const ids: string[] = [];
            let last: unknown[] | undefined;
            for (let guard = 0; guard < 2000; guard++) {
              const hits = t.ci.search(name, { query, sort, size, _source: false, ...(last ? { search_after: last } : {}) }).hits.hits as { _id: string; sort: unknown[] }[];
              if (!hits.length) break;
              ids.push(...hits.map((h) => h._id));
              last = hits[hits.length - 1].sort;
            }
            assert.deepEqual(ids, full.map((h) => h._id), `${name} ${JSON.stringify(sort)} ${JSON.stringify(query)} size ${size}`);
          }
        }
      }
    });
  }

  it('the doc-value index seeks: a deep page reads the (f, v) index from the given value', () => {
    prepared.length = 0;
    const page = t.ci.search('dv', { sort: [{ x: 'asc' }, { n: 'asc' }], search_after: [15, 0], size: 5, _source: false, track_total_hits: false });
    assert.equal((page.hits.hits as unknown[]).length, 5);
    assert.ok(prepared.some((sql) => /x\.v > @\w+ AND NOT EXISTS/.test(sql)), 'the index walk from the value ran');
    assert.ok(prepared.some((sql) => /v >= @\w+ AND v <= @\w+/.test(sql)), 'the page reads an index range');
  });

  it('dates take epoch millis or a date string', () => {
    const ms = Date.UTC(2024, 0, 15);
    const a = t.ci.search('dv', { sort: [{ d: 'asc' }, { n: 'asc' }], search_after: [ms, 0], size: 3 }).hits.hits;
    const b = t.ci.search('dv', { sort: [{ d: 'asc' }, { n: 'asc' }], search_after: ['2024-01-15T00:00:00Z', 0], size: 3 }).hits.hits;
    assert.deepEqual(b, a);
    assert.ok((a as { sort: number[] }[]).every((h) => h.sort[0] >= ms));
  });
});
