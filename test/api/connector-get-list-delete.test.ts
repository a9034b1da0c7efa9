/** Get, list and delete (connector-api.md §6.2–§6.4). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

const get = (srv: TestServer, url: string) => srv.inject({ method: 'GET', url });
const del = (srv: TestServer, url: string) => srv.inject({ method: 'DELETE', url });

describe('GET /_connector/{id}', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
    await createConnector(srv, 'g1', { name: 'G', index_name: 'search-g1' });
  });
  after(() => srv.close());

  it('returns id first, then the stored document', async () => {
    const res = await get(srv, '/_connector/g1');
    const body = ok(res);
    assert.equal(Object.keys(body)[0], 'id');
    assert.equal(body.id, 'g1');
    assert.equal(body.name, 'G');
  });

  it('404 resource_not_found_exception for a missing id', async () => {
    assertError(await get(srv, '/_connector/nope'), 404, 'resource_not_found_exception', 'connector [nope] not found');
  });

  it('returns explicitly stored nulls', async () => {
    ok(await srv.inject({ method: 'PUT', url: '/_connector/g1/_index_name', body: { index_name: null } }));
    ok(await srv.inject({ method: 'PUT', url: '/_connector/g1/_error', body: { error: null } }));
    const doc = await getConnector(srv, 'g1');
    assert.equal(doc.index_name, null);
    assert.equal(doc.error, null);
  });

  it('include_deleted: soft-deleted connectors are 404 unless asked for', async () => {
    await createConnector(srv, 'g2');
    ok(await del(srv, '/_connector/g2'));
    assertError(await get(srv, '/_connector/g2'), 404, 'resource_not_found_exception', 'connector [g2] not found');
    assertError(await get(srv, '/_connector/g2?include_deleted=false'), 404, 'resource_not_found_exception');
    assert.equal(ok(await get(srv, '/_connector/g2?include_deleted=true')).deleted, true);
    assert.equal(ok(await get(srv, '/_connector/g2?include_deleted')).deleted, true, 'an empty value means true');
  });

  it('400 for a bad boolean, an unknown parameter or an empty id', async () => {
    assertError(await get(srv, '/_connector/g1?include_deleted=yes'), 400, 'illegal_argument_exception',
      'Failed to parse value [yes] as only [true] or [false] are allowed.');
    assertError(await get(srv, '/_connector/g1?deleted=true'), 400, 'illegal_argument_exception',
      'request [/_connector/g1] contains unrecognized parameter: [deleted]');
    assertError(await get(srv, '/_connector/'), 400, 'action_request_validation_exception', 'Validation Failed: 1: connector_id missing;');
  });

  it('ignores a body on GET (Fastify never reads one; Elasticsearch answers 400, docs/compatibility.md)', async () => {
    assert.equal(ok(await srv.inject({ method: 'GET', url: '/_connector/g1', body: { a: 1 } })).id, 'g1');
  });
});

describe('GET /_connector (list)', () => {
  let srv: TestServer;
  const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id);
  const list = async (q = '') => ok(await get(srv, `/_connector${q}`));

  before(async () => {
    srv = await startServer();
    await createConnector(srv, 'c-b', { index_name: 'search-b', name: 'Bravo', service_type: 'mysql', description: 'Sales Data warehouse' });
    await createConnector(srv, 'c-a', { index_name: 'search-a', name: 'Alpha', service_type: 'postgresql', description: 'alpha db' });
    await createConnector(srv, 'c-c', { index_name: 'search-c', name: 'Charlie', service_type: 'mysql' });
    await createConnector(srv, 'c-none', { name: 'NoIndex', service_type: 'sharepoint' });
    await createConnector(srv, 'c-del', { index_name: 'search-del', name: 'Deleted', service_type: 'mysql' });
    ok(await del(srv, '/_connector/c-del'));
  });
  after(() => srv.close());

  it('count first, then results sorted by index_name, connectors without one last; soft-deleted hidden', async () => {
    const res = await get(srv, '/_connector');
    assert.ok(res.body.startsWith('{"count":4,"results":['));
    const body = res.json();
    assert.deepEqual(ids(body), ['c-a', 'c-b', 'c-c', 'c-none']);
    assert.equal(Object.keys(body.results[0])[0], 'id');
    assert.equal(body.results[0].name, 'Alpha');
  });

  it('include_deleted shows soft-deleted connectors too', async () => {
    const body = await list('?include_deleted=true');
    assert.equal(body.count, 5);
    assert.deepEqual(ids(body), ['c-a', 'c-b', 'c-c', 'c-del', 'c-none']);
  });

  it('paging with from and size; count stays the total', async () => {
    assert.deepEqual(ids(await list('?from=1&size=2')), ['c-b', 'c-c']);
    assert.equal((await list('?from=1&size=2')).count, 4);
    assert.deepEqual(ids(await list('?from=3')), ['c-none']);
    assert.deepEqual(ids(await list('?from=10')), []);
    assert.deepEqual(await list('?size=0'), { count: 4, results: [] });
    assert.equal((await list('?from=0&size=10000')).count, 4);
  });

  it('index_name, connector_name and service_type filters take comma-separated values and are exact', async () => {
    assert.deepEqual(ids(await list('?index_name=search-a,search-c')), ['c-a', 'c-c']);
    assert.deepEqual(ids(await list('?index_name=search')), []);
    assert.deepEqual(ids(await list('?connector_name=Alpha,Charlie')), ['c-a', 'c-c']);
    assert.deepEqual(ids(await list('?connector_name=alpha')), [], 'names are case-sensitive keywords');
    assert.deepEqual(ids(await list('?service_type=mysql')), ['c-b', 'c-c']);
    assert.deepEqual(ids(await list('?service_type=mysql&connector_name=Charlie')), ['c-c'], 'filters are ANDed');
    assert.deepEqual(ids(await list('?service_type=mysql&include_deleted')), ['c-b', 'c-c', 'c-del']);
    assert.deepEqual(ids(await list('?index_name=search-a&index_name=search-b')), ['c-a', 'c-b'], 'repeated parameters add up');
  });

  it('query matches index_name, name or description', async () => {
    assert.deepEqual(ids(await list('?query=search-')), ['c-a', 'c-b', 'c-c']);
    assert.deepEqual(ids(await list('?query=harl')), ['c-c']);
    assert.deepEqual(ids(await list('?query=warehouse')), ['c-b']);
    assert.deepEqual(ids(await list('?query=NoIndex')), ['c-none']);
    assert.deepEqual(ids(await list('?query=zzz')), []);
    assert.deepEqual(ids(await list('?query=charlie')), [], 'case-sensitive on name');
    assert.deepEqual(ids(await list('?query=Deleted')), [], 'soft-deleted never leak');
  });

  it('an empty store lists nothing', async () => {
    const empty = await startServer();
    try {
      assert.deepEqual(ok(await get(empty, '/_connector')), { count: 0, results: [] });
    } finally {
      await empty.close();
    }
  });

  const bad: [string, string, string | RegExp][] = [
    ['?from=-1', 'illegal_argument_exception', 'Parameter [from] cannot be < 0'],
    ['?size=-1', 'illegal_argument_exception', 'Parameter [size] cannot be < 0'],
    ['?from=9999&size=2', 'illegal_argument_exception', /Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10001\]/],
    ['?size=abc', 'illegal_argument_exception', 'Failed to parse int parameter [size] with value [abc]'],
    ['?size=1.5', 'illegal_argument_exception', 'Failed to parse int parameter [size] with value [1.5]'],
    ['?size=99999999999', 'illegal_argument_exception', 'Failed to parse int parameter [size] with value [99999999999]'],
    ['?include_deleted=1', 'illegal_argument_exception', 'Failed to parse value [1] as only [true] or [false] are allowed.'],
    ['?index_name=_bad', 'action_request_validation_exception',
      "Validation Failed: 1: [_bad] InvalidIndexNameException[Invalid index name [_bad], must not start with '_', '-', or '+'];"],
    ['?index_name=ok,a%23b,_c', 'action_request_validation_exception', /^Validation Failed: 1: \[a#b\].*;2: \[_c\].*;$/],
    ['?status=created', 'illegal_argument_exception', 'request [/_connector] contains unrecognized parameter: [status]'],
    ['?a=1&b=2', 'illegal_argument_exception', 'request [/_connector] contains unrecognized parameters: [a], [b]'],
  ];
  for (const [q, type, reason] of bad) {
    it(`400 for ${q}`, async () => void assertError(await get(srv, `/_connector${q}`), 400, type, reason));
  }
});

describe('DELETE /_connector/{id}', () => {
  let srv: TestServer;
  before(async () => { srv = await startServer(); });
  after(() => srv.close());

  it('soft delete by default: acknowledged, then hidden but kept with deleted: true', async () => {
    await createConnector(srv, 'd1', { name: 'D1', index_name: 'search-d1' });
    assert.deepEqual(ok(await del(srv, '/_connector/d1')), { acknowledged: true });
    assertError(await get(srv, '/_connector/d1'), 404, 'resource_not_found_exception', 'connector [d1] not found');
    const doc = await getConnector(srv, 'd1', true);
    assert.equal(doc.deleted, true);
    assert.equal(doc.name, 'D1');
    assert.equal(doc.index_name, 'search-d1');
  });

  it('soft-deleting twice → 404 and the document stays as it was', async () => {
    const res = await expectUnchanged(srv, 'd1', () => del(srv, '/_connector/d1'), 404);
    assertError(res, 404, 'resource_not_found_exception', 'connector [d1] not found');
  });

  it('hard=true removes the document, soft-deleted or not', async () => {
    assert.deepEqual(ok(await del(srv, '/_connector/d1?hard=true')), { acknowledged: true });
    assertError(await get(srv, '/_connector/d1?include_deleted'), 404, 'resource_not_found_exception');
    await createConnector(srv, 'd2');
    ok(await del(srv, '/_connector/d2?hard'));
    assertError(await get(srv, '/_connector/d2?include_deleted'), 404, 'resource_not_found_exception');
  });

  it('404 for a missing connector, soft or hard', async () => {
    assertError(await del(srv, '/_connector/missing'), 404, 'resource_not_found_exception', 'connector [missing] not found');
    assertError(await del(srv, '/_connector/missing?hard=true'), 404, 'resource_not_found_exception', 'connector [missing] not found');
  });

  it('delete_sync_jobs removes the connector\'s sync jobs, for soft and hard deletes', async () => {
    for (const hard of [false, true]) {
      const id = `dj-${hard}`;
      await createConnector(srv, id, { index_name: `search-${id}`, service_type: 'mysql' });
      await createConnector(srv, `${id}-other`, { index_name: `search-${id}-other`, service_type: 'mysql' });
      const job = ok(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id } }), 201).id;
      const other = ok(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id: `${id}-other` } }), 201).id;
      ok(await del(srv, `/_connector/${id}?delete_sync_jobs=true${hard ? '&hard=true' : ''}`));
      assertError(await get(srv, `/_connector/_sync_job/${job}`), 404, 'resource_not_found_exception');
      ok(await get(srv, `/_connector/_sync_job/${other}`));
    }
  });

  it('without delete_sync_jobs the jobs stay', async () => {
    await createConnector(srv, 'keep', { index_name: 'search-keep', service_type: 'mysql' });
    const job = ok(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id: 'keep' } }), 201).id;
    ok(await del(srv, '/_connector/keep'));
    ok(await get(srv, `/_connector/_sync_job/${job}`));
  });

  it('400 for bad parameters, a body or an empty id; nothing deleted', async () => {
    await createConnector(srv, 'd3');
    assertError(await expectUnchanged(srv, 'd3', () => del(srv, '/_connector/d3?hard=yes'), 400), 400, 'illegal_argument_exception',
      'Failed to parse value [yes] as only [true] or [false] are allowed.');
    assertError(await expectUnchanged(srv, 'd3', () => del(srv, '/_connector/d3?force=true'), 400), 400, 'illegal_argument_exception',
      'request [/_connector/d3] contains unrecognized parameter: [force]');
    assertError(await expectUnchanged(srv, 'd3', () => srv.inject({ method: 'DELETE', url: '/_connector/d3', body: {} }), 400), 400,
      'illegal_argument_exception', 'request [DELETE /_connector/d3] does not support having a body');
    assertError(await del(srv, '/_connector/'), 400, 'action_request_validation_exception', 'Validation Failed: 1: connector_id missing;');
  });
});
