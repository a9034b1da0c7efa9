/** `_delete_by_query` of the embedded index. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejects4xx, tempIndex, type TempIndex } from './temp-index.fixture.js';

describe('embedded index: _delete_by_query', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    t.ci.bulk(Array.from({ length: 2500 }, (_, i) => ({
      action: 'index' as const, index: 'd', id: String(i),
      source: { gen: i % 3, kind: i % 2 ? 'odd' : 'even', title: i % 10 === 0 ? 'tenth document' : 'plain document' },
    })));
  });
  after(() => t.cleanup());

  it('deletes by range in batches and answers like Elasticsearch', async () => {
    const res = await t.ci.deleteByQuery('d', { query: { range: { gen: { lt: 1 } } } }, { scroll_size: 300 });
    assert.equal(res.deleted, 834);
    assert.equal(res.total, 834);
    assert.equal(res.batches, 3);
    assert.deepEqual(res.failures, []);
    assert.equal(res.timed_out, false);
    for (const k of ['took', 'version_conflicts', 'noops', 'retries', 'throttled_millis', 'requests_per_second', 'throttled_until_millis']) {
      assert.ok(k in res, k);
    }
    assert.equal(t.ci.count('d').count, 2500 - 834);
    assert.equal(t.ci.count('d', { query: { term: { gen: 0 } } }).count, 0);
  });

  it('deletes by term, by full text, with max_docs, and by q', async () => {
    assert.equal((await t.ci.deleteByQuery('d', { query: { term: { kind: 'odd' } }, max_docs: 10 })).deleted, 10);
    const before = t.ci.count('d', { query: { term: { 'kind.keyword': 'odd' } } }).count;
    assert.equal((await t.ci.deleteByQuery('d', { query: { term: { 'kind.keyword': 'odd' } } })).deleted, before);
    const tenth = t.ci.count('d', { query: { match: { title: 'tenth' } } }).count;
    assert.ok(tenth > 0);
    assert.equal((await t.ci.deleteByQuery('d', { query: { match: { title: 'tenth' } } })).deleted, tenth);
    assert.equal(t.ci.count('d', { query: { match: { title: 'document' } } }).count, t.ci.count('d').count, 'FTS rows went with the documents');
    const q = await t.ci.deleteByQuery('d', undefined, { q: 'gen:2' });
    assert.ok(q.deleted > 0);
    assert.equal(t.ci.count('d', { query: { term: { gen: 2 } } }).count, 0);
    assert.equal((await t.ci.deleteByQuery('d', { query: { match_none: {} } })).deleted, 0);
  });

  it('match_all empties the index but keeps it', async () => {
    const n = t.ci.count('d').count;
    assert.equal((await t.ci.deleteByQuery('d', { query: { match_all: {} } })).deleted, n);
    assert.equal(t.ci.count('d').count, 0);
    assert.equal(t.ci.exists('d'), true);
  });

  it('bad requests are 4xx', async () => {
    await rejects4xx(t.ci.deleteByQuery('d', {}), 'action_request_validation_exception');
    await rejects4xx(t.ci.deleteByQuery('d', { query: { nope: {} } }), 'parsing_exception');
    await rejects4xx(t.ci.deleteByQuery('d', { query: { match_all: {} }, size: 3 }), 'parsing_exception');
    await rejects4xx(t.ci.deleteByQuery('missing', { query: { match_all: {} } }), 'index_not_found_exception');
  });
});
