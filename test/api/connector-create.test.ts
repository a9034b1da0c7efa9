/** Create: `PUT /_connector/{id}`, `PUT /_connector`, `POST /_connector` (connector-api.md §6.1, §3.2, §10). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector, update } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startServer(); });
after(() => srv.close());

const put = (id: string, body?: unknown) => srv.inject({ method: 'PUT', url: `/_connector/${encodeURIComponent(id)}`, body });
const ID_RE = /^[A-Za-z0-9_-]{20}$/;

describe('PUT /_connector/{id}', () => {
  it('creates with 201 {id, result: created}, then overwrites with 200 updated', async () => {
    const body = { index_name: 'search-google-drive', name: 'My Connector', service_type: 'google_drive' };
    assert.deepEqual(ok(await put('my-connector', body), 201), { id: 'my-connector', result: 'created' });
    assert.deepEqual(ok(await put('my-connector', body), 200), { id: 'my-connector', result: 'updated' });
  });

  it('stores the exact §3.2 document, id first', async () => {
    ok(await put('exact', { description: 'd', index_name: 'search-exact', language: 'en', name: 'n', service_type: 'st' }), 201);
    const res = await srv.inject({ method: 'GET', url: '/_connector/exact' });
    assert.ok(res.body.startsWith('{"id":"exact",'), 'id is the first key');
    const doc = res.json();
    const T = doc.filtering[0].active.advanced_snippet.created_at;
    assert.match(T, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z$/);
    const rules = {
      advanced_snippet: { created_at: T, updated_at: T, value: {} },
      rules: [{ created_at: T, field: '_', id: 'DEFAULT', order: 0, policy: 'include', rule: 'regex', updated_at: T, value: '.*' }],
      validation: { errors: [], state: 'valid' },
    };
    const sched = { enabled: false, interval: '0 0 0 * * ?' };
    assert.deepEqual(doc, {
      id: 'exact',
      configuration: {},
      custom_scheduling: {},
      description: 'd',
      filtering: [{ active: rules, domain: 'DEFAULT', draft: rules }],
      index_name: 'search-exact',
      is_native: false,
      language: 'en',
      name: 'n',
      scheduling: { access_control: sched, full: sched, incremental: sched },
      service_type: 'st',
      status: 'created',
      sync_now: false,
      deleted: false,
    });
  });

  it('accepts no body: name "" and no index', async () => {
    ok(await srv.inject({ method: 'PUT', url: '/_connector/nobody' }), 201);
    const doc = await getConnector(srv, 'nobody');
    assert.equal(doc.name, '');
    assert.equal('index_name' in doc, false);
    ok(await put('emptyobj', {}), 201);
  });

  it('native connectors start in needs_configuration', async () => {
    ok(await put('native', { is_native: true, index_name: 'content-native' }), 201);
    const doc = await getConnector(srv, 'native');
    assert.equal(doc.is_native, true);
    assert.equal(doc.status, 'needs_configuration');
  });

  it('overwrite resets everything (quirk 2) and revives a soft-deleted connector', async () => {
    await createConnector(srv, 'reset', { name: 'before', index_name: 'search-reset' });
    ok(await update(srv, 'reset', '_pipeline', { pipeline: { extract_binary_content: true, name: 'p', reduce_whitespace: true, run_ml_inference: true } }));
    ok(await update(srv, 'reset', '_api_key_id', { api_key_id: 'k' }));
    ok(await update(srv, 'reset', '_configuration', { configuration: { a: { label: 'A' } } }));
    ok(await update(srv, 'reset', '_error', { error: 'boom' }));
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/reset' }));
    assert.deepEqual(ok(await put('reset', { name: 'after' }), 200), { id: 'reset', result: 'updated' });
    const doc = await getConnector(srv, 'reset');
    assert.equal(doc.name, 'after');
    assert.equal(doc.deleted, false);
    assert.equal(doc.status, 'created');
    assert.deepEqual(doc.configuration, {});
    for (const k of ['pipeline', 'api_key_id', 'error', 'index_name']) assert.equal(k in doc, false, k);
  });

  it('accepts unicode, %2F-encoded and odd ids', async () => {
    // '.' and '..' need a real socket (inject resolves dot segments): see connector-wire.test.ts.
    for (const id of ['été', '✓😀', 'a/b', 'a b', 'a..b', '...', 'x?y#z', 'UPPER']) {
      assert.deepEqual(ok(await put(id, { name: id }), 201), { id, result: 'created' }, id);
      assert.equal((await getConnector(srv, id)).name, id);
    }
  });

  it('`PUT /_connector/_sync_job` creates a connector with that id (literal routes only win for their methods, §1.1)', async () => {
    assert.deepEqual(ok(await put('_sync_job', { name: 'odd' }), 201), { id: '_sync_job', result: 'created' });
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/_sync_job?hard' }));
  });

  it('limits ids to 512 UTF-8 bytes', async () => {
    ok(await put('x'.repeat(512)), 201);
    assertError(await put('x'.repeat(513)), 400, 'action_request_validation_exception',
      `Validation Failed: 1: id [${'x'.repeat(513)}] is too long, must be no longer than 512 bytes but was: 513;`);
    assertError(await put('é'.repeat(257)), 400, 'action_request_validation_exception', /but was: 514;$/);
  });
});

describe('PUT /_connector and POST /_connector', () => {
  it('generate a 20-character URL-safe id', async () => {
    for (const method of ['PUT', 'POST'] as const) {
      const body = ok(await srv.inject({ method, url: '/_connector', body: { name: `gen-${method}` } }), 201);
      assert.equal(body.result, 'created');
      assert.match(body.id, ID_RE);
      assert.equal((await getConnector(srv, body.id)).name, `gen-${method}`);
    }
  });

  it('work without a body', async () => {
    for (const method of ['PUT', 'POST'] as const) {
      const body = ok(await srv.inject({ method, url: '/_connector' }), 201);
      assert.match(body.id, ID_RE);
    }
  });

  it('give distinct ids', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(ok(await srv.inject({ method: 'POST', url: '/_connector', body: {} }), 201).id);
    assert.equal(ids.size, 20);
  });

  it('validate like PUT with an id', async () => {
    assertError(await srv.inject({ method: 'POST', url: '/_connector', body: { foo: 1 } }), 400, 'x_content_parse_exception',
      '[connector_put_request] unknown field [foo]');
    assertError(await srv.inject({ method: 'PUT', url: '/_connector', body: { index_name: '_x' } }), 400, 'action_request_validation_exception');
  });
});

describe('create validation (400)', () => {
  before(() => createConnector(srv, 'stable', { name: 'stable', index_name: 'search-stable' }));

  const bad: [string, unknown, string, string | RegExp][] = [
    ['unknown field', { name: 'x', foo: 1 }, 'x_content_parse_exception', '[connector_put_request] unknown field [foo]'],
    ['name null', { name: null }, 'x_content_parse_exception', "[connector_put_request] name doesn't support values of type: VALUE_NULL"],
    ['name number', { name: 1 }, 'x_content_parse_exception', "[connector_put_request] name doesn't support values of type: VALUE_NUMBER"],
    ['service_type object', { service_type: {} }, 'x_content_parse_exception', /service_type doesn't support values of type: START_OBJECT/],
    ['is_native string', { is_native: 'maybe' }, 'x_content_parse_exception', '[connector_put_request] failed to parse field [is_native]'],
    ['array body', [1], 'x_content_parse_exception', '[connector_put_request] Expected START_OBJECT but found [START_ARRAY]'],
    ['empty index_name (ES: 500)', { index_name: '' }, 'action_request_validation_exception',
      'Validation Failed: 1: [] InvalidIndexNameException[Invalid index name [], must not be empty];'],
    ['index_name with a leading _', { index_name: '_x' }, 'action_request_validation_exception',
      "Validation Failed: 1: [_x] InvalidIndexNameException[Invalid index name [_x], must not start with '_', '-', or '+'];"],
    ['index_name with #', { index_name: 'a#b' }, 'action_request_validation_exception', /must not contain '#'/],
    ['index_name too long', { index_name: 'a'.repeat(256) }, 'action_request_validation_exception', /index name is too long, \(256 > 255\)/],
    ['native without content- prefix', { is_native: true, index_name: 'search-n' }, 'action_request_validation_exception',
      'Validation Failed: 1: Index [search-n] is invalid. Index attached to an Elastic-managed connector must start with the prefix: [content-];'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`${name} → 400 ${type}, stored connector unchanged`, async () => {
      const res = await expectUnchanged(srv, 'stable', () => put('stable', body), 400);
      assertError(res, 400, type, reason);
    });
  }

  it('a rejected create of a new id stores nothing', async () => {
    assertError(await put('never', { foo: 1 }), 400, 'x_content_parse_exception');
    assertError(await srv.inject({ method: 'GET', url: '/_connector/never' }), 404, 'resource_not_found_exception', 'connector [never] not found');
  });
});

describe('index-name uniqueness (§10.3)', () => {
  it('another live connector cannot take the same index_name; the owner may re-PUT it', async () => {
    await createConnector(srv, 'u1', { index_name: 'search-unique' });
    const res = await expectUnchanged(srv, 'u1', () => put('u2', { index_name: 'search-unique' }), 400);
    assertError(res, 400, 'status_exception', 'Index name [search-unique] is used by another connector.');
    assertError(await srv.inject({ method: 'GET', url: '/_connector/u2' }), 404, 'resource_not_found_exception');
    ok(await put('u1', { index_name: 'search-unique', name: 'again' }), 200);
  });

  it('soft-deleted connectors do not block reuse; reviving the old one then clashes', async () => {
    await createConnector(srv, 'sd1', { index_name: 'search-reuse' });
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/sd1' }));
    ok(await put('sd2', { index_name: 'search-reuse' }), 201);
    assertError(await put('sd1', { index_name: 'search-reuse' }), 400, 'status_exception', 'Index name [search-reuse] is used by another connector.');
    assert.equal((await getConnector(srv, 'sd1', true)).deleted, true, 'the failed overwrite left the soft-deleted doc as it was');
  });

  it('is case-sensitive and exact', async () => {
    await createConnector(srv, 'cs1', { index_name: 'search-case' });
    ok(await put('cs2', { index_name: 'Search-Case' }), 201);
    ok(await put('cs3', { index_name: 'search-case2' }), 201);
  });

  it('is atomic: of concurrent creates with one index_name exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => put(`race-${i}`, { index_name: 'search-race' })));
    const codes = results.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [201, ...Array(11).fill(400)]);
    const list = ok(await srv.inject({ method: 'GET', url: '/_connector?index_name=search-race' }));
    assert.equal(list.count, 1);
  });
});
