/**
 * `.elastic-connectors/_search` shaped as the connectors list (status, type, text, live only,
 * sorted by index_name): answered from the store's list indexes without walking the store,
 * with the same hits, order and totals as the walk that any other search takes; beyond 10 000
 * matches the total is `gte` unless `track_total_hits: true` asks for the walk's exact count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ok } from '../../../test/helpers/assert-es.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';
import { newConnectorDoc } from '../../domain/connector/defaults.js';

const STATUSES = ['created', 'error', 'connected', 'configured'];
const TYPES = ['mysql', 'postgresql', 'directory'];

describe('connector list searches on the system index', () => {
  let srv: TestServer;
  let scans = 0;
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });
  const search = async (body: Record<string, unknown>, walk = false) => {
    const before = scans;
    // `version: true` is not a list answer: it walks, the reference.
    const r = ok(await req('POST', '/.elastic-connectors/_search', walk ? { ...body, version: true } : body));
    return { r, walked: scans > before };
  };
  const listQuery = (o: { status?: string[]; type?: string; text?: string; live?: boolean }) => {
    const filter: unknown[] = [];
    if (o.status) filter.push({ terms: { status: o.status } });
    if (o.type) filter.push({ term: { service_type: o.type } });
    if (o.text) {
      filter.push({ bool: { should: [
        { wildcard: { name: `*${o.text}*` } }, { wildcard: { index_name: `*${o.text}*` } },
        { wildcard: { description: { value: `*${o.text}*`, case_insensitive: true } } },
      ], minimum_should_match: 1 } });
    }
    return { bool: { filter, ...(o.live === false ? {} : { must_not: [{ term: { deleted: true } }] }) } };
  };

  before(async () => {
    srv = await startServer();
    const scan = srv.app.store.connectors.scan.bind(srv.app.store.connectors);
    srv.app.store.connectors.scan = (a, l) => {
      scans++;
      return scan(a, l);
    };
    for (let i = 0; i < 60; i++) {
      const id = `c${String(i).padStart(2, '0')}`;
      const body: Record<string, unknown> = { name: i % 5 === 0 ? `Sales ${i}` : `conn ${i}`, service_type: TYPES[i % 3], description: i % 7 === 0 ? 'The SALES team' : 'other' };
      if (i % 11 !== 0) body.index_name = `search-${(59 - i).toString(36)}-${id}`;
      ok(await req('PUT', `/_connector/${id}`, body), 201);
      ok(await req('POST', `/.elastic-connectors/_update/${id}`, { doc: { status: STATUSES[i % 4] } }));
    }
    // Index names beyond ASCII: both answers in code-point (UTF-8 byte) order.
    for (const [id, index] of [['u1', 'search-\u{1F680}'], ['u2', 'search-\uFF41'], ['u3', 'search-\u00E9']]) {
      ok(await req('PUT', `/_connector/${id}`, { index_name: index, service_type: 'mysql', name: `${id} École*`, description: 'ÉCOLE é' }), 201);
      ok(await req('POST', `/.elastic-connectors/_update/${id}`, { doc: { status: 'error' } }));
    }
    ok(await req('DELETE', '/_connector/c01'));
    ok(await req('DELETE', '/_connector/c05'));
  });
  after(() => srv.close());

  it('answers the same hits, order, sort values and totals as the walk, without walking', async () => {
    const cases = [
      listQuery({ status: ['error'] }),
      listQuery({ status: ['error', 'connected'], type: 'mysql' }),
      listQuery({ text: 'sales' }),
      listQuery({ text: 'Sales', status: ['created'] }),
      listQuery({ text: 'é' }),
      listQuery({ text: 'cole\\*' }),
      listQuery({ text: '\u{1F680}', status: ['error'] }),
      listQuery({ status: ['created'], live: false }),
      listQuery({}),
      { match_all: {} },
    ];
    for (const query of cases) {
      for (const [from, size] of [[0, 7], [7, 7], [0, 100], [50, 10]]) {
        const body = { query, sort: [{ index_name: 'asc' }], from, size };
        const pushed = await search(body);
        const walked = await search(body, true);
        assert.equal(pushed.walked, false, JSON.stringify(body));
        assert.equal(walked.walked, true);
        assert.deepEqual(pushed.r.hits.total, walked.r.hits.total, JSON.stringify(body));
        const strip = (hits: Record<string, unknown>[]) => hits.map(({ _version, ...h }) => h);
        assert.deepEqual(strip(pushed.r.hits.hits), strip(walked.r.hits.hits), JSON.stringify(body));
      }
    }
    const errors = await search({ query: listQuery({ status: ['error'] }), sort: [{ index_name: 'asc' }, { _id: 'asc' }], size: 100 });
    assert.equal(errors.walked, false);
    assert.deepEqual(errors.r.hits.total, { value: 16, relation: 'eq' });
    assert.ok(errors.r.hits.hits.every((h: { _source: { status: string } }) => h._source.status === 'error'));
    assert.equal(errors.r.hits.hits.at(-1)._source.index_name, undefined, 'a connector without index name sorts last');
    assert.deepEqual(errors.r.hits.hits.at(-1).sort, [null, errors.r.hits.hits.at(-1)._id]);
    const none = await search({ query: { bool: { filter: [{ term: { status: 'error' } }, { term: { status: 'created' } }] } }, sort: 'index_name' });
    assert.deepEqual(none.r.hits, { total: { value: 0, relation: 'eq' }, max_score: null, hits: [] });
  });

  it('other searches still walk; _source filtering and rest_total_hits_as_int apply to list answers', async () => {
    assert.equal((await search({ query: listQuery({ status: ['error'] }) })).walked, true, 'no sort: walked');
    assert.equal((await search({ query: { bool: { filter: [{ term: { name: 'Sales 10' } }] } }, sort: [{ index_name: 'asc' }] })).walked, true);
    assert.equal((await search({ query: listQuery({ text: 'sa*' }), sort: [{ index_name: 'asc' }] })).walked, true);
    const r = ok(await req('POST', '/.elastic-connectors/_search?rest_total_hits_as_int=true&_source_includes=status', { query: listQuery({ status: ['error'] }), sort: ['index_name'], size: 1 }));
    assert.equal(r.hits.total, 16);
    assert.deepEqual(Object.keys(r.hits.hits[0]._source), ['status']);
  });
});

describe('list answers beyond 10 000 connectors', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    const doc = (i: number) => newConnectorDoc({ name: `n${i}`, index_name: `search-${i}`, service_type: 'mysql' }, new Date().toISOString());
    for (let i = 0; i < 10_001; i += 1000) {
      await Promise.all(Array.from({ length: Math.min(1000, 10_001 - i) }, (_, k) => srv.app.store.connectors.put(`c${i + k}`, doc(i + k))));
    }
  });
  after(() => srv.close());

  it("the total is Elasticsearch's default: exact to 10 000, then gte; track_total_hits: true counts them all", async () => {
    const body = { query: { bool: { must_not: { term: { deleted: true } } } }, sort: ['index_name'], size: 1 };
    const capped = ok(await srv.inject({ method: 'POST', url: '/.elastic-connectors/_search', body }));
    assert.deepEqual(capped.hits.total, { value: 10_000, relation: 'gte' });
    const exact = ok(await srv.inject({ method: 'POST', url: '/.elastic-connectors/_search', body: { ...body, track_total_hits: true } }));
    assert.deepEqual(exact.hits.total, { value: 10_001, relation: 'eq' });
    assert.deepEqual(exact.hits.hits.map((h: { _id: string }) => h._id), capped.hits.hits.map((h: { _id: string }) => h._id));
    const window = ok(await srv.inject({ method: 'POST', url: '/.elastic-connectors/_search', body: { ...body, from: 9_999 } }));
    assert.equal(window.hits.hits.length, 1);
  });
});

