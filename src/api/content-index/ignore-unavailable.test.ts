/** `ignore_unavailable=true` on a missing index answers as over no index; without it, 404. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startIndexServer } from './index-server.fixture.js';

describe('ignore_unavailable on a missing index', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  before(async () => (srv = await startIndexServer()));
  after(() => srv.close());
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });
  const noShards = { total: 0, successful: 0, skipped: 0, failed: 0 };

  it('answers empty, as Elasticsearch does', async () => {
    assert.deepEqual(ok(await req('GET', '/gone?ignore_unavailable=true')), {});
    assert.deepEqual(ok(await req('GET', '/gone/_mapping?ignore_unavailable=true')), {});
    assert.deepEqual(ok(await req('POST', '/gone/_refresh?ignore_unavailable=true')), { _shards: { total: 0, successful: 0, failed: 0 } });
    assert.deepEqual(ok(await req('POST', '/gone/_count?ignore_unavailable=true', { query: { match_all: {} } })), { count: 0, _shards: noShards });
    const s = ok(await req('POST', '/gone/_search?ignore_unavailable=true'));
    assert.deepEqual(s.hits, { total: { value: 0, relation: 'eq' }, max_score: 0, hits: [] });
    assert.deepEqual(s._shards, noShards);
    assert.equal(ok(await req('GET', '/gone/_search?ignore_unavailable=true&rest_total_hits_as_int=true')).hits.total, 0);
    assert.deepEqual(ok(await req('DELETE', '/gone?ignore_unavailable=true')), { acknowledged: true });
  });

  it('still 404 without it, and an existing index is read as usual', async () => {
    for (const [m, u] of [['GET', '/gone'], ['GET', '/gone/_mapping'], ['POST', '/gone/_refresh'], ['POST', '/gone/_count'], ['POST', '/gone/_search'], ['DELETE', '/gone']]) {
      assertError(await req(m, u), 404, 'index_not_found_exception', 'no such index [gone]');
    }
    ok(await req('PUT', '/here/_doc/1?refresh=true', { a: 1 }), 201);
    assert.equal(ok(await req('POST', '/here/_count?ignore_unavailable=true')).count, 1);
    assert.equal(ok(await req('POST', '/here/_search?ignore_unavailable=true')).hits.hits.length, 1);
  });
});
