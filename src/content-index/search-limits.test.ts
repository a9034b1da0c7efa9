/**
 * Limits of reads of the embedded index (issue 11 items 7 and 18): query size (clause count,
 * nesting), searches on the search threads (read-your-writes, time budget with partial results,
 * hard limit, full queue), and the numeric search parameters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../domain/errors.js';
import { ContentIndex } from './content-index.js';
import { tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function fill(ci: ContentIndex, n: number): void {
  const items = [];
  for (let i = 0; i < n; i++) {
    const body = Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 5) % WORDS.length] + ((i + j) % 50)).join(' ');
    items.push({ action: 'index' as const, index: 'docs', id: String(i), source: { title: `common ${WORDS[i % WORDS.length]}`, body, n: i, tags: ['x', `t${i % 10}`] } });
  }
  ci.bulk(items as never);
}

async function rejects(p: Promise<unknown>, type: string, status = 400): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    assert.equal(e.type, type, e.reason);
    assert.equal(e.status, status);
    return e;
  }
  assert.fail(`expected ${type}`);
}

/** `n` match clauses on words of the documents `offset`, `offset + 1`, … (the first word of each body). */
const matches = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, k) => ({ match: { body: `${WORDS[((k + offset) * 7) % WORDS.length]}${(k + offset) % 50}` } }));

describe('embedded index: query size limits', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    fill(t.ci, 300);
  });
  after(() => t.cleanup());

  it('a scored bool of 70 full-text clauses runs (SQLite joins at most 64 tables), and so does a 15-clause one after it', () => {
    const wide = t.ci.search('docs', { query: { bool: { should: matches(70) } }, size: 5 }) as unknown as { hits: { total: { value: number }; hits: unknown[] } };
    assert.ok(wide.hits.total.value > 0, 'wide');
    assert.equal(wide.hits.hits.length, 5);
    const narrow = t.ci.search('docs', { query: { bool: { should: matches(15, 3) } } }) as unknown as { hits: { total: { value: number } } };
    assert.ok(narrow.hits.total.value > 0, 'narrow');
  });

  it('more clauses than max_clause_count: 400 too_many_clauses, and later scored queries still work', () => {
    throws4xx(() => t.ci.search('docs', { query: { bool: { should: matches(1025) } } }), 'too_many_clauses', 'maxClauseCount is set to 1024');
    const nested = { bool: { should: [{ bool: { should: matches(600) } }, { bool: { should: matches(600, 1) } }] } };
    throws4xx(() => t.ci.search('docs', { query: nested }), 'too_many_nested_clauses', /too many nested clauses; maxClauseCount is set to 1024/);
    const after = t.ci.search('docs', { query: { bool: { should: matches(15, 7) } } }) as unknown as { hits: { total: { value: number } } };
    assert.ok(after.hits.total.value > 0, 'after');
  });

  it('nesting deeper than max_nested_depth is a 400, even thousands of levels deep (no stack overflow)', () => {
    const nest = (depth: number) => {
      let q: unknown = { match: { body: 'alpha1' } };
      for (let i = 0; i < depth; i++) q = { bool: { must: [q] } };
      return q;
    };
    assert.ok(t.ci.search('docs', { query: nest(25) }));
    for (const depth of [30, 5000]) {
      throws4xx(() => t.ci.search('docs', { query: nest(depth) }), 'illegal_argument_exception', /maximum nested depth for queries set in \[indices.query.bool.max_nested_depth\]/);
    }
    const parens = '('.repeat(5000) + 'alpha1' + ')'.repeat(5000);
    throws4xx(() => t.ci.search('docs', { query: { query_string: { query: parens } } }), 'illegal_argument_exception', /maximum nested depth/);
  });

  it('track_total_hits: 1e20 and values below -1 are 400s; -1 disables the total as in Elasticsearch', () => {
    const e = throws4xx(() => t.ci.search('docs', { track_total_hits: 1e20 }), 'x_content_parse_exception');
    assert.match(e.causedBy!.reason, /out of range for an integer/);
    throws4xx(() => t.ci.search('docs', {}, { track_total_hits: '1e20' }), 'x_content_parse_exception');
    throws4xx(() => t.ci.search('docs', { track_total_hits: -2 }), 'illegal_argument_exception', '[track_total_hits] parameter must be positive or equals to -1, got -2');
    const none = t.ci.search('docs', { track_total_hits: -1 }) as { hits: Record<string, unknown> };
    assert.equal('total' in none.hits, false);
  });

  it('other numeric parameters: out-of-range from/size, highlight sizes, max_docs and scroll_size are 400s', async () => {
    throws4xx(() => t.ci.search('docs', { size: 1e20 }), 'x_content_parse_exception');
    throws4xx(() => t.ci.search('docs', { from: 9_000, size: 2_000 }), 'illegal_argument_exception', /Result window is too large/);
    throws4xx(() => t.ci.search('docs', { size: -1 }), 'illegal_argument_exception');
    for (const bad of [-1, 'x', 1e20]) {
      throws4xx(() => t.ci.search('docs', { query: { match: { body: 'alpha1' } }, highlight: { fields: { body: { fragment_size: bad } } } }), 'parsing_exception');
      throws4xx(() => t.ci.search('docs', { query: { match: { body: 'alpha1' } }, highlight: { number_of_fragments: bad, fields: { body: {} } } }), 'parsing_exception');
    }
    for (const [params, type] of [[{ scroll_size: 'abc' }, 'illegal_argument_exception'], [{ scroll_size: 0 }, 'illegal_argument_exception'], [{ max_docs: 0 }, 'action_request_validation_exception']] as const) {
      await rejects(t.ci.deleteByQuery('docs', { query: { match_all: {} } }, params as never), type);
    }
    assert.equal((t.ci.count('docs') as { count: number }).count, 300);
  });
});

