/**
 * Deep paging on the embedded index over real HTTP: `search_after` walks (ties on the sort
 * field, missing values, both directions) that equal the full sorted result with no duplicate
 * or missing hit, points in time (`POST /<index>/_pit`, `pit` in `/_search`, `DELETE /_pit`)
 * seeing the documents of when they opened under concurrent writes, expiry, the bound on open
 * points in time, bad inputs, and the official client's `openPointInTime` / `search` /
 * `closePointInTime`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { PitContexts } from '../../content-index/pit.js';
import { ScrollContexts } from '../../content-index/scroll.js';
import { startIndexServer } from './index-server.fixture.js';

const N = 5_000;
const G = 37;

/** Document i: `g` (ties: N / G per value; missing on every 50th), `n` unique, `k` a keyword. */
function doc(i: number): Record<string, unknown> {
  return { ...(i % 50 === 0 ? {} : { g: i % G }), n: i, k: `k${String(i % 101).padStart(3, '0')}`, title: i % 7 === 0 ? 'seven' : 'other' };
}

function bulkBody(from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += JSON.stringify({ index: { _index: 'deep', _id: `d${i}` } }) + '\n' + JSON.stringify(doc(i)) + '\n';
  return out;
}

for (const threads of [undefined, 0]) {
  describe(`deep paging (${threads === 0 ? 'on the main thread' : 'on the search threads'})`, () => {
    let srv: Awaited<ReturnType<typeof startIndexServer>>;
    const http = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(srv.url + path, {
        method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    before(async () => {
      srv = await startIndexServer({ listen: true, index: { ...(threads === 0 ? { search: { threads: 0 } } : {}), pit: { maxOpen: 3 } } });
      const m = await http('PUT', '/deep', { mappings: { properties: { g: { type: 'long' }, n: { type: 'long' }, k: { type: 'keyword' }, title: { type: 'text' } } } });
      assert.equal(m.status, 200);
      const res = await fetch(srv.url + '/_bulk?refresh=true', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: bulkBody(0, N) });
      assert.equal(res.status, 200);
    });
    after(() => srv.close());

    /** Walks `body` with search_after in pages of `size`; the ids in order. */
    async function walk(path: string, body: Record<string, unknown>, size: number, onPage?: (page: number) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let last: unknown[] | undefined;
      let pages = 0;
      for (;;) {
        const r = await http('POST', path, { ...body, size, _source: false, ...(last ? { search_after: last } : {}) });
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const hits = r.json.hits.hits as { _id: string; sort: unknown[] }[];
        pages++;
        if (hits.length === 0) break;
        for (const h of hits) ids.push(h._id);
        last = hits[hits.length - 1].sort;
        assert.ok(pages < 1000);
        await onPage?.(pages);
      }
      return { ids, pages };
    }

    const byG = (desc: boolean) => (a: number, b: number) => {
      const ga = doc(a).g as number | undefined;
      const gb = doc(b).g as number | undefined;
      if (ga === undefined || gb === undefined) return ga === gb ? 0 : ga === undefined ? 1 : -1; // missing last
      return desc ? gb - ga : ga - gb;
    };
    const all = Array.from({ length: N }, (_, i) => i);

    it('search_after with a unique tiebreaker field walks every document once, in the full sort order', async () => {
      for (const desc of [false, true]) {
        const sort = [{ g: desc ? 'desc' : 'asc' }, { n: 'desc' }];
        const { ids, pages } = await walk('/deep/_search', { sort }, 333);
        const expected = [...all].sort((a, b) => byG(desc)(a, b) || b - a).map((i) => `d${i}`);
        assert.equal(new Set(ids).size, ids.length, 'no duplicates');
        assert.deepEqual(ids, expected);
        assert.equal(pages, Math.ceil(N / 333) + 1);
      }
    });

    it('search_after on a keyword sort with a query (full text) and ties', async () => {
      const sort = [{ k: 'asc' }, { n: 'asc' }];
      const { ids } = await walk('/deep/_search', { sort, query: { match: { title: 'seven' } } }, 100);
      const expected = all.filter((i) => i % 7 === 0).sort((a, b) => (doc(a).k as string).localeCompare(doc(b).k as string) || a - b).map((i) => `d${i}`);
      assert.deepEqual(ids, expected);
    });

    it('a point in time with the implicit _shard_doc tiebreaker pages ties without loss and ignores later writes', async () => {
      const open = await http('POST', '/deep/_pit?keep_alive=1m');
      assert.equal(open.status, 200);
      const id = open.json.id as string;
      assert.match(id, /^[A-Za-z0-9_-]{32}$/);
      // Written after the point in time opened: a new document, a deletion, an update.
      const w = await fetch(srv.url + '/_bulk?refresh=true', {
        method: 'POST', headers: { 'content-type': 'application/x-ndjson' },
        body: bulkBody(N, N + 10) + JSON.stringify({ delete: { _index: 'deep', _id: 'd1' } }) + '\n' +
          JSON.stringify({ index: { _index: 'deep', _id: 'd2' } }) + '\n' + JSON.stringify({ ...doc(2), updated: true }) + '\n',
      });
      assert.equal(w.status, 200);
      // A new document created at a reused rowid is not seen either: delete the highest, re-create one.
      await http('DELETE', `/deep/_doc/d${N + 9}`);
      await http('PUT', '/deep/_doc/late?refresh=true', { g: 1, n: -1 });
      const first = await http('POST', '/_search', { pit: { id, keep_alive: '1m' }, size: 3, sort: [{ g: 'asc' }] });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      assert.equal(first.json.pit_id, id);
      assert.equal(first.json.hits.hits[0].sort.length, 2, 'the _shard_doc tiebreaker is in sort');
      const { ids } = await walk('/_search', { pit: { id, keep_alive: '1m' }, sort: [{ g: 'asc' }] }, 250);
      // Documents of when it opened, less the one deleted since (documented: no old versions).
      const expected = all.filter((i) => i !== 1).sort((a, b) => byG(false)(a, b) || a - b).map((i) => `d${i}`);
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual(ids, expected);
      const total = await http('POST', '/_search', { pit: { id }, size: 0, track_total_hits: true });
      assert.deepEqual(total.json.hits.total, { value: N - 1, relation: 'eq' });
      const now = await http('POST', '/deep/_search', { size: 0, track_total_hits: true });
      assert.equal(now.json.hits.total.value, N - 1 + 10);
      assert.deepEqual((await http('DELETE', '/_pit', { id })).json, { succeeded: true, num_freed: 1 });
      const gone = await http('DELETE', '/_pit', { id });
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.json, { succeeded: true, num_freed: 0 });
      const closed = await http('POST', '/_search', { pit: { id } });
      assert.equal(closed.status, 404);
      assert.equal(closed.json.error.type, 'search_context_missing_exception');
    });

    it('a document created after the point in time at a reused rowid stays unseen; an updated one shows its current version', async () => {
      await http('PUT', '/small/_doc/a', { v: 1 });
      await http('PUT', '/small/_doc/b?refresh=true', { v: 2 });
      const id = (await http('POST', '/small/_pit?keep_alive=1m')).json.id as string;
      // SQLite gives the next document the rowid of the deleted highest one.
      await http('DELETE', '/small/_doc/b');
      await http('PUT', '/small/_doc/c', { v: 3 });
      await http('PUT', '/small/_doc/a?refresh=true', { v: 10 });
      const r = await http('POST', '/_search', { pit: { id }, sort: [{ v: 'asc' }] });
      assert.deepEqual(r.json.hits.hits.map((h: any) => [h._id, h._source.v]), [['a', 10]]);
      assert.equal((await http('POST', '/small/_search', {})).json.hits.total.value, 2);
      await http('DELETE', '/_pit', { id });
    });

    it('a walk on a point in time while documents are written between its pages returns the documents of when it opened, once each', async () => {
      const id = (await http('POST', '/deep/_pit?keep_alive=1m')).json.id as string;
      const before = (await http('POST', '/deep/_search', { size: 0, track_total_hits: true })).json.hits.total.value as number;
      let next = 100_000;
      const { ids } = await walk('/_search', { pit: { id, keep_alive: '1m' }, sort: [{ g: 'desc' }] }, 400, async (page) => {
        // New documents with every sort value, and in-place rewrites of documents not yet returned (same sort value).
        let body = '';
        for (let j = 0; j < 40; j++, next++) body += JSON.stringify({ index: { _index: 'deep', _id: `w${next}` } }) + '\n' + JSON.stringify(doc(next)) + '\n';
        for (let j = 0; j < 10; j++) {
          const i = 3 + page * 10 + j;
          body += JSON.stringify({ index: { _index: 'deep', _id: `d${i}` } }) + '\n' + JSON.stringify({ ...doc(i), rewritten: page }) + '\n';
        }
        const r = await fetch(srv.url + '/_bulk', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        assert.equal(r.status, 200);
      });
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.equal(ids.length, before);
      assert.ok(ids.every((x) => !x.startsWith('w')), 'nothing created after the point in time');
      const after = (await http('POST', '/deep/_search', { size: 0, track_total_hits: true })).json.hits.total.value as number;
      assert.ok(after > before + 400);
      await http('DELETE', '/_pit', { id });
    });

    it('answers 400 as Elasticsearch for bad search_after, pit with an index, missing keep_alive', async () => {
      const cases: [string, string, unknown, RegExp][] = [
        ['POST', '/deep/_search', { search_after: [1] }, /Sort must contain at least one field\./],
        ['POST', '/deep/_search', { sort: [{ g: 'asc' }, { n: 'asc' }], search_after: [1] }, /search_after has 1 value\(s\) but sort has 2\./],
        ['POST', '/deep/_search', { sort: [{ g: 'asc' }], search_after: ['x'] }, /Failed to parse search_after value for field \[g\]\./],
        ['POST', '/deep/_search', { sort: [{ g: 'asc' }], search_after: [{}] }, /Failed to parse search_after value for field \[g\]\./],
        ['POST', '/deep/_search', { sort: [{ g: 'asc' }], search_after: 3 }, /must be an array/],
        ['POST', '/deep/_search', { sort: [{ g: 'asc' }], search_after: [1], from: 5 }, /`from` parameter must be set to 0 when `search_after` is used\./],
        ['POST', '/deep/_search?scroll=1m', { sort: [{ g: 'asc' }], search_after: [1] }, /`search_after` cannot be used in a scroll context\./],
        ['POST', '/deep/_search', { pit: { id: 'x' } }, /\[indices\] cannot be used with point in time\. Do not specify any index with point in time\./],
        ['POST', '/_search', { query: { match_all: {} } }, /names its index/],
        ['POST', '/deep/_pit', undefined, /\[keep_alive\] is not specified/],
        ['POST', '/deep/_pit?keep_alive=2d', undefined, /Keep alive for request \(2d\) is too large/],
        ['POST', '/deep/_pit?keep_alive=soon', undefined, /keep_alive/],
        ['DELETE', '/_pit', {}, /\[id\] of the point in time is missing/],
      ];
      for (const [method, path, body, reason] of cases) {
        const r = await http(method, path, body);
        assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
        assert.match(r.json.error.reason, reason);
      }
      assert.equal((await http('POST', '/missing/_pit?keep_alive=1m')).status, 404);
      const unknown = await http('POST', '/_search', { pit: { id: 'nope' } });
      assert.equal(unknown.status, 404);
    });

    it('bounds open points in time (429) and frees them on close', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await http('POST', '/deep/_pit?keep_alive=1m')).json.id);
      const over = await http('POST', '/deep/_pit?keep_alive=1m');
      assert.equal(over.status, 429);
      assert.match(over.json.error.reason, /too many point in time contexts/);
      for (const id of ids) assert.equal((await http('DELETE', '/_pit', { id })).status, 200);
      const again = await http('POST', '/deep/_pit?keep_alive=1m');
      assert.equal(again.status, 200);
      await http('DELETE', '/_pit', { id: again.json.id });
    });

    it('the official client: openPointInTime, search with pit + search_after + sort, closePointInTime', async () => {
      const es = new Client({ node: srv.url });
      try {
        const pit = await es.openPointInTime({ index: 'deep', keep_alive: '1m' });
        const seen: string[] = [];
        let after: any[] | undefined;
        for (;;) {
          const r = await es.search({ pit: { id: pit.id, keep_alive: '1m' }, size: 1000, sort: [{ n: 'asc' }], search_after: after, _source: false });
          assert.equal(r.pit_id, pit.id);
          if (r.hits.hits.length === 0) break;
          for (const h of r.hits.hits) seen.push(h._id!);
          after = r.hits.hits[r.hits.hits.length - 1].sort as any[];
        }
        const live = await es.count({ index: 'deep' });
        assert.equal(seen.length, live.count);
        assert.equal(new Set(seen).size, seen.length);
        const closed = await es.closePointInTime({ id: pit.id });
        assert.deepEqual(closed, { succeeded: true, num_freed: 1 });
      } finally {
        await es.close();
      }
    });
  });
}

