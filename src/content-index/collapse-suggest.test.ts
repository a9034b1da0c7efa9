/** `collapse` (with inner hits) and the `term` suggester of the embedded index. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ids, tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

const DOCS: Record<string, Record<string, unknown>> = {
  1: { title: 'search engine basics', user: 'ann', likes: 5, day: '2024-01-01', ok: true },
  2: { title: 'search engine internals', user: 'ann', likes: 9, day: '2024-01-02', ok: false },
  3: { title: 'searching for meaning', user: 'bob', likes: 7, day: '2024-01-02', ok: true },
  4: { title: 'search party', user: 'cid', likes: 1, day: '2024-01-03' },
  5: { title: 'search and rescue', likes: 3, day: '2024-01-01' },
  6: { title: 'engines of search', likes: 8, day: '2024-01-03', ok: false },
  7: { title: 'the engineer', user: 'bob', likes: 2, day: '2024-01-04', ok: true },
};

describe('embedded index: collapse and suggest', () => {
  let t: TempIndex;
  const search = (body: Record<string, unknown>, params = {}) => t.ci.search('cs', body, params) as any;

  before(() => {
    t = tempIndex();
    t.ci.createIndex('cs', { mappings: { properties: { user: { type: 'keyword' }, likes: { type: 'long' }, day: { type: 'date' }, ok: { type: 'boolean' } } } });
    t.ci.bulk(Object.entries(DOCS).map(([id, source]) => ({ action: 'index' as const, index: 'cs', id, source })));
  });
  after(() => t.cleanup());

  it('collapse keeps the best hit of each keyword value; missing values are one group', () => {
    const res = search({ query: { match_all: {} }, collapse: { field: 'user' }, sort: [{ likes: 'desc' }] });
    assert.deepEqual(ids(res), ['2', '6', '3', '4']);
    assert.deepEqual(res.hits.hits.map((h: any) => h.fields.user[0]), ['ann', null, 'bob', 'cid']);
    assert.equal(res.hits.total.value, 7); // the total counts matches, not groups (as Elasticsearch)
    // paging runs over the groups
    assert.deepEqual(ids(search({ collapse: { field: 'user' }, sort: [{ likes: 'desc' }], from: 1, size: 2 })), ['6', '3']);
  });

  it('collapse by score, on numbers, dates and booleans', () => {
    const byScore = search({ query: { match: { title: 'search' } }, collapse: { field: 'user' } });
    assert.equal(new Set(byScore.hits.hits.map((h: any) => h.fields.user[0])).size, byScore.hits.hits.length);
    const days = search({ collapse: { field: 'day' }, sort: [{ likes: 'asc' }] });
    assert.deepEqual(ids(days), ['4', '7', '5', '3']);
    assert.deepEqual(days.hits.hits.map((h: any) => h.fields.day[0]), ['2024-01-03T00:00:00.000Z', '2024-01-04T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z']);
    const oks = search({ collapse: { field: 'ok' }, sort: [{ likes: 'desc' }] });
    assert.deepEqual(oks.hits.hits.map((h: any) => [h._id, h.fields.ok[0]]), [['2', false], ['3', true], ['5', null]]);
  });

  it('collapse with inner_hits: each group\'s own hits, sorted', () => {
    const res = search({ collapse: { field: 'user', inner_hits: { name: 'top', size: 2, sort: [{ likes: 'asc' }], _source: ['likes'] } }, sort: [{ likes: 'desc' }] });
    const inner = Object.fromEntries(res.hits.hits.map((h: any) => [h._id, h.inner_hits.top.hits]));
    assert.deepEqual(inner['2'].hits.map((h: any) => [h._id, h._source]), [['1', { likes: 5 }], ['2', { likes: 9 }]]);
    assert.deepEqual(inner['2'].total, { value: 2, relation: 'eq' });
    assert.deepEqual(inner['6'].hits.map((h: any) => h._id), ['5', '6']); // the no-value group
    assert.deepEqual(inner['3'].hits.map((h: any) => h._id), ['7', '3']);
  });

  it('collapse errors are 400s', () => {
    throws4xx(() => search({ collapse: { field: 'title' } }), 'illegal_argument_exception', /collapse is not supported on this field type \[text\]/);
    throws4xx(() => search({ collapse: { field: 'nope' } }), 'illegal_argument_exception', 'no mapping found for `nope` in order to collapse on');
    throws4xx(() => search({ collapse: {} }), 'parsing_exception');
    throws4xx(() => search({ collapse: { field: 'user' } }, { scroll: '1m' }), 'illegal_argument_exception', 'cannot use `collapse` in a scroll context');
    throws4xx(() => search({ collapse: { field: 'user' }, sort: [{ likes: 'asc' }], search_after: [1] }), 'illegal_argument_exception');
    throws4xx(() => search({ collapse: { field: 'user', inner_hits: { name: 'x', size: 101 } } }), 'illegal_argument_exception', /Inner result window is too large/);
    throws4xx(() => search({ collapse: { field: 'user', inner_hits: { name: 'x', highlight: {} } } }), 'illegal_argument_exception', /\[highlight\] is not supported/);
    throws4xx(() => search({ collapse: { field: 'user', collapse: { field: 'likes' } } }), 'illegal_argument_exception');
  });

  it('term suggester: corrections of missing tokens, in Elasticsearch\'s shape', () => {
    const res = search({ size: 0, suggest: { fix: { text: 'serch enginr', term: { field: 'title' } } } });
    assert.deepEqual(Object.keys(res), ['took', 'timed_out', '_shards', 'hits', 'suggest']);
    const [a, b] = res.suggest.fix;
    assert.deepEqual({ ...a, options: undefined }, { text: 'serch', offset: 0, length: 5, options: undefined });
    assert.deepEqual(a.options[0], { text: 'search', score: 0.8, freq: 5 });
    assert.deepEqual({ text: b.text, offset: b.offset, length: b.length }, { text: 'enginr', offset: 6, length: 6 });
    // by score (1 edit, then 2), then frequency, then text
    assert.deepEqual(b.options.map((o: any) => [o.text, o.score.toFixed(3)]), [['engine', '0.833'], ['engineer', '0.667'], ['engines', '0.667']]);
  });

  it('term suggester: modes, size, global text, sort by frequency', () => {
    const missing = search({ size: 0, suggest: { s: { text: 'search', term: { field: 'title' } } } });
    assert.deepEqual(missing.suggest.s[0].options, []); // present in the field: no suggestion in mode missing
    const always = search({ size: 0, suggest: { text: 'engine', s: { term: { field: 'title', suggest_mode: 'always', max_term_freq: 1000 } } } });
    assert.deepEqual(always.suggest.s[0].options.map((o: any) => o.text), ['engines', 'engineer']);
    const popular = search({ size: 0, suggest: { s: { text: 'engines', term: { field: 'title', suggest_mode: 'popular', max_term_freq: 1000 } } } });
    assert.deepEqual(popular.suggest.s[0].options.map((o: any) => o.text), ['engine']);
    const one = search({ size: 0, suggest: { s: { text: 'enginr', term: { field: 'title', size: 1, sort: 'frequency' } } } });
    assert.equal(one.suggest.s[0].options.length, 1);
    const short = search({ size: 0, suggest: { s: { text: 'srch', term: { field: 'title', min_word_length: 5 } } } });
    assert.deepEqual(short.suggest.s[0].options, []);
    const unmapped = search({ size: 0, suggest: { s: { text: 'serch', term: { field: 'nope' } } } });
    assert.deepEqual(unmapped.suggest.s[0].options, []);
  });

  it('suggest errors: phrase and completion are 400s naming them; bounds', () => {
    throws4xx(() => search({ suggest: { s: { text: 'x', phrase: { field: 'title' } } } }), 'illegal_argument_exception', /\[phrase\] suggester is not supported/);
    throws4xx(() => search({ suggest: { s: { prefix: 'x', completion: { field: 'title' } } } }), 'illegal_argument_exception', /\[completion\] suggester is not supported/);
    throws4xx(() => search({ suggest: { s: { term: { field: 'title' } } } }), 'illegal_argument_exception', 'The required text option is missing');
    throws4xx(() => search({ suggest: { s: { text: 'x', term: { field: 'title', max_edits: 3 } } } }), 'illegal_argument_exception');
    throws4xx(() => search({ suggest: { s: { text: 'x', term: { field: 'user' } } } }), 'illegal_argument_exception', /use a text field/);
    const many = Array.from({ length: 65 }, (_, i) => `w${i}`).join(' ');
    throws4xx(() => search({ suggest: { s: { text: many, term: { field: 'title' } } } }), 'illegal_argument_exception', /more than \[64\] tokens/);
  });

  it('other unsupported body keys still name the feature', () => {
    for (const k of ['rescore', 'knn', 'runtime_mappings', 'script_fields', 'slice', 'retriever', 'rank']) {
      throws4xx(() => search({ [k]: {} }), 'illegal_argument_exception', `[${k}] is not supported by the embedded index`);
    }
  });
});
