/**
 * Relevance queries of the embedded index: multi_match types and tie_breaker, match_bool_prefix,
 * fuzzy / fuzziness (vocabulary expansion), function_score.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { editDistance } from './edit-distance.js';
import { allowedEdits, expand, type Vocabulary } from './vocabulary.js';
import { ids, tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

const DOCS: Record<string, Record<string, unknown>> = {
  a: { title: 'Elasticsearch guide', body: 'search engines and indexes', tag: 'books', likes: 10, published: '2024-06-01' },
  b: { title: 'Cooking with search', body: 'elasticsearch recipes for dinner', tag: 'food', likes: 100, published: '2024-01-01' },
  c: { title: 'Gardening basics', body: 'seeds soil water', tag: 'garden', likes: 1, published: '2024-06-10' },
  d: { title: 'Search search search', body: 'search everywhere', tag: 'books', published: '2023-06-01' },
  e: { title: 'Quantum physics', body: 'elastic collisions of particles', tag: 'science', likes: 50, published: '2024-05-25' },
};

describe('embedded index: relevance queries', () => {
  let t: TempIndex;
  const search = (body: Record<string, unknown>) => t.ci.search('r', { size: 100, ...body }) as any;
  const q = (query: unknown) => ids(search({ query }));
  const set = (query: unknown) => q(query).sort();

  before(() => {
    t = tempIndex();
    t.ci.createIndex('r', { mappings: { properties: { tag: { type: 'keyword' }, likes: { type: 'long' }, published: { type: 'date' } } } });
    t.ci.bulk(Object.entries(DOCS).map(([id, source]) => ({ action: 'index' as const, index: 'r', id, source })));
  });
  after(() => t.cleanup());

  it('edit distance is bounded Damerau (optimal string alignment)', () => {
    assert.equal(editDistance('search', 'serach', 2), 1);
    assert.equal(editDistance('search', 'serach', 2, false), 2);
    assert.equal(editDistance('search', 'seach', 2), 1);
    assert.equal(editDistance('search', 'searches', 2), 2);
    assert.equal(editDistance('search', 'xyz', 2), 3);
    assert.equal(editDistance('', 'ab', 2), 2);
    assert.equal(editDistance('a'.repeat(10_000), 'b'.repeat(10_000), 2), 3); // the band stops early
  });

  it('AUTO fuzziness follows the token length', () => {
    assert.deepEqual([1, 2, 3, 5, 6, 10].map((n) => allowedEdits('AUTO', n)), [0, 0, 1, 1, 2, 2]);
    assert.deepEqual([3, 4, 8].map((n) => allowedEdits('AUTO:4,8', n)), [0, 1, 2]);
    assert.equal(allowedEdits(5, 3), 2);
    throws4xx(() => allowedEdits('AUTO:x', 3), 'parsing_exception');
    throws4xx(() => allowedEdits('-1', 3), 'parsing_exception');
  });

  it('expansions: closest first, then most frequent, bounded by max_expansions and prefix_length', () => {
    const terms = ['search', 'seerch', 'starch', 'sea', 'peach', 'serch'];
    const v: Vocabulary = { byLength: [], freq: new Map(terms.map((x, i) => [x, i + 1])), seq: 0, readAt: 0 };
    for (const x of terms) (v.byLength[x.length] ??= []).push(x);
    for (const b of v.byLength) b?.sort();
    const o = { prefixLength: 0, maxExpansions: 50, transpositions: true };
    assert.deepEqual(expand(v, 'Search', 2, o).map((x) => x.term), ['search', 'serch', 'starch', 'seerch', 'peach']);
    assert.deepEqual(expand(v, 'search', 2, { ...o, maxExpansions: 2 }).map((x) => x.term), ['search', 'serch']);
    assert.deepEqual(expand(v, 'search', 2, { ...o, prefixLength: 2 }).map((x) => x.term), ['search', 'serch', 'seerch']);
  });

  it('match with fuzziness finds misspellings; without it, not', () => {
    assert.deepEqual(set({ match: { title: 'serach' } }), []);
    assert.deepEqual(set({ match: { title: { query: 'serach', fuzziness: 'AUTO' } } }), ['b', 'd']);
    assert.deepEqual(set({ match: { body: { query: 'elasticsaerch', fuzziness: 2 } } }), ['b']);
    // prefix_length keeps the first characters exact
    assert.deepEqual(set({ match: { title: { query: 'zearch', fuzziness: 1 } } }), ['b', 'd']);
    assert.deepEqual(set({ match: { title: { query: 'zearch', fuzziness: 1, prefix_length: 1 } } }), []);
    // operator and applies to the fuzzy groups
    assert.deepEqual(set({ match: { title: { query: 'cookin serch', fuzziness: 'AUTO', operator: 'and' } } }), ['b']);
    throws4xx(() => q({ match: { title: { query: 'x', fuzziness: 'lots' } } }), 'parsing_exception');
    throws4xx(() => q({ match: { title: { query: 'xxxx', fuzziness: 1, max_expansions: 0 } } }), 'parsing_exception');
  });

  it('fuzzy query on text and keyword fields', () => {
    assert.deepEqual(set({ fuzzy: { title: 'gardenin' } }), ['c']);
    assert.deepEqual(set({ fuzzy: { title: { value: 'gardenin', fuzziness: 0 } } }), []);
    assert.deepEqual(set({ fuzzy: { tag: { value: 'bokos' } } }), ['a', 'd']);
    assert.deepEqual(set({ fuzzy: { tag: { value: 'bokos', transpositions: false } } }), []);
    assert.deepEqual(set({ fuzzy: { tag: { value: 'fod', fuzziness: 1 } } }), ['b']);
    assert.deepEqual(set({ fuzzy: { nothing: 'x' } }), []);
    assert.deepEqual(set({ match: { tag: { query: 'bokos', fuzziness: 'AUTO' } } }), ['a', 'd']); // match on a keyword: the whole value
    assert.deepEqual(set({ match: { tag: { query: 'bokos' } } }), []);
  });

  it('hostile fuzzy input is bounded', () => {
    const many = Array.from({ length: 65 }, (_, i) => `word${i}`).join(' ');
    throws4xx(() => q({ match: { title: { query: many, fuzziness: 2 } } }), 'illegal_argument_exception', /at most \[64\] fuzzy tokens/);
    assert.deepEqual(set({ match: { title: { query: 'x'.repeat(100_000), fuzziness: 2 } } }), []);
  });

  it('the vocabulary is read in slices: a search out of time reads part of it, the next ones go on', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `tok${i.toString(36).padStart(3, '0')}`);
    t.ci.bulk(words.map((w, i) => ({ action: 'index' as const, index: 'voc', id: String(i), source: { body: w } })));
    const fuzzy = (timeout?: string) => t.ci.search('voc', { query: { match: { body: { query: 'tok2bx', fuzziness: 1, max_expansions: 100 } } }, size: 0, ...(timeout ? { timeout } : {}) }) as any;
    const partial = fuzzy('0ms');
    assert.equal(partial.timed_out, true);
    assert.equal(partial.hits.total.value, 0); // the tokens near 'tok2bx' sort late: not read yet
    const full = fuzzy();
    assert.equal(full.hits.total.value, words.filter((w) => editDistance(w, 'tok2bx', 1) <= 1).length);
    assert.ok(full.hits.total.value > 5);
  });

  it('multi_match: types, field boosts, tie_breaker', () => {
    assert.deepEqual(set({ multi_match: { query: 'elasticsearch', fields: ['title', 'body'] } }), ['a', 'b']);
    // a boosted field ranks its matches first
    assert.equal(q({ multi_match: { query: 'elasticsearch', fields: ['title^10', 'body'] } })[0], 'a');
    assert.equal(q({ multi_match: { query: 'elasticsearch', fields: ['title', 'body^10'] } })[0], 'b');
    // most_fields sums; best_fields with tie_breaker 1 equals it, with 0 equals best_fields
    const score = (mm: Record<string, unknown>) => search({ query: { multi_match: { query: 'search', fields: ['title', 'body'], ...mm } } }).hits.hits.find((h: any) => h._id === 'd')._score;
    const best = score({});
    const most = score({ type: 'most_fields' });
    assert.ok(most > best);
    assert.ok(Math.abs(score({ tie_breaker: 1 }) - most) < 1e-9);
    assert.ok(Math.abs(score({ tie_breaker: 0 }) - best) < 1e-9);
    const mid = score({ tie_breaker: 0.3 });
    assert.ok(mid > best && mid < most);
    assert.deepEqual(set({ multi_match: { query: 'cooking wit', type: 'bool_prefix', fields: ['title', 'body'], operator: 'and' } }), ['b']);
    assert.deepEqual(set({ multi_match: { query: 'search eng', type: 'phrase_prefix', fields: ['title', 'body'] } }), ['a']);
    assert.deepEqual(set({ multi_match: { query: 'gardning', fields: ['title'], fuzziness: 'AUTO' } }), ['c']);
    throws4xx(() => q({ multi_match: { query: 'x', type: 'phrase', fuzziness: 1 } }), 'parsing_exception', 'Fuzziness not allowed for type [phrase]');
    throws4xx(() => q({ multi_match: { query: 'x', type: 'nope' } }), 'parsing_exception');
    throws4xx(() => q({ multi_match: { query: 'x', tie_breaker: 2 } }), 'parsing_exception');
  });

  it('match_bool_prefix and match_phrase_prefix (search as you type)', () => {
    assert.deepEqual(set({ match_bool_prefix: { title: 'search gui' } }), ['a', 'b', 'd']);
    assert.deepEqual(set({ match_bool_prefix: { title: { query: 'elasticsearch gui', operator: 'and' } } }), ['a']);
    assert.deepEqual(set({ match_phrase_prefix: { body: { query: 'elastic coll', max_expansions: 10 } } }), ['e']);
    throws4xx(() => q({ match_phrase_prefix: { body: { query: 'x', max_expansions: -1 } } }), 'parsing_exception');
  });

  it('function_score: field_value_factor with modifier and missing', () => {
    const res = search({ query: { function_score: { query: { match: { body: 'search elasticsearch' } }, field_value_factor: { field: 'likes', modifier: 'log1p', missing: 1 }, boost_mode: 'replace' } } });
    const byId = Object.fromEntries(res.hits.hits.map((h: any) => [h._id, h._score]));
    assert.ok(Math.abs(byId.b - Math.log10(101)) < 1e-9);
    assert.ok(Math.abs(byId.a - Math.log10(11)) < 1e-9);
    assert.ok(Math.abs(byId.d - Math.log10(2)) < 1e-9); // missing: 1
    assert.deepEqual(ids(res), ['b', 'a', 'd']);
    // factor, and multiply (the default boost_mode) keeps the query's order factor
    const plain = search({ query: { match: { body: 'search' } } }).hits.hits;
    const boosted = search({ query: { function_score: { query: { match: { body: 'search' } }, field_value_factor: { field: 'likes', factor: 2 } } } }).hits.hits;
    const d = plain.find((h: any) => h._id === 'd')._score;
    assert.ok(Math.abs(boosted.find((h: any) => h._id === 'd')._score - d) < 1e-9); // no likes, no missing: factor 1
  });

  it('function_score: decay on dates and numbers', () => {
    const fs = (fn: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      search({ query: { function_score: { query: { match_all: {} }, ...fn, boost_mode: 'replace', ...extra } } }).hits.hits as any[];
    const gauss = fs({ gauss: { published: { origin: '2024-06-01', scale: '10d', decay: 0.5 } } });
    const g = Object.fromEntries(gauss.map((h) => [h._id, h._score]));
    assert.equal(g.a, 1);
    assert.ok(Math.abs(g.c - 0.5 ** (81 / 100)) < 1e-9); // 9 days: exp(ln(0.5) · 9² / 10²)
    assert.ok(Math.abs(g.e - 0.5 ** (49 / 100)) < 1e-9); // 7 days
    assert.deepEqual(gauss.map((h) => h._id).slice(0, 3), ['a', 'e', 'c']);
    const lin = Object.fromEntries(fs({ linear: { likes: { origin: 0, scale: 100, offset: 0, decay: 0.5 } } }).map((h) => [h._id, h._score]));
    assert.ok(Math.abs(lin.b - 0.5) < 1e-9);
    assert.ok(Math.abs(lin.e - 0.75) < 1e-9);
    assert.equal(lin.d, 1); // missing value: 1
    const ex = Object.fromEntries(fs({ exp: { likes: { origin: 100, scale: 50, offset: 40 } } }).map((h) => [h._id, h._score]));
    assert.equal(ex.b, 1);
    assert.ok(Math.abs(ex.e - 0.5 ** (10 / 50)) < 1e-9);
    throws4xx(() => fs({ gauss: { likes: { origin: 0, scale: 0 } } }), 'illegal_argument_exception');
    throws4xx(() => fs({ gauss: { likes: { origin: 0, scale: 1, decay: 1 } } }), 'illegal_argument_exception');
    throws4xx(() => fs({ gauss: { published: { origin: 'now', scale: 'ten days' } } }), 'parsing_exception');
    throws4xx(() => fs({ gauss: { title: { origin: 0, scale: 1 } } }), 'illegal_argument_exception');
  });

  it('function_score: functions with filters and weights, score_mode, max_boost, min_score', () => {
    const body = (extra: Record<string, unknown>) => ({
      query: { function_score: {
        query: { match_all: {} },
        functions: [
          { filter: { term: { tag: 'books' } }, weight: 3 },
          { filter: { range: { likes: { gte: 50 } } }, weight: 5 },
        ],
        boost_mode: 'replace',
        ...extra,
      } },
    });
    const scores = (extra: Record<string, unknown>) => Object.fromEntries(search(body(extra)).hits.hits.map((h: any) => [h._id, h._score]));
    assert.deepEqual(scores({}), { a: 3, b: 5, c: 1, d: 3, e: 5 });
    assert.deepEqual(scores({ score_mode: 'sum' }), { a: 3, b: 5, c: 1, d: 3, e: 5 });
    assert.deepEqual(scores({ score_mode: 'first', max_boost: 4 }), { a: 3, b: 4, c: 1, d: 3, e: 4 });
    assert.deepEqual(ids(search({ ...body({ min_score: 4 }), sort: ['_doc'], track_scores: true })), ['b', 'e']);
    assert.equal(search(body({ min_score: 4 })).hits.total.value, 2);
    // weights in avg: a weighted average
    const avg = search({ query: { function_score: { query: { ids: { values: ['b'] } }, functions: [
      { field_value_factor: { field: 'likes' }, weight: 1 }, { weight: 2, filter: { match_all: {} } },
    ], score_mode: 'avg', boost_mode: 'replace' } } }).hits.hits[0]._score;
    assert.ok(Math.abs(avg - (100 + 2) / 3) < 1e-9, String(avg)); // Σ(value × weight) / Σ weight; a weight alone is its value
    // random_score: stable for a seed, in [0, 1)
    const r1 = search({ query: { function_score: { random_score: { seed: 42, field: '_seq_no' } } } }).hits.hits.map((h: any) => h._score);
    const r2 = search({ query: { function_score: { random_score: { seed: 42, field: '_seq_no' } } } }).hits.hits.map((h: any) => h._score);
    assert.deepEqual(r1, r2);
    assert.ok(r1.every((s: number) => s >= 0 && s < 1));
    throws4xx(() => search({ query: { function_score: { script_score: { script: 'x' } } } }), 'illegal_argument_exception', /\[script_score\] is not supported/);
    throws4xx(() => search({ query: { function_score: { score_mode: 'bogus' } } }), 'parsing_exception');
    throws4xx(() => search({ query: { function_score: { functions: [{ gauss: {}, exp: {} }] } } }), 'parsing_exception');
  });
});