describe('embedded index: search threads', () => {
  let t: TempIndex;
  let ci: ContentIndex;
  before(() => {
    t = tempIndex();
    ci = new ContentIndex(t.path, { search: { threads: 1, maxQueue: 1, timeoutMs: 10_000, hardTimeoutMs: 20_000 } });
    fill(ci, 4000);
  });
  after(async () => {
    await ci.close();
    t.cleanup();
  });

  it('a search sent right after a write sees it (read-your-writes), and a new field is searchable at once', async () => {
    ci.indexDocument('docs', 'fresh', { title: 'zebra crossing', brand_new: 'okapi' });
    const r = (await ci.searchAsync('docs', { query: { match: { brand_new: 'okapi' } } })) as { hits: { hits: { _id: string }[] } };
    assert.deepEqual(r.hits.hits.map((h) => h._id), ['fresh']);
    const c = (await ci.countAsync('docs', { query: { match: { title: 'zebra' } } })) as { count: number };
    assert.equal(c.count, 1);
    ci.deleteDocument('docs', 'fresh');
    assert.equal(((await ci.countAsync('docs', { query: { match: { title: 'zebra' } } })) as { count: number }).count, 0);
    await rejects(ci.searchAsync('missing', {}), 'index_not_found_exception', 404);
  });

  it('over its timeout a search answers timed_out: true with the partial hits gathered so far', async () => {
    const full = (await ci.searchAsync('docs', { query: { match: { title: 'common' } }, track_total_hits: true })) as { timed_out: boolean; hits: { total: { value: number } } };
    assert.equal(full.timed_out, false);
    assert.equal(full.hits.total.value, 4000);
    const cut = (await ci.searchAsync('docs', { query: { match: { title: 'common' } }, track_total_hits: true }, { timeout: '0ms' })) as { timed_out: boolean; hits: { total: { value: number } } };
    assert.equal(cut.timed_out, true);
    assert.ok(cut.hits.total.value < 4000, `partial total ${cut.hits.total.value}`);
    const body = (await ci.searchAsync('docs', { query: { match: { title: 'common' } }, timeout: '0ms' })) as { timed_out: boolean };
    assert.equal(body.timed_out, true);
  });

  it('a full queue refuses searches with 429 es_rejected_execution_exception; the others complete', async () => {
    const slow = { query: { bool: { should: matches(40), filter: [{ range: { n: { gte: 0 } } }] } }, size: 500, highlight: { fields: { body: {} } } };
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ci.searchAsync('docs', slow)));
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as ApiError);
    assert.ok(rejected.length >= 3, `rejected ${rejected.length}`);
    for (const e of rejected) {
      assert.equal(e.type, 'es_rejected_execution_exception');
      assert.equal(e.status, 429);
    }
    assert.ok(results.some((r) => r.status === 'fulfilled'));
  });
});

