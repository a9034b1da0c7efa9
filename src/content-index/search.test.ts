/** `_search` and `_count` of the embedded index: every query type of the documented subset. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ids, tempIndex, type TempIndex } from './temp-index.fixture.js';

const DOCS: Record<string, Record<string, unknown>> = {
  '1': { title: 'The quick brown fox', body: 'jumps over the lazy dog', status: 'open', n: 5, price: 9.5, tags: ['animal', 'fast'], published: '2024-01-10T08:00:00Z', active: true, author: { name: 'Zoë Smith', age: 30 } },
  '2': { title: 'Lazy afternoon', body: 'a quick nap in the sun', status: 'closed', n: 7, price: 20, tags: ['sleep'], published: '2024-02-01', active: false, author: { name: 'John Doe', age: 45 } },
  '3': { title: 'Brown bread recipe', body: 'flour water salt and a quick rise', status: 'open', n: 12, price: 3.25, tags: ['food', 'fast'], published: '2024-03-15T12:30:00.123Z', active: true },
  '4': { title: 'Foxes of the north', body: 'the quick red fox lives in cold places', status: 'Open', n: -1, tags: [], published: '2023-12-31T23:59:59Z', author: { name: 'Zoe Miller' } },
  '5': { title: 'Untitled', status: null, n: 100, comments: [{ user: 'ann', text: 'great fox' }, { user: 'bob', text: 'meh' }] },
};

describe('embedded index: search', () => {
  let t: TempIndex;
  const q = (query: unknown, extra: Record<string, unknown> = {}) => ids(t.ci.search('s', { query, size: 100, ...extra }));
  const set = (query: unknown) => q(query).sort();

  before(() => {
    t = tempIndex();
    t.ci.createIndex('s', { mappings: { properties: { status: { type: 'keyword' } } } });
    t.ci.bulk(Object.entries(DOCS).map(([id, source]) => ({ action: 'index' as const, index: 's', id, source })));
  });
  after(() => t.cleanup());

  it('response shape', () => {
    const res = t.ci.search('s', { query: { match: { title: 'fox' } } }) as any;
    assert.deepEqual(Object.keys(res), ['took', 'timed_out', '_shards', 'hits']);
    assert.deepEqual(res._shards, { total: 1, successful: 1, skipped: 0, failed: 0 });
    assert.equal(res.timed_out, false);
    assert.deepEqual(res.hits.total, { value: 1, relation: 'eq' });
    const hit = res.hits.hits[0];
    assert.deepEqual(Object.keys(hit), ['_index', '_id', '_score', '_source']);
    assert.equal(hit._index, 's');
    assert.ok(hit._score > 0);
    assert.equal(res.hits.max_score, hit._score);
    assert.deepEqual(hit._source, DOCS['1']);
    assert.deepEqual(t.ci.count('s'), { count: 5, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
  });

  it('match_all, match_none and an empty body', () => {
    assert.equal(q({ match_all: {} }).length, 5);
    assert.deepEqual(q({ match_none: {} }), []);
    const res = t.ci.search('s') as any;
    assert.equal(res.hits.total.value, 5);
    assert.equal(res.hits.hits.length, 5);
    assert.equal(res.hits.hits[0]._score, 1);
    assert.deepEqual(ids(res), ['1', '2', '3', '4', '5'], 'ties in index order');
  });

  it('match: OR by default, operator and, minimum_should_match, diacritics folded', () => {
    assert.deepEqual(set({ match: { title: 'fox bread' } }), ['1', '3']);
    assert.deepEqual(set({ match: { title: { query: 'quick fox', operator: 'and' } } }), ['1']);
    assert.deepEqual(set({ match: { body: { query: 'quick fox cold', minimum_should_match: 2 } } }), ['4']);
    assert.deepEqual(set({ match: { body: { query: 'quick fox cold', minimum_should_match: '100%' } } }), ['4']);
    assert.deepEqual(set({ match: { 'author.name': 'zoe' } }), ['1', '4']);
    assert.deepEqual(set({ match: { title: 'FOX' } }), ['1']);
    assert.deepEqual(set({ match: { title: '' } }), []);
    assert.equal(q({ match: { title: { query: '', zero_terms_query: 'all' } } }).length, 5);
    assert.deepEqual(set({ match: { unknown_field: 'x' } }), []);
    assert.deepEqual(set({ match: { 'comments.text': 'fox' } }), ['5']);
    // keyword field: exact value
    assert.deepEqual(set({ match: { status: 'open' } }), ['1', '3']);
    // numbers
    assert.deepEqual(set({ match: { n: '7' } }), ['2']);
  });

  it('relevance: the better match scores higher', () => {
    const res = t.ci.search('s', { query: { match: { body: 'quick fox' } } }) as any;
    assert.equal(res.hits.hits[0]._id, '4', 'both terms beat one');
    const scores = res.hits.hits.map((h: any) => h._score);
    assert.deepEqual(scores, [...scores].sort((a: number, b: number) => b - a));
    assert.ok(scores.every((s: number) => s > 0));
    const boosted = t.ci.search('s', { query: { bool: { should: [{ match: { title: 'brown' } }, { match: { title: { query: 'bread', boost: 10 } } }] } } }) as any;
    assert.equal(boosted.hits.hits[0]._id, '3');
  });

  it('match_phrase and match_phrase_prefix', () => {
    assert.deepEqual(set({ match_phrase: { body: 'the lazy dog' } }), ['1']);
    assert.deepEqual(set({ match_phrase: { body: 'lazy the dog' } }), []);
    assert.deepEqual(set({ match_phrase: { body: { query: 'quick fox', slop: 2 } } }), ['4']);
    assert.deepEqual(set({ match_phrase_prefix: { title: 'quick bro' } }), ['1']);
  });

  it('multi_match: fields, wildcards, boosts, types', () => {
    assert.deepEqual(set({ multi_match: { query: 'brown', fields: ['title', 'body'] } }), ['1', '3']);
    assert.deepEqual(set({ multi_match: { query: 'fox' } }), ['1', '4', '5']);
    assert.deepEqual(set({ multi_match: { query: 'zoe', fields: ['author.*'] } }), ['1', '4']);
    const boosted = t.ci.search('s', { query: { multi_match: { query: 'quick', fields: ['title^5', 'body'] } } }) as any;
    assert.equal(boosted.hits.hits[0]._id, '1', 'title match boosted');
    assert.deepEqual(set({ multi_match: { query: 'lazy dog', fields: ['title', 'body'], type: 'phrase' } }), ['1']);
    assert.deepEqual(set({ multi_match: { query: 'quick brown', fields: ['title', 'body'], operator: 'and' } }), ['1']);
    assert.deepEqual(set({ multi_match: { query: 'quick afternoon', fields: ['title', 'body'], type: 'cross_fields', operator: 'and' } }), ['2']);
    assert.deepEqual(set({ multi_match: { query: 'open', fields: ['status', 'title'] } }), ['1', '3']);
    assert.deepEqual(set({ multi_match: { query: 'fox', fields: ['nope'] } }), []);
  });

  it('term and terms: keyword, numbers, booleans, dates, arrays, subfields', () => {
    assert.deepEqual(set({ term: { status: 'open' } }), ['1', '3']);
    assert.deepEqual(set({ term: { status: { value: 'OPEN', case_insensitive: true } } }), ['1', '3', '4']);
    assert.deepEqual(set({ term: { n: 7 } }), ['2']);
    assert.deepEqual(set({ term: { n: '7' } }), ['2']);
    assert.deepEqual(set({ term: { price: 9.5 } }), ['1']);
    assert.deepEqual(set({ term: { active: true } }), ['1', '3']);
    assert.deepEqual(set({ term: { active: 'false' } }), ['2']);
    assert.deepEqual(set({ term: { tags: 'fast' } }), ['1', '3']);
    assert.deepEqual(set({ term: { 'tags.keyword': 'animal' } }), ['1']);
    assert.deepEqual(set({ term: { 'title.keyword': 'Lazy afternoon' } }), ['2']);
    assert.deepEqual(set({ term: { 'title.keyword': 'lazy afternoon' } }), []);
    assert.deepEqual(set({ term: { title: 'lazy' } }), ['2'], 'single token of a text field');
    assert.deepEqual(set({ term: { published: '2024-02-01' } }), ['2']);
    assert.deepEqual(set({ term: { 'comments.user': 'bob' } }), ['5']);
    assert.deepEqual(set({ terms: { status: ['closed', 'Open'] } }), ['2', '4']);
    assert.deepEqual(set({ terms: { n: [5, 12, 99] } }), ['1', '3']);
    assert.deepEqual(set({ terms: { tags: ['sleep', 'food'] } }), ['2', '3']);
    assert.deepEqual(set({ terms: { n: [] } }), []);
    assert.deepEqual(set({ term: { missing_field: 'x' } }), []);
    const res = t.ci.search('s', { query: { term: { status: { value: 'open', boost: 2 } } } }) as any;
    assert.equal(res.hits.hits[0]._score, 2);
  });

  it('range on numbers, strings and dates (with date math)', () => {
    assert.deepEqual(set({ range: { n: { gt: 5 } } }), ['2', '3', '5']);
    assert.deepEqual(set({ range: { n: { gte: 5, lte: 12 } } }), ['1', '2', '3']);
    assert.deepEqual(set({ range: { n: { lt: 0 } } }), ['4']);
    assert.deepEqual(set({ range: { price: { gte: 3.25, lt: 10 } } }), ['1', '3']);
    assert.deepEqual(set({ range: { n: { from: 5, to: 7, include_lower: false } } }), ['2']);
    assert.deepEqual(set({ range: { status: { gte: 'c', lt: 'p' } } }), ['2', '1', '3'].sort());
    assert.deepEqual(set({ range: { published: { gte: '2024-01-01', lt: '2024-03-01' } } }), ['1', '2']);
    assert.deepEqual(set({ range: { published: { lte: '2024-01-10' } } }), ['1', '4'], 'lte a day includes all of it');
    assert.deepEqual(set({ range: { published: { gt: '2024-03-15T12:30:00.122Z' } } }), ['3']);
    assert.deepEqual(set({ range: { published: { gte: '2024-01-01||+1M/M' } } }), ['2', '3']);
    assert.deepEqual(set({ range: { published: { lt: 'now-1y' } } }).length >= 0, true);
    assert.deepEqual(set({ range: { published: { gte: 'now+100y' } } }), []);
    assert.deepEqual(set({ range: { published: { gte: 1704067200000 } } }), ['1', '2', '3'], 'epoch millis');
    assert.deepEqual(set({ range: { 'author.age': { gte: 40 } } }), ['2']);
    assert.deepEqual(set({ range: { nope: { gte: 1 } } }), []);
  });

  it('exists and ids', () => {
    assert.deepEqual(set({ exists: { field: 'author' } }), ['1', '2', '4']);
    assert.deepEqual(set({ exists: { field: 'author.age' } }), ['1', '2']);
    assert.deepEqual(set({ exists: { field: 'status' } }), ['1', '2', '3', '4'], 'null is not a value');
    assert.deepEqual(set({ exists: { field: 'tags' } }), ['1', '2', '3'], 'an empty array is not a value');
    assert.deepEqual(set({ exists: { field: 'comments.user' } }), ['5']);
    assert.deepEqual(set({ ids: { values: ['2', '4', 'nope'] } }), ['2', '4']);
  });

  it('bool: must, should, filter, must_not, minimum_should_match', () => {
    assert.deepEqual(set({ bool: { must: [{ match: { body: 'quick' } }], filter: [{ term: { status: 'open' } }] } }), ['3']);
    assert.deepEqual(set({ bool: { must: { match: { body: 'quick' } }, must_not: { term: { status: 'closed' } } } }), ['3', '4']);
    assert.deepEqual(set({ bool: { should: [{ term: { n: 5 } }, { term: { n: 7 } }] } }), ['1', '2']);
    assert.deepEqual(set({ bool: { should: [{ term: { n: 5 } }, { match: { title: 'fox' } }, { term: { active: true } }], minimum_should_match: 2 } }), ['1']);
    assert.deepEqual(set({ bool: { filter: { range: { n: { gte: 7 } } }, should: [{ match: { title: 'bread' } }] } }), ['2', '3', '5'], 'should optional beside filter');
    assert.deepEqual(set({ bool: { filter: { range: { n: { gte: 7 } } }, should: [{ match: { title: 'bread' } }], minimum_should_match: 1 } }), ['3']);
    assert.deepEqual(set({ bool: { must_not: [{ exists: { field: 'author' } }] } }), ['3', '5']);
    assert.deepEqual(set({ bool: {} }).length, 5);
    assert.deepEqual(set({ bool: { should: [{ term: { n: 5 } }], minimum_should_match: 3 } }), []);
    assert.deepEqual(set({ bool: { must: [{ bool: { should: [{ term: { n: 5 } }, { term: { n: 12 } }] } }], must_not: [{ match: { title: 'bread' } }] } }), ['1']);
    const filterOnly = t.ci.search('s', { query: { bool: { filter: { term: { status: 'open' } } } } }) as any;
    assert.deepEqual(filterOnly.hits.hits.map((h: any) => h._score), [0, 0], 'filter context does not score');
    const withShould = t.ci.search('s', { query: { bool: { filter: { term: { status: 'open' } }, should: { match: { title: 'bread' } } } } }) as any;
    assert.equal(withShould.hits.hits[0]._id, '3', 'should adds to the score');
  });

  it('constant_score, dis_max, prefix, wildcard', () => {
    const cs = t.ci.search('s', { query: { constant_score: { filter: { match: { title: 'fox' } }, boost: 3 } } }) as any;
    assert.deepEqual([cs.hits.hits[0]._id, cs.hits.hits[0]._score], ['1', 3]);
    assert.deepEqual(set({ dis_max: { queries: [{ match: { title: 'bread' } }, { match: { body: 'nap' } }], tie_breaker: 0.3 } }), ['2', '3']);
    assert.deepEqual(set({ prefix: { title: 'bro' } }), ['1', '3']);
    assert.deepEqual(set({ prefix: { status: 'clo' } }), ['2']);
    assert.deepEqual(set({ prefix: { status: { value: 'OP', case_insensitive: true } } }), ['1', '3', '4']);
    assert.deepEqual(set({ wildcard: { status: 'o*n' } }), ['1', '3']);
    assert.deepEqual(set({ wildcard: { status: { value: 'c?osed' } } }), ['2']);
    assert.deepEqual(set({ wildcard: { title: 'fox*' } }), ['1', '4']);
  });

  it('query_string basics', () => {
    const qs = (query: string, extra: Record<string, unknown> = {}) => set({ query_string: { query, ...extra } });
    assert.deepEqual(qs('fox'), ['1', '4', '5']);
    assert.deepEqual(qs('quick AND fox'), ['1', '4']);
    assert.deepEqual(qs('quick fox', { default_operator: 'AND' }), ['1', '4']);
    assert.deepEqual(qs('bread OR nap'), ['2', '3']);
    assert.deepEqual(qs('quick NOT fox'), ['2', '3']);
    assert.deepEqual(qs('quick -fox'), ['2', '3']);
    assert.deepEqual(qs('+quick +sun'), ['2']);
    assert.deepEqual(qs('"lazy dog"'), ['1']);
    assert.deepEqual(qs('"dog lazy"'), []);
    assert.deepEqual(qs('title:fox'), ['1']);
    assert.deepEqual(qs('title:(bread OR afternoon)'), ['2', '3']);
    assert.deepEqual(qs('title:"quick brown"'), ['1']);
    assert.deepEqual(qs('status:open'), ['1', '3']);
    assert.deepEqual(qs('n:[5 TO 7]'), ['1', '2']);
    assert.deepEqual(qs('n:{5 TO 7]'), ['2']);
    assert.deepEqual(qs('n:>=12'), ['3', '5']);
    assert.deepEqual(qs('n:<0'), ['4']);
    assert.deepEqual(qs('published:[2024-01-01 TO *]'), ['1', '2', '3']);
    assert.deepEqual(qs('_exists_:author'), ['1', '2', '4']);
    assert.deepEqual(qs('fo*'), ['1', '3', '4', '5'], 'fox, foxes, food');
    assert.deepEqual(qs('(quick OR lazy) AND status:open'), ['1', '3']);
    assert.deepEqual(qs('*'), ['1', '2', '3', '4', '5']);
    assert.deepEqual(qs('bread', { default_field: 'body' }), []);
    assert.deepEqual(qs('brown', { fields: ['title', 'body'] }), ['1', '3']);
    assert.deepEqual(qs('n:abc'), [], 'lenient for values that do not fit the field');
    assert.deepEqual(set({ simple_query_string: { query: 'bread | nap' } }), ['2', '3']);
    assert.deepEqual(ids(t.ci.search('s', undefined, { q: 'title:fox' })), ['1']);
    assert.deepEqual(ids(t.ci.search('s', undefined, { q: 'bread', df: 'body' })), []);
  });

  it('from / size paging and totals', () => {
    const all = q({ match_all: {} }, { sort: ['n'] });
    assert.deepEqual(all, ['4', '1', '2', '3', '5']);
    assert.deepEqual(ids(t.ci.search('s', { sort: ['n'], from: 1, size: 2 })), ['1', '2']);
    assert.deepEqual(ids(t.ci.search('s', { sort: ['n'], from: 4, size: 10 })), ['5']);
    assert.deepEqual(ids(t.ci.search('s', { sort: ['n'], from: 10 })), []);
    const zero = t.ci.search('s', { size: 0 }) as any;
    assert.deepEqual([zero.hits.hits, zero.hits.total.value], [[], 5]);
    assert.deepEqual(ids(t.ci.search('s', undefined, { sort: 'n:desc', size: 2 })), ['5', '3']);
    const capped = t.ci.search('s', { track_total_hits: 3 }) as any;
    assert.deepEqual(capped.hits.total, { value: 3, relation: 'gte' });
    assert.deepEqual((t.ci.search('s', { track_total_hits: true }) as any).hits.total, { value: 5, relation: 'eq' });
    assert.equal((t.ci.search('s', { track_total_hits: false }) as any).hits.total, undefined);
    assert.equal((t.ci.search('s', {}, { rest_total_hits_as_int: true }) as any).hits.total, 5);
    const page2 = t.ci.search('s', { query: { match: { body: 'quick' } }, from: 1, size: 1 }) as any;
    const page1 = t.ci.search('s', { query: { match: { body: 'quick' } }, size: 1 }) as any;
    assert.equal(page2.hits.max_score, page1.hits.hits[0]._score, 'max_score is over all hits');
  });

  it('sort by fields, _score, _doc; missing values; sort values in hits', () => {
    assert.deepEqual(q({ match_all: {} }, { sort: [{ n: 'desc' }] }), ['5', '3', '2', '1', '4']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ n: { order: 'asc' } }] }), ['4', '1', '2', '3', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ price: 'asc' }] }), ['3', '1', '2', '4', '5'], 'missing last');
    assert.deepEqual(q({ match_all: {} }, { sort: [{ price: { order: 'desc', missing: '_first' } }] }).slice(0, 2).sort(), ['4', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ 'status': 'asc' }, { n: 'desc' }] }), ['4', '2', '3', '1', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: ['_doc'] }), ['1', '2', '3', '4', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ _doc: 'desc' }] }), ['5', '4', '3', '2', '1']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ published: 'desc' }] }), ['3', '2', '1', '4', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ 'title.keyword': 'asc' }] }), ['3', '4', '2', '1', '5']);
    assert.deepEqual(q({ match_all: {} }, { sort: [{ tags: { order: 'asc' } }] }).slice(0, 3), ['1', '3', '2']);
    const res = t.ci.search('s', { query: { match: { body: 'quick' } }, sort: [{ n: 'desc' }, '_score'] }) as any;
    assert.deepEqual(res.hits.hits.map((h: any) => h.sort[0]), [12, 7, -1]);
    assert.ok(res.hits.hits.every((h: any) => h.sort[1] > 0 && h._score === h.sort[1]));
    const dates = t.ci.search('s', { sort: [{ published: 'asc' }], size: 1 }) as any;
    assert.deepEqual(dates.hits.hits[0].sort, [Date.parse('2023-12-31T23:59:59Z')]);
    const noScore = t.ci.search('s', { query: { match: { body: 'quick' } }, sort: ['n'] }) as any;
    assert.equal(noScore.hits.max_score, null);
    assert.equal(noScore.hits.hits[0]._score, null);
    const tracked = t.ci.search('s', { query: { match: { body: 'quick' } }, sort: ['n'], track_scores: true }) as any;
    assert.ok(tracked.hits.hits[0]._score > 0);
    assert.ok(tracked.hits.max_score > 0);
    assert.deepEqual(q({ match: { body: 'quick' } }, { sort: ['_score'] })[0], '2', 'the shortest body wins (bm25 length norm)');
    assert.deepEqual(q({ match_all: {} }, { sort: [{ nope: { order: 'asc', unmapped_type: 'long' } }] }), ['1', '2', '3', '4', '5']);
  });

  it('_source filtering, fields, version and seq_no', () => {
    const src = (opts: Record<string, unknown>, params: Record<string, unknown> = {}) =>
      ((t.ci.search('s', { query: { ids: { values: ['1'] } }, ...opts }, params) as any).hits.hits[0]);
    assert.equal(src({ _source: false })._source, undefined);
    assert.deepEqual(src({ _source: true })._source, DOCS['1']);
    assert.deepEqual(src({ _source: 'title' })._source, { title: 'The quick brown fox' });
    assert.deepEqual(src({ _source: ['title', 'author.name'] })._source, { title: 'The quick brown fox', author: { name: 'Zoë Smith' } });
    assert.deepEqual(src({ _source: ['author'] })._source, { author: DOCS['1'].author });
    assert.deepEqual(src({ _source: ['auth*'] })._source, { author: DOCS['1'].author });
    assert.deepEqual(src({ _source: { includes: ['author.*', 'n'], excludes: ['author.age'] } })._source, { n: 5, author: { name: 'Zoë Smith' } });
    assert.deepEqual(src({ _source: { excludes: ['body', 'tags', 'author', 'published', 'price', 'active'] } })._source, { title: 'The quick brown fox', status: 'open', n: 5 });
    assert.deepEqual(src({}, { _source_includes: 'n' })._source, { n: 5 });
    assert.deepEqual(src({}, { _source: 'false' })._source, undefined);
    assert.deepEqual(src({ fields: ['tags', { field: 'author.name' }, 'title.keyword'] }).fields, {
      tags: ['animal', 'fast'], 'author.name': ['Zoë Smith'], 'title.keyword': ['The quick brown fox'],
    });
    const v = src({ version: true, seq_no_primary_term: true });
    assert.equal(v._version, 1);
    assert.equal(typeof v._seq_no, 'number');
    assert.equal(v._primary_term, 1);
    const five = (t.ci.search('s', { query: { ids: { values: ['5'] } }, _source: ['comments.user'] }) as any).hits.hits[0];
    assert.deepEqual(five._source, { comments: [{ user: 'ann' }, { user: 'bob' }] });
  });

  it('highlight', () => {
    const hl = (body: Record<string, unknown>) => ((t.ci.search('s', body) as any).hits.hits as any[]).map((h) => h.highlight);
    assert.deepEqual(hl({ query: { match: { title: 'fox' } }, highlight: { fields: { title: {} } } }), [{ title: ['The quick brown <em>fox</em>'] }]);
    assert.deepEqual(
      hl({ query: { match: { body: 'lazy' } }, highlight: { pre_tags: ['<b>'], post_tags: ['</b>'], fields: { body: {}, title: {} } } }),
      [{ body: ['jumps over the <b>lazy</b> dog'] }],
      'require_field_match: the title query term is not highlighted in body',
    );
    assert.deepEqual(hl({ query: { match: { body: 'lazy' } }, highlight: { require_field_match: false, fields: { title: {} } } }), [undefined], 'doc 1 has no lazy in its title');
    assert.deepEqual(hl({ query: { match: { body: 'nap' } }, highlight: { require_field_match: false, fields: { body: {}, title: {} } } }), [{ body: ['a quick <em>nap</em> in the sun'] }]);
    assert.deepEqual(hl({ query: { bool: { should: [{ match: { body: 'nap' } }, { match: { title: 'zzz' } }] } }, highlight: { require_field_match: false, fields: { title: {} } } }), [undefined]);
    // FTS5 marks a matched phrase as one span (Elasticsearch marks each term)
    assert.deepEqual(hl({ query: { match_phrase: { body: 'lazy dog' } }, highlight: { fields: [{ body: {} }] } }), [{ body: ['jumps over the <em>lazy dog</em>'] }]);
    assert.deepEqual(hl({ query: { query_string: { query: 'zoe' } }, highlight: { fields: { '*': {} } } }).map((h) => h?.['author.name']).sort(), [['<em>Zoë</em> Smith'], ['<em>Zoe</em> Miller']].sort());
    assert.deepEqual(hl({ query: { match: { 'comments.text': 'fox' } }, highlight: { fields: { 'comments.text': {} } } }), [{ 'comments.text': ['great <em>fox</em>'] }]);
    const long = 'word '.repeat(200) + 'needle ' + 'word '.repeat(200);
    t.ci.indexDocument('hl', '1', { body: long });
    const frag = (t.ci.search('hl', { query: { match: { body: 'needle' } }, highlight: { fields: { body: { fragment_size: 50 } } } }) as any).hits.hits[0].highlight.body;
    assert.equal(frag.length, 1);
    assert.ok(frag[0].includes('<em>needle</em>') && frag[0].length < 120, frag[0]);
    const whole = (t.ci.search('hl', { query: { match: { body: 'needle' } }, highlight: { fields: { body: { number_of_fragments: 0 } } } }) as any).hits.hits[0].highlight.body;
    assert.equal(whole[0].length, long.length + '<em></em>'.length);
    assert.equal(hl({ query: { term: { n: 5 } }, highlight: { fields: { title: {} } } })[0], undefined, 'no full-text terms, no highlight');
  });

  it('min_score and post_filter', () => {
    const all = t.ci.search('s', { query: { match: { body: 'quick fox' } } }) as any;
    const top = all.hits.hits[0]._score;
    const min = t.ci.search('s', { query: { match: { body: 'quick fox' } }, min_score: top - 1e-9 }) as any;
    assert.deepEqual(ids(min), ['4']);
    assert.equal(min.hits.total.value, 1);
    assert.deepEqual(q({ match: { body: 'quick' } }, { post_filter: { term: { status: 'open' } } }).sort(), ['3']);
  });

  it('english stemming when the index language is en', () => {
    t.ci.createIndex('en', undefined, { language: 'en' });
    t.ci.indexDocument('en', '1', { body: 'The runners were running quickly' });
    assert.equal(t.ci.count('en', { query: { match: { body: 'run' } } }).count, 1);
    assert.equal(t.ci.count('s', { query: { match: { body: 'jump' } } }).count, 0, 'no stemming otherwise');
    const h = (t.ci.search('en', { query: { match: { body: 'run' } }, highlight: { fields: { body: {} } } }) as any).hits.hits[0].highlight;
    assert.deepEqual(h, { body: ['The runners were <em>running</em> quickly'] });
  });

  it('scored, unscored and counted paths agree', () => {
    const queries: unknown[] = [
      { match: { body: 'quick' } },
      { match: { body: 'quick fox' } },
      { multi_match: { query: 'fox bread', fields: ['title', 'body'] } },
      { multi_match: { query: 'quick afternoon', type: 'cross_fields', operator: 'and' } },
      { bool: { must: { match: { body: 'quick' } }, must_not: { match: { title: 'bread' } } } },
      { bool: { filter: { match: { title: 'fox' } }, should: { term: { n: 5 } } } },
      { bool: { should: [{ match: { title: 'fox' } }], minimum_should_match: 1, must_not: { term: { n: 5 } } } },
      { bool: { should: [{ match: { title: 'fox' } }, { term: { n: 7 } }] } },
      { bool: { must_not: { match: { body: 'quick' } } } },
      { constant_score: { filter: { match: { body: 'the' } } } },
      { dis_max: { queries: [{ match: { body: 'nap' } }] } },
      { query_string: { query: 'quick AND NOT status:closed' } },
    ];
    for (const query of queries) {
      const scored = q(query).sort();
      const byField = q(query, { sort: [{ n: 'asc' }] }).sort();
      const byDoc = q(query, { sort: ['_doc'] }).sort();
      const total = (t.ci.search('s', { query, track_total_hits: true, size: 0 }) as any).hits.total.value;
      const count = t.ci.count('s', { query }).count;
      assert.deepEqual(byField, scored, JSON.stringify(query));
      assert.deepEqual(byDoc, scored, JSON.stringify(query));
      assert.equal(total, scored.length, JSON.stringify(query));
      assert.equal(count, scored.length, JSON.stringify(query));
    }
  });

  it('count with a query and with q', () => {
    assert.equal(t.ci.count('s', { query: { match: { body: 'quick' } } }).count, 3);
    assert.equal(t.ci.count('s', undefined, { q: 'status:open' }).count, 2);
  });

  it('memory: a large result set is paged, not loaded', () => {
    const n = 20_000;
    const items = Array.from({ length: n }, (_, i) => ({ action: 'index' as const, index: 'big', id: String(i), source: { body: `common text ${i % 100}`, n: i } }));
    t.ci.bulk(items);
    const res = t.ci.search('big', { query: { match: { body: 'common' } }, size: 5 }) as any;
    assert.deepEqual(res.hits.total, { value: 10_000, relation: 'gte' });
    assert.equal(res.hits.hits.length, 5);
    const exact = t.ci.search('big', { query: { match: { body: 'common' } }, size: 1, track_total_hits: true }) as any;
    assert.equal(exact.hits.total.value, n);
    assert.deepEqual(ids(t.ci.search('big', { query: { range: { n: { gte: n - 3 } } }, sort: [{ n: 'desc' }] })), [String(n - 1), String(n - 2), String(n - 3)]);
  });
});