describe('point in time contexts', () => {
  it('expire after their keep-alive, are bounded in number, and belong to their owner', () => {
    let now = 1_000;
    const pits = new PitContexts({ maxOpen: 2, maxKeepAliveMs: 60_000 }, () => now);
    const scrolls = new ScrollContexts();
    try {
      const ctx = { index: 'i', uuid: 'u', maxRowid: 1, maxSeq: 1 };
      const a = pits.add({ ...ctx, owner: 'alice' }, pits.keepAlive('1s', scrolls));
      const b = pits.add({ ...ctx, owner: 'bob' }, 5_000);
      assert.throws(() => pits.add(ctx, 1_000), /too many point in time contexts/);
      assert.throws(() => pits.get(a, 'bob'), /No search context found/);
      assert.equal(pits.close([a], 'bob'), 0);
      assert.equal(pits.get(a, 'alice', 2_000).index, 'i'); // keep-alive extended to now + 2 s
      now += 1_500;
      assert.equal(pits.get(a, 'alice').index, 'i');
      now += 1_000;
      assert.throws(() => pits.get(a, 'alice'), /No search context found/);
      assert.equal(pits.size(), 1);
      assert.throws(() => pits.keepAlive('2m', new ScrollContexts({ maxOpen: 1, maxKeepAliveMs: 60_000 })), /too large/);
      assert.equal(pits.close([b], 'bob'), 1);
    } finally {
      pits.stop();
      scrolls.close();
    }
  });
});
