/**
 * The embedded index endpoints in-process (`inject`): statuses, bodies and error types, ndjson,
 * query parameters, and routing when no content index is served.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { startIndexServer } from './index-server.fixture.js';

describe('index API (in-process)', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  before(async () => (srv = await startIndexServer()));
  after(() => srv.close());
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });

  it('index lifecycle: PUT, HEAD, GET, mapping, DELETE', async () => {
    assert.deepEqual(ok(await req('PUT', '/books', { mappings: { properties: { isbn: { type: 'keyword' } } } })), { acknowledged: true, shards_acknowledged: true, index: 'books' });
    assertError(await req('PUT', '/books'), 400, 'resource_already_exists_exception', /^index \[books\/.+\] already exists$/);
    const head = await req('HEAD', '/books');
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal((await req('HEAD', '/nope')).statusCode, 404);
    const got = ok(await req('GET', '/books'));
    assert.deepEqual(got.books.mappings, { properties: { isbn: { type: 'keyword' } } });
    assert.equal(got.books.settings.index.provided_name, 'books');
    assert.deepEqual(ok(await req('GET', '/books/_mapping')), { books: { mappings: { properties: { isbn: { type: 'keyword' } } } } });
    ok(await req('PUT', '/books/_mapping', { properties: { year: { type: 'long' } } }));
    assert.deepEqual(ok(await req('GET', '/books/_mapping')).books.mappings.properties.year, { type: 'long' });
    assertError(await req('GET', '/nope'), 404, 'index_not_found_exception', 'no such index [nope]');
    assertError(await req('GET', '/nope/_mapping'), 404, 'index_not_found_exception');
    assertError(await req('PUT', '/Bad'), 400, 'invalid_index_name_exception', 'Invalid index name [Bad], must be lowercase');
    assertError(await req('PUT', '/x', { bogus: 1 }), 400, 'x_content_parse_exception');
    assertError(await req('PUT', '/y', '{not json'), 400, 'x_content_parse_exception');
    assertError(await req('GET', '/books?bogus=1'), 400, 'illegal_argument_exception', 'request [/books] contains unrecognized parameter: [bogus]');
    assert.deepEqual(ok(await req('DELETE', '/books')), { acknowledged: true });
    assertError(await req('DELETE', '/books'), 404, 'index_not_found_exception');
  });

  it('documents: index, create, get, head, update, delete', async () => {
    const created = ok(await req('PUT', '/d/_doc/1?refresh=true', { title: 'hello' }), 201);
    assert.deepEqual(created, { _index: 'd', _id: '1', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1 });
    assert.equal(ok(await req('POST', '/d/_doc/1', { title: 'again' })).result, 'updated');
    const auto = ok(await req('POST', '/d/_doc', { title: 'auto' }), 201);
    assert.match(auto._id, /^[\w-]{20}$/);
    ok(await req('PUT', '/d/_create/2', { title: 'two' }), 201);
    assertError(await req('PUT', '/d/_create/2', { title: 'two' }), 409, 'version_conflict_engine_exception', '[2]: version conflict, document already exists (current version [1])');
    assertError(await req('POST', '/d/_create/2', { title: 'two' }), 409, 'version_conflict_engine_exception');
    assertError(await req('PUT', '/d/_doc/2?op_type=create', { title: 'two' }), 409, 'version_conflict_engine_exception');
    assertError(await req('PUT', '/d/_doc/2?op_type=bogus', { title: 'two' }), 400, 'illegal_argument_exception');
    assertError(await req('PUT', '/d/_doc/3'), 400, 'parse_exception', 'request body is required');
    const got = ok(await req('GET', '/d/_doc/1'));
    assert.deepEqual(got, { _index: 'd', _id: '1', _version: 2, _seq_no: 1, _primary_term: 1, found: true, _source: { title: 'again' } });
    assert.deepEqual(ok(await req('GET', '/d/_doc/1?_source=false')), { _index: 'd', _id: '1', _version: 2, _seq_no: 1, _primary_term: 1, found: true });
    const missing = await req('GET', '/d/_doc/zzz');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { _index: 'd', _id: 'zzz', found: false });
    assert.equal((await req('HEAD', '/d/_doc/1')).statusCode, 200);
    assert.equal((await req('HEAD', '/d/_doc/zzz')).statusCode, 404);
    assert.equal((await req('HEAD', '/nope/_doc/1')).statusCode, 404);
    assertError(await req('GET', '/nope/_doc/1'), 404, 'index_not_found_exception');
    assert.equal(ok(await req('POST', '/d/_update/1', { doc: { extra: 1 } })).result, 'updated');
    assert.equal(ok(await req('POST', '/d/_update/1', { doc: { extra: 1 } })).result, 'noop');
    assertError(await req('POST', '/d/_update/nope', { doc: { a: 1 } }), 404, 'document_missing_exception', '[nope]: document missing');
    ok(await req('POST', '/d/_update/up', { doc: { a: 1 }, doc_as_upsert: true }), 201);
    const seq = ok(await req('GET', '/d/_doc/1'))._seq_no;
    assertError(await req('PUT', `/d/_doc/1?if_seq_no=${seq + 5}&if_primary_term=1`, { a: 1 }), 409, 'version_conflict_engine_exception');
    ok(await req('PUT', `/d/_doc/1?if_seq_no=${seq}&if_primary_term=1`, { title: 'cas' }));
    assertError(await req('PUT', '/d/_doc/1?version=3', { a: 1 }), 400, 'illegal_argument_exception');
    assert.equal(ok(await req('DELETE', '/d/_doc/1')).result, 'deleted');
    const gone = await req('DELETE', '/d/_doc/1');
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().result, 'not_found');
    assertError(await req('PUT', '/d/_doc/4', { n: 1 }).then(() => req('PUT', '/d/_doc/5', { n: 'x' })), 400, 'document_parsing_exception', /failed to parse field \[n\] of type \[long\]/);
  });

  it('_bulk with ndjson, per-item errors and the path index', async () => {
    const body = [
      '{"index":{"_index":"b","_id":"1"}}', '{"t":"one"}',
      '{"create":{"_id":"2"}}', '{"t":"two"}',
      '{"create":{"_index":"b","_id":"1"}}', '{"t":"dup"}',
      '{"delete":{"_index":"b","_id":"9"}}',
    ].join('\n') + '\n';
    const res = await srv.inject({ method: 'POST', url: '/b/_bulk', payload: body, headers: { 'content-type': 'application/x-ndjson' } });
    const r = ok(res);
    assert.equal(r.errors, true);
    assert.deepEqual(r.items.map((i: any) => Object.values(i)[0]).map((x: any) => x.status), [201, 201, 409, 404]);
    const noIndex = await srv.inject({ method: 'POST', url: '/_bulk', payload: '{"index":{}}\n{"a":1}\n', headers: { 'content-type': 'application/x-ndjson' } });
    assertError(noIndex, 400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
    const bad = await srv.inject({ method: 'POST', url: '/_bulk', payload: 'garbage\n', headers: { 'content-type': 'application/x-ndjson' } });
    assertError(bad, 400, 'illegal_argument_exception', /Malformed action\/metadata line \[1\]/);
    const put = await srv.inject({ method: 'PUT', url: '/_bulk?refresh=wait_for', payload: '{"index":{"_index":"b","_id":"3"}}\n{"t":"three"}\n', headers: { 'content-type': 'application/json' } });
    assert.equal(ok(put).errors, false);
    assertError(await srv.inject({ method: 'POST', url: '/_bulk' }), 400, 'parse_exception');
  });

  it('_search, _count, _delete_by_query, _refresh over HTTP', async () => {
    ok(await srv.inject({
      method: 'POST', url: '/s/_bulk', headers: { 'content-type': 'application/x-ndjson' },
      payload: Array.from({ length: 30 }, (_, i) => `{"index":{"_id":"${i}"}}\n${JSON.stringify({ n: i, title: i % 2 ? 'odd fox' : 'even dog' })}`).join('\n') + '\n',
    }));
    const s = ok(await req('POST', '/s/_search', { query: { match: { title: 'fox' } }, size: 3, sort: [{ n: 'desc' }] }));
    assert.equal(s.hits.total.value, 15);
    assert.deepEqual(s.hits.hits.map((h: any) => h._id), ['29', '27', '25']);
    const g = ok(await req('GET', '/s/_search?q=title:dog&size=2&sort=n:asc&_source_includes=n&track_total_hits=true'));
    assert.deepEqual(g.hits.hits.map((h: any) => h._source), [{ n: 0 }, { n: 2 }]);
    assert.equal(ok(await req('GET', '/s/_search?rest_total_hits_as_int=true&size=0')).hits.total, 30);
    assert.deepEqual(ok(await req('GET', '/s/_count')), { count: 30, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    assert.equal(ok(await req('POST', '/s/_count', { query: { range: { n: { gte: 20 } } } })).count, 10);
    assert.equal(ok(await req('GET', '/s/_count?q=title:fox')).count, 15);
    assertError(await req('POST', '/s/_search', { query: { nope: {} } }), 400, 'parsing_exception', 'unknown query [nope]');
    assertError(await req('POST', '/s/_search', { aggs: { a: { nope: {} } } }), 400, 'x_content_parse_exception', 'Unknown aggregation type [nope]');
    assertError(await req('GET', '/s/_search?size=x'), 400, 'illegal_argument_exception');
    assertError(await req('GET', '/s/_search?scroll=1m&from=3'), 400, 'action_request_validation_exception', 'Validation Failed: 1: using [from] is not allowed in a scroll context;');
    assertError(await req('POST', '/missing/_search', {}), 404, 'index_not_found_exception');
    const dbq = ok(await req('POST', '/s/_delete_by_query?refresh=true', { query: { term: { 'title.keyword': 'even dog' } } }));
    assert.equal(dbq.deleted, 15);
    assertError(await req('POST', '/s/_delete_by_query', {}), 400, 'action_request_validation_exception', 'Validation Failed: 1: query is missing;');
    assert.deepEqual(ok(await req('POST', '/s/_refresh')), { _shards: { total: 1, successful: 1, failed: 0 } });
    ok(await req('GET', '/s/_refresh'));
    const cat = ok(await req('GET', '/_cat/indices?format=json'));
    assert.equal(cat.find((r: any) => r.index === 's')['docs.count'], '15');
    assert.deepEqual(ok(await req('GET', '/_cat/indices/s')).map((r: any) => r.index), ['s']);
  });

  it('pretty and filter_path work on index responses', async () => {
    const res = await req('GET', '/s/_search?filter_path=hits.total&pretty');
    assert.equal(res.body, JSON.stringify({ hits: { total: { value: 15, relation: 'eq' } } }, null, 2) + '\n');
  });

  it('reserved names behave as unknown routes', async () => {
    assertError(await req('GET', '/_nope'), 400, 'no_handler_found_exception', 'no handler found for uri [/_nope] and method [GET]');
    const del = await req('DELETE', '/_connector');
    assert.equal(del.statusCode, 405);
    assert.deepEqual(String(del.headers.allow).split(',').sort(), ['GET', 'POST', 'PUT']);
    assertError(await req('PUT', '/_foo/_doc/1', { a: 1 }), 400, 'no_handler_found_exception');
  });
});

describe('index API without a content index', () => {
  let srv: TestServer;
  before(async () => (srv = await startServer()));
  after(() => srv.close());

  it('answers as if the routes did not exist', async () => {
    assertError(await srv.inject({ method: 'GET', url: '/nope' }), 400, 'no_handler_found_exception', 'no handler found for uri [/nope] and method [GET]');
    assertError(await srv.inject({ method: 'POST', url: '/x/_search', body: {} }), 400, 'no_handler_found_exception');
    const bulk = await srv.inject({ method: 'POST', url: '/_bulk', payload: '{"index":{"_index":"x"}}\n{}\n', headers: { 'content-type': 'application/x-ndjson' } });
    assertError(bulk, 400, 'no_handler_found_exception');
  });
});