describe('embedded index: hard time limit', () => {
  it('a read past content.search.hard_timeout is cancelled with 400 task_cancelled_exception; the pool keeps serving', async () => {
    const t = tempIndex();
    const ci = new ContentIndex(t.path, { search: { threads: 1, timeoutMs: 1, hardTimeoutMs: 1 } });
    try {
      fill(ci, 3000);
      // A term of several words on a text field reads every `_source` (keywords have doc values);
      // one such clause takes about 1 ms on a quiet machine, so sixteen of them: well past 1 ms.
      const slow = { bool: { should: Array.from({ length: 16 }, (_, k) => ({ term: { body: `no such words ${k}` } })), minimum_should_match: 1 } };
      await rejects(ci.searchAsync('docs', { query: { bool: { filter: [slow] } } }), 'task_cancelled_exception');
      await rejects(ci.deleteByQuery('docs', { query: slow }), 'task_cancelled_exception');
      await rejects(ci.countAsync('docs', { query: slow }), 'task_cancelled_exception');
    } finally {
      await ci.close();
      t.cleanup();
    }
  });

  it('a thread that does not come back from SQLite by then is terminated and replaced; the request gets the same 400', async () => {
    const t = tempIndex();
    // 10 000 documents, all of them on the page: the slow search below takes several hundred ms, well past the 100 ms the pool allows.
    fill(t.ci, 10_000);
    // The thread's own budget would allow a minute; the pool gives up after 100 ms and terminates it.
    const ci = new ContentIndex(t.path, { search: { threads: 1, timeoutMs: 60_000, hardTimeoutMs: 60_000, terminateGraceMs: -59_900 } });
    const quick = { query: { ids: { values: ['1', '2'] } } };
    // Reads queued while a thread starts hit the 100 ms limit too: retry until one is served.
    const countWhenReady = async () => {
      for (let i = 0; i < 100; i++) {
        try {
          return ((await ci.countAsync('docs', quick)) as { count: number }).count;
        } catch (e) {
          assert.equal((e as ApiError).type, 'task_cancelled_exception');
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return undefined;
    };
    const slow = {
      // Patterns and sorts on the text fields themselves read every `_source` (no doc values).
      query: { bool: { should: [{ wildcard: { body: '*a*9*' } }, { wildcard: { title: '*o*' } }, ...['*b*8*', '*c*7*', '*d*6*', '*e*5*', '*f*4*', '*g*3*'].map((p) => ({ wildcard: { body: p } })), { term: { body: 'zz yy' } }, { match_phrase: { body: 'alpha0 foxtrot1' } }], minimum_should_match: 1 } },
      sort: [{ body: 'desc' }, { title: 'asc' }], size: 10_000, track_total_hits: true, highlight: { fields: { body: {} } },
    };
    try {
      assert.equal(await countWhenReady(), 2);
      const before = ci.searchThreadIds();
      await rejects(ci.searchAsync('docs', slow), 'task_cancelled_exception');
      assert.equal(await countWhenReady(), 2);
      const now = ci.searchThreadIds();
      assert.equal(now.length, 1);
      assert.notDeepEqual(now, before, 'the thread was replaced');
    } finally {
      await ci.close();
      t.cleanup();
    }
  });
});
