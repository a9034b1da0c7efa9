/**
 * Scroll on the embedded index: `_search?scroll`, `POST /_search/scroll`, `DELETE
 * /_search/scroll` — paging every document once in `_doc` order (constant memory), scored
 * scrolls by offset, totals on every page, expiry, clearing, the bounds, and the official
 * client's `helpers.scrollSearch` over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { ScrollContexts } from '../../content-index/scroll.js';
import { startIndexServer } from './index-server.fixture.js';

const N = 2_500;

function bulkBody(n: number, from = 0): string {
  let out = '';
  for (let i = from; i < from + n; i++) {
    out += JSON.stringify({ index: { _index: 'docs', _id: `d${i}` } }) + '\n';
    out += JSON.stringify({ title: i % 10 === 0 ? 'quarterly report' : 'note', n: i }) + '\n';
  }
  return out;
}

for (const threads of [undefined, 0]) {
  describe(`scroll (${threads === 0 ? 'on the main thread' : 'on the search threads'})`, () => {
    let srv: Awaited<ReturnType<typeof startIndexServer>>;
    before(async () => {
      srv = await startIndexServer({ listen: true, index: threads === 0 ? { search: { threads: 0 } } : {} });
      ok(await srv.inject({ method: 'POST', url: '/_bulk', headers: { 'content-type': 'application/x-ndjson' }, body: bulkBody(N) }));
    });
    after(() => srv.close());
    const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });

    it('walks every document once in _doc order, with the same total on every page', async () => {
      let page = ok(await req('POST', '/docs/_search?scroll=1m', { size: 1000, sort: ['_doc'], _source: false }));
      const seen = new Set<string>();
      const sizes: number[] = [];
      const id = page._scroll_id as string;
      assert.match(id, /^[A-Za-z0-9_-]{32}$/);
      for (;;) {
        assert.deepEqual(page.hits.total, { value: N, relation: 'eq' });
        assert.equal(page._scroll_id, id);
        sizes.push(page.hits.hits.length);
        if (page.hits.hits.length === 0) break;
        for (const h of page.hits.hits) {
          assert.ok(!seen.has(h._id), `${h._id} returned twice`);
          seen.add(h._id);
        }
        page = ok(await req('POST', '/_search/scroll', { scroll: '1m', scroll_id: id }));
      }
      assert.deepEqual(sizes, [1000, 1000, 500, 0]);
      assert.equal(seen.size, N);
      assert.deepEqual(ok(await req('DELETE', '/_search/scroll', { scroll_id: [id] })), { succeeded: true, num_freed: 1 });
      assertError(await req('POST', '/_search/scroll', { scroll_id: id }), 404, 'search_context_missing_exception', `No search context found for id [${id}]`);
      const again = await req('DELETE', `/_search/scroll/${id}`);
      assert.equal(again.statusCode, 404);
      assert.deepEqual(JSON.parse(again.body), { succeeded: true, num_freed: 0 });
    });

    it('a filter scroll without sort pages in rowid order; a scored one pages by score', async () => {
      let page = ok(await req('POST', '/docs/_search?scroll=30s&size=100', { query: { term: { 'title.keyword': 'quarterly report' } } }));
      let count = 0;
      while (page.hits.hits.length) {
        count += page.hits.hits.length;
        page = ok(await req('GET', `/_search/scroll?scroll=30s&scroll_id=${page._scroll_id}`));
      }
      assert.equal(count, N / 10);
      page = ok(await req('POST', '/docs/_search?scroll=30s&size=200&rest_total_hits_as_int=true', { query: { match: { title: 'quarterly note' } } }));
      assert.equal(page.hits.total, N);
      const ids = new Set<string>();
      let last = Infinity;
      while (page.hits.hits.length) {
        for (const h of page.hits.hits) {
          assert.ok(h._score <= last + 1e-9, 'scores descend across pages');
          last = h._score;
          ids.add(h._id);
        }
        page = ok(await req('POST', '/_search/scroll?rest_total_hits_as_int=true', { scroll_id: page._scroll_id }));
        assert.equal(page.hits.total, N);
      }
      assert.equal(ids.size, N);
    });

    it('refuses what Elasticsearch refuses in a scroll, and unknown ids', async () => {
      assertError(await req('POST', '/docs/_search?scroll=1m', { from: 5 }), 400, 'action_request_validation_exception', 'Validation Failed: 1: using [from] is not allowed in a scroll context;');
      assertError(await req('POST', '/docs/_search?scroll=1m', { track_total_hits: false }), 400, 'action_request_validation_exception', /disabling \[track_total_hits\]/);
      assertError(await req('POST', '/docs/_search?scroll=2d'), 400, 'illegal_argument_exception', /Keep alive for request \(2d\) is too large\. It must be less than \(1d\)/);
      assertError(await req('POST', '/docs/_search?scroll=soon'), 400, 'parse_exception', /failed to parse setting \[scroll\]/);
      assertError(await req('POST', '/_search/scroll', { scroll_id: 'nope' }), 404, 'search_context_missing_exception');
      assertError(await req('POST', '/_search/scroll', {}), 400, 'action_request_validation_exception', 'Validation Failed: 1: scrollId is missing;');
      assertError(await req('POST', '/_search/scroll', { scroll_id: 'x', bogus: 1 }), 400, 'illegal_argument_exception', /Unknown parameter \[bogus\]/);
      assertError(await req('DELETE', '/_search/scroll', {}), 400, 'action_request_validation_exception', 'Validation Failed: 1: no scroll ids specified;');
      assertError(await req('POST', '/nope/_search?scroll=1m'), 404, 'index_not_found_exception');
    });

    it('the official client walks the index with helpers.scrollSearch over HTTP', async () => {
      const es = new Client({ node: srv.url });
      try {
        let n = 0;
        for await (const result of es.helpers.scrollSearch({ index: 'docs', size: 700, sort: ['_doc'], _source: false })) {
          n += result.body.hits.hits.length;
        }
        assert.equal(n, N);
        const r = await es.search({ index: 'docs', scroll: '1m', size: 10 });
        assert.equal((await es.clearScroll({ scroll_id: r._scroll_id! })).num_freed, 1);
      } finally {
        await es.close();
      }
    });
  });
}

describe('scroll contexts', () => {
  it('expire after their keep-alive, are bounded in number, and belong to their owner', () => {
    let now = 1_000;
    const s = new ScrollContexts({ maxOpen: 2, maxKeepAliveMs: 60_000 }, () => now);
    try {
      const ctx = { index: 'i', body: undefined, params: {}, cursor: { after: 0 }, total: undefined };
      const a = s.add({ ...ctx, owner: 'alice' }, 1_000);
      s.add({ ...ctx, owner: 'bob' }, 5_000);
      assert.throws(() => s.add(ctx, 1_000), (e: { type: string; status: number }) => e.type === 'too_many_scroll_contexts_exception' && e.status === 429);
      assert.throws(() => s.take(a, 'bob'), (e: { type: string }) => e.type === 'search_context_missing_exception');
      const c = s.take(a, 'alice');
      assert.throws(() => s.take(a, 'alice'), /already being read/);
      s.release(c, { after: 7 });
      assert.equal(s.take(a, 'alice').cursor.after, 7);
      s.release(c, null);
      now += 1_001;
      assert.throws(() => s.take(a, 'alice'), (e: { type: string }) => e.type === 'search_context_missing_exception');
      assert.equal(s.size(), 1);
      s.add(ctx, 1_000); // room again after the expiry
      assert.equal(s.clear('_all', 'bob'), 1);
      assert.equal(s.clear('_all', 'bob'), 0);
      assert.throws(() => s.keepAlive(60_001), /too large/);
    } finally {
      s.close();
    }
  });
});
