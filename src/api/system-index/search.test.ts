/**
 * Reads of the system indices from the state store: `_doc` with sequence numbers, `_search`
 * and `_count` with the query shapes Elastic's connector service sends, soft-deleted
 * connectors visible, paging through more documents than one store page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';

describe('system index reads', () => {
  let srv: TestServer;
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });
  let jobId = '';
  before(async () => {
    srv = await startServer();
    for (const [id, type] of [['c1', 'mysql'], ['c2', 'postgresql'], ['c3', 'mysql']]) {
      ok(await req('PUT', `/_connector/${id}`, { index_name: `search-${id}`, service_type: type }), 201);
    }
    ok(await req('DELETE', '/_connector/c3'));
    jobId = ok(await req('POST', '/_connector/_sync_job', { id: 'c1', job_type: 'full' }), 201).id;
  });
  after(() => srv.close());

  it('GET _doc answers the stored document with its sequence numbers; an _update moves them', async () => {
    const got = ok(await req('GET', '/.elastic-connectors/_doc/c1'));
    assert.equal(got._index, '.elastic-connectors-v1');
    assert.equal(got.found, true);
    assert.equal(got._primary_term, 1);
    assert.equal(got._source.index_name, 'search-c1');
    assert.equal(typeof got._seq_no, 'number');
    const upd = ok(await req('POST', '/.elastic-connectors/_update/c1', { doc: { last_seen: new Date().toISOString() } }));
    const again = ok(await req('GET', '/.elastic-connectors-v1/_doc/c1'));
    assert.equal(again._seq_no, upd._seq_no);
    assert.ok(again._seq_no > got._seq_no);
    assert.equal(again._version, got._version + 1);
    const missing = await req('GET', '/.elastic-connectors/_doc/nope');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { _index: '.elastic-connectors-v1', _id: 'nope', found: false });
    assert.equal((await req('HEAD', `/.elastic-connectors-sync-jobs/_doc/${jobId}`)).statusCode, 200);
    assert.equal((await req('HEAD', '/.elastic-connectors-sync-jobs/_doc/nope')).statusCode, 404);
  });

  it("_search with the service's queries, seq_no_primary_term, sort and paging; _count", async () => {
    const pending = ok(await req('POST', '/.elastic-connectors-sync-jobs/_search?seq_no_primary_term=true', {
      query: { bool: { must: [{ terms: { status: ['pending', 'suspended'] } }, { terms: { 'connector.service_type': ['mysql'] } }] } },
    }));
    assert.deepEqual(pending.hits.total, { value: 1, relation: 'eq' });
    const hit = pending.hits.hits[0];
    assert.equal(hit._id, jobId);
    assert.equal(hit._primary_term, 1);
    assert.equal(hit._seq_no, ok(await req('GET', `/.elastic-connectors-sync-jobs/_doc/${jobId}`))._seq_no);
    // Soft-deleted connectors are documents like any other, as in Elasticsearch.
    const all = ok(await req('POST', '/.elastic-connectors/_search', { query: { match_all: {} }, sort: [{ index_name: 'desc' }] }));
    assert.deepEqual(all.hits.hits.map((h: { _id: string }) => h._id), ['c3', 'c2', 'c1']);
    assert.deepEqual(all.hits.hits[0].sort, ['search-c3']);
    const live = ok(await req('POST', '/.elastic-connectors/_search', { query: { bool: { must_not: { term: { deleted: true } }, filter: { term: { service_type: 'mysql' } } } } }));
    assert.deepEqual(live.hits.hits.map((h: { _id: string }) => h._id), ['c1']);
    assert.equal(ok(await req('POST', '/.elastic-connectors/_count', { query: { terms: { _id: ['c1', 'c2', 'x'] } } })).count, 2);
    assert.equal(ok(await req('GET', '/.elastic-connectors/_count')).count, 3);
    const page = ok(await req('GET', '/.elastic-connectors/_search?from=1&size=1&rest_total_hits_as_int=true'));
    assert.equal(page.hits.total, 3);
    assert.deepEqual(page.hits.hits.map((h: { _id: string }) => h._id), ['c2']);
  });

  it('walks more documents than one store page, keeping only the window', async () => {
    for (let i = 0; i < 1_100; i++) {
      await srv.app.store.syncJobs.create(`bulk-${String(i).padStart(4, '0')}`, { status: i % 2 ? 'completed' : 'error', job_type: 'full', connector: { id: 'c2' } } as never);
    }
    const r = ok(await req('POST', '/.elastic-connectors-sync-jobs/_search', { size: 3, query: { term: { status: 'error' } }, sort: [{ _id: 'desc' }] }));
    assert.deepEqual(r.hits.total, { value: 550, relation: 'eq' });
    assert.deepEqual(r.hits.hits.map((h: { _id: string }) => h._id), ['bulk-1098', 'bulk-1096', 'bulk-1094']);
    assert.equal(ok(await req('POST', '/.elastic-connectors-sync-jobs/_count', { query: { term: { 'connector.id': 'c2' } } })).count, 1_100);
  });

  it('_source filters the hits as in Elasticsearch (body, query string, false)', async () => {
    const q = { query: { ids: { values: ['c1'] } } };
    const only = ok(await req('POST', '/.elastic-connectors/_search', { ...q, _source: ['index_name', 'scheduling.full.*'] })).hits.hits[0];
    assert.deepEqual(Object.keys(only._source).sort(), ['index_name', 'scheduling']);
    assert.deepEqual(Object.keys(only._source.scheduling), ['full']);
    const without = ok(await req('POST', '/.elastic-connectors/_search?_source_excludes=configuration,filtering', q)).hits.hits[0];
    assert.equal(without._source.configuration, undefined);
    assert.equal(without._source.filtering, undefined);
    assert.equal(without._source.index_name, 'search-c1');
    assert.equal(ok(await req('POST', '/.elastic-connectors/_search', { ...q, _source: false })).hits.hits[0]._source, undefined);
    assert.deepEqual(ok(await req('GET', '/.elastic-connectors/_search?_source=service_type')).hits.hits.map((h: any) => Object.keys(h._source)), [['service_type'], ['service_type'], ['service_type']]);
    assertError(await req('POST', '/.elastic-connectors/_search', { _source: 5 }), 400, 'parsing_exception', /_source/);
  });

  it('bad requests are 400s that say why', async () => {
    assertError(await req('POST', '/.elastic-connectors/_search', { query: { fuzzy: { name: 'x' } } }), 400, 'parsing_exception', /unknown query \[fuzzy\]/);
    assertError(await req('POST', '/.elastic-connectors/_search', { aggs: {} }), 400, 'parsing_exception', /Unknown key for a START_OBJECT in \[aggs\]/);
    assertError(await req('POST', '/.elastic-connectors/_search', { from: 9_999, size: 2 }), 400, 'illegal_argument_exception', /Result window is too large/);
    assertError(await req('POST', '/.elastic-connectors/_count', { size: 1 }), 400, 'parsing_exception');
  });

  it('the change cursor: range on _seq_no sorted by _seq_no answers the connectors written after it, oldest write first', async () => {
    const cursor = async (gt: number, size = 10, sort: unknown = [{ _seq_no: 'asc' }]) =>
      ok(await req('POST', '/.elastic-connectors/_search', { query: { range: { _seq_no: { gt } } }, sort, size, seq_no_primary_term: true }));
    const all = await cursor(-1, 1000);
    const ids = (r: { hits: { hits: { _id: string }[] } }) => r.hits.hits.map((h) => h._id);
    const seqs = all.hits.hits.map((h: { _seq_no: number }) => h._seq_no);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in _seq_no order');
    assert.deepEqual(all.hits.hits.map((h: { sort: number[]; _seq_no: number }) => h.sort[0]), seqs);
    assert.ok(ids(all).includes('c3'), 'soft-deleted connectors too');
    const head = seqs.at(-1);
    assert.deepEqual(ids(await cursor(head)), []);
    ok(await req('PUT', '/_connector/c2/_name', { name: 'renamed' }));
    ok(await req('PUT', '/_connector/c-new', { index_name: 'search-c-new' }), 201);
    const later = await cursor(head, 10, ['_seq_no']);
    assert.deepEqual(ids(later), ['c2', 'c-new']);
    assert.deepEqual(later.hits.total, { value: 2, relation: 'eq' });
    assert.equal(later.hits.hits[0]._source.name, 'renamed');
    assert.deepEqual(ids(await cursor(head, 1, [{ _seq_no: { order: 'asc' } }])), ['c2'], 'size bounds the page');
  });
});

