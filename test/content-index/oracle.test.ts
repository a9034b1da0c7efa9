/**
 * The embedded index against a straightforward in-memory evaluation of the same documents
 * (issue 14's correctness requirement): seeded random documents (arrays, nulls, missing
 * fields) and seeded random queries — term, terms, range, exists, ids, prefix, match (and / or,
 * fuzziness), fuzzy on keywords, bool nested three levels — each checked for the exact set of
 * matching ids; under each query, terms / range / min / max / sum aggregations, collapse and
 * function_score (field_value_factor, decay) against the model's answers.
 * `ORACLE_SEED` replays another seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { editDistance } from '../../src/content-index/edit-distance.js';
import { tempIndex, type TempIndex } from '../../src/content-index/temp-index.fixture.js';
import { Rng } from '../fuzz/helpers/prng.js';

const SEED = Number(process.env.ORACLE_SEED ?? 14_05);
const DOCS = 400;
const QUERIES = 150;
const WORDS = ['apple', 'apply', 'maple', 'table', 'cable', 'sable', 'fable', 'river', 'rover', 'liver', 'lover', 'stone', 'store', 'story', 'glory', 'field', 'yield', 'wield'];
const TAGS = ['a', 'b', 'c', 'd', 'e', 'f', 'ab', 'abc', 'ba'];
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

interface Doc {
  id: string;
  title?: string;
  tags?: string[] | string | null;
  n?: number | number[] | null;
  rank: number;
  day?: string;
  flag?: boolean;
}

type Query = Record<string, unknown>;

describe('embedded index: random queries against an in-memory model', () => {
  const rng = new Rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)];
  const docs: Doc[] = [];
  let t: TempIndex;

  before(() => {
    for (let i = 0; i < DOCS; i++) {
      const d: Doc = { id: `d${i}`, rank: i * 7919 % DOCS };
      if (rng.chance(0.9)) d.title = Array.from({ length: rng.int(1, 5) }, () => pick(WORDS)).join(' ');
      const tagRoll = rng.next();
      if (tagRoll < 0.6) d.tags = Array.from({ length: rng.int(0, 3) }, () => pick(TAGS));
      else if (tagRoll < 0.8) d.tags = pick(TAGS);
      else if (tagRoll < 0.85) d.tags = null;
      const nRoll = rng.next();
      if (nRoll < 0.6) d.n = rng.int(-50, 50);
      else if (nRoll < 0.8) d.n = [rng.int(-50, 50), rng.int(-50, 50)];
      else if (nRoll < 0.85) d.n = null;
      if (rng.chance(0.85)) d.day = new Date(T0 + rng.int(0, 60) * DAY).toISOString();
      if (rng.chance(0.7)) d.flag = rng.chance(0.5);
      docs.push(d);
    }
    t = tempIndex();
    t.ci.createIndex('o', { mappings: { properties: {
      title: { type: 'text' }, tags: { type: 'keyword' }, n: { type: 'long' }, rank: { type: 'long' }, day: { type: 'date' }, flag: { type: 'boolean' },
    } } });
    const res = t.ci.bulk(docs.map(({ id, ...source }) => ({ action: 'index' as const, index: 'o', id, source })));
    assert.equal(res.errors, false);
  });
  after(() => t.cleanup());

  // ---- the model ----------------------------------------------------------------------------
  const list = <T>(v: T | T[] | null | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  const valuesOf = (d: Doc, field: string): (string | number | boolean)[] => {
    if (field === 'day') return d.day === undefined ? [] : [Date.parse(d.day)];
    if (field === 'flag') return d.flag === undefined ? [] : [d.flag];
    return list((d as unknown as Record<string, string | number | (string | number)[] | null | undefined>)[field]);
  };
  const tokens = (d: Doc) => (d.title ?? '').split(' ').filter(Boolean);
  const fuzzyHas = (d: Doc, word: string, edits: number) => tokens(d).some((w) => editDistance(word, w, edits) <= edits);

  function matches(d: Doc, q: Query): boolean {
    const [type, body] = Object.entries(q)[0] as [string, Record<string, unknown>];
    switch (type) {
      case 'match_all': return true;
      case 'term': { const [f, v] = Object.entries(body)[0]; return valuesOf(d, f).some((x) => x === v); }
      case 'terms': { const [f, vs] = Object.entries(body)[0] as [string, unknown[]]; return valuesOf(d, f).some((x) => vs.includes(x)); }
      case 'range': {
        const [f, r] = Object.entries(body)[0] as [string, { gte?: number | string; lt?: number | string }];
        const num = (x: number | string) => (typeof x === 'string' ? Date.parse(x) : x);
        return valuesOf(d, f).some((x) => (r.gte === undefined || (x as number) >= num(r.gte)) && (r.lt === undefined || (x as number) < num(r.lt)));
      }
      case 'exists': return valuesOf(d, String(body.field)).length > 0;
      case 'ids': return (body.values as string[]).includes(d.id);
      case 'prefix': { const [f, v] = Object.entries(body)[0] as [string, string]; return valuesOf(d, f).some((x) => String(x).startsWith(v)); }
      case 'match': {
        const o = body.title as { query: string; operator?: string; fuzziness?: number };
        const words = o.query.split(' ');
        const has = (w: string) => (o.fuzziness ? fuzzyHas(d, w, o.fuzziness) : tokens(d).includes(w));
        return o.operator === 'and' ? words.every(has) : words.some(has);
      }
      case 'fuzzy': { const v = (body.tags as { value: string }).value; return valuesOf(d, 'tags').some((x) => editDistance(v, String(x), 1) <= 1); }
      case 'bool': {
        const all = (k: string) => list(body[k] as Query[] | undefined);
        const should = all('should');
        const msm = body.minimum_should_match !== undefined ? Number(body.minimum_should_match) : all('must').length + all('filter').length === 0 ? (should.length ? 1 : 0) : 0;
        return all('must').every((x) => matches(d, x)) && all('filter').every((x) => matches(d, x))
          && !all('must_not').some((x) => matches(d, x)) && should.filter((x) => matches(d, x)).length >= msm;
      }
      default: throw new Error(`model has no ${type}`);
    }
  }

  function leaf(): Query {
    switch (rng.int(0, 9)) {
      case 0: return { term: { tags: pick(TAGS) } };
      case 1: return { terms: { tags: [pick(TAGS), pick(TAGS)] } };
      case 2: { const lo = rng.int(-60, 40); return { range: { n: { gte: lo, lt: lo + rng.int(1, 40) } } }; }
      case 3: { const lo = rng.int(0, 55); return { range: { day: { gte: new Date(T0 + lo * DAY).toISOString(), lt: new Date(T0 + (lo + rng.int(1, 20)) * DAY).toISOString() } } }; }
      case 4: return { exists: { field: pick(['tags', 'n', 'day', 'flag', 'title']) } };
      case 5: return rng.chance(0.5) ? { term: { flag: rng.chance(0.5) } } : { ids: { values: [`d${rng.int(0, DOCS)}`, `d${rng.int(0, DOCS)}`] } };
      case 6: return { prefix: { tags: pick(['a', 'ab', 'b']) } };
      case 7: return { match: { title: { query: `${pick(WORDS)} ${pick(WORDS)}`, operator: rng.chance(0.5) ? 'and' : 'or' } } };
      case 8: return { match: { title: { query: pick(WORDS).replace(/^(.)(.)/, '$2$1'), fuzziness: 1 } } };
      default: return rng.chance(0.5) ? { fuzzy: { tags: { value: pick(['abd', 'bb', 'ca', 'x']), fuzziness: 1 } } } : { term: { n: rng.int(-50, 50) } };
    }
  }

  function query(depth = 0): Query {
    if (depth >= 3 || rng.chance(0.4)) return leaf();
    const clauses = () => Array.from({ length: rng.int(0, 2) }, () => query(depth + 1));
    const bool: Record<string, unknown> = {};
    for (const k of ['must', 'filter', 'should', 'must_not']) if (rng.chance(0.5)) bool[k] = clauses();
    if (rng.chance(0.2) && Array.isArray(bool.should) && bool.should.length) bool.minimum_should_match = rng.int(1, bool.should.length);
    return { bool };
  }

  const engineIds = (q: Query) => ((t.ci.search('o', { query: q, size: DOCS, track_total_hits: true, _source: false }) as any).hits.hits as { _id: string }[]).map((h) => h._id).sort();

  it(`${QUERIES} random queries match exactly the model's documents (seed ${SEED})`, () => {
    let nonEmpty = 0;
    for (let i = 0; i < QUERIES; i++) {
      const q = query();
      const want = docs.filter((d) => matches(d, q)).map((d) => d.id).sort();
      if (want.length) nonEmpty++;
      assert.deepEqual(engineIds(q), want, `query ${i}: ${JSON.stringify(q)}`);
    }
    assert.ok(nonEmpty > QUERIES / 3, 'the queries are not all empty');
  });

  it('aggregations under random queries agree with the model', () => {
    for (let i = 0; i < 40; i++) {
      const q = query(1);
      const set = docs.filter((d) => matches(d, q));
      const res = (t.ci.search('o', { query: q, size: 0, aggs: {
        tags: { terms: { field: 'tags', size: 100 } },
        n: { stats: { field: 'n' } },
        r: { range: { field: 'n', ranges: [{ to: 0 }, { from: 0, to: 25 }, { from: 25 }] } },
      } }) as any).aggregations;
      const counts = new Map<string, number>();
      for (const d of set) for (const v of new Set(valuesOf(d, 'tags'))) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      const buckets = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, doc_count]) => ({ key, doc_count }));
      assert.deepEqual(res.tags.buckets, buckets, `query ${i}: ${JSON.stringify(q)}`);
      // A document's equal values count once (doc values keep distinct (document, value) pairs;
      // Elasticsearch would count [5, 5] twice: docs/embedded-index.md "Differences").
      const ns = set.flatMap((d) => [...new Set(valuesOf(d, 'n') as number[])]);
      assert.equal(res.n.count, ns.length);
      assert.equal(res.n.min, ns.length ? Math.min(...ns) : null);
      assert.equal(res.n.max, ns.length ? Math.max(...ns) : null);
      assert.equal(res.n.sum, ns.reduce((a, b) => a + b, 0));
      const inRange = (lo: number, hi: number) => set.filter((d) => (valuesOf(d, 'n') as number[]).some((x) => x >= lo && x < hi)).length;
      assert.deepEqual(res.r.buckets.map((b: { doc_count: number }) => b.doc_count), [inRange(-Infinity, 0), inRange(0, 25), inRange(25, Infinity)]);
    }
  });

  it('collapse under random queries: one hit per group, the group\'s first in the sort', () => {
    for (let i = 0; i < 30; i++) {
      const q = query(1);
      const field = pick(['tags', 'n', 'flag', 'day']);
      const res = (t.ci.search('o', { query: q, size: DOCS, collapse: { field }, sort: [{ rank: 'asc' }], _source: false }) as any).hits.hits as { _id: string }[];
      const heads = new Map<string, Doc>();
      const key = (d: Doc) => {
        const vs = valuesOf(d, field);
        return vs.length === 0 ? 'null' : String(vs.reduce((a, b) => (a < b ? a : b)));
      };
      for (const d of docs.filter((x) => matches(x, q)).sort((a, b) => a.rank - b.rank)) if (!heads.has(key(d))) heads.set(key(d), d);
      const want = [...heads.values()].sort((a, b) => a.rank - b.rank).map((d) => d.id);
      assert.deepEqual(res.map((h) => h._id), want, `query ${i} collapse ${field}: ${JSON.stringify(q)}`);
    }
  });

  it('function_score scores agree with the model (field_value_factor, linear decay on dates)', () => {
    for (let i = 0; i < 10; i++) {
      const q = query(1);
      const factor = rng.int(1, 5);
      const res = (t.ci.search('o', { query: { function_score: { query: q, functions: [
        { field_value_factor: { field: 'rank', factor, modifier: 'log1p' } },
        { linear: { day: { origin: new Date(T0 + 30 * DAY).toISOString(), scale: '10d', offset: '2d', decay: 0.5 } } },
      ], score_mode: 'multiply', boost_mode: 'replace' } }, size: DOCS, _source: false }) as any).hits.hits as { _id: string; _score: number }[];
      const byId = new Map(docs.map((d) => [d.id, d]));
      const set = docs.filter((d) => matches(d, q));
      assert.equal(res.length, set.length);
      for (const h of res) {
        const d = byId.get(h._id)!;
        const fvf = Math.log10(factor * d.rank + 1);
        let dec = 1;
        if (d.day !== undefined) {
          const dist = Math.max(0, Math.abs(Date.parse(d.day) - (T0 + 30 * DAY)) - 2 * DAY);
          const s = (10 * DAY) / (1 - 0.5);
          dec = Math.max(0, (s - dist) / s);
        }
        assert.ok(Math.abs(h._score - fvf * dec) < 1e-6, `${h._id}: ${h._score} vs ${fvf * dec}`);
      }
      for (let k = 1; k < res.length; k++) assert.ok(res[k - 1]._score >= res[k]._score);
    }
  });
});
