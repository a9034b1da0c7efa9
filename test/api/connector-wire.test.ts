/**
 * Wire conventions (issue 2, connector-api.md §1, clients.md §2): product header, `GET /` and
 * `HEAD /`, content types, `pretty`, `filter_path`, strict query parameters, malformed bodies,
 * 405 / 406 / 413, unknown paths, odd ids over a real socket. Never a 5xx; a rejected request
 * never changes what is stored.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { assertError, ok, type EsResponse } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector, update } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer({ listen: true });
  await createConnector(srv, 'w1', { name: 'wire', index_name: 'search-wire' });
});
after(() => srv.close());

/** A raw HTTP request over the socket: no URL normalisation, exact bytes. */
function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  const u = new URL(srv.url);
  return new Promise<EsResponse & { status: number }>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, statusCode: res.statusCode!, headers: res.headers, body: data, json: () => JSON.parse(data) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('GET / and HEAD /', () => {
  it('GET / answers like Elasticsearch 9.x', async () => {
    const body = ok(await srv.inject({ method: 'GET', url: '/' }));
    assert.deepEqual(Object.keys(body), ['name', 'cluster_name', 'cluster_uuid', 'version', 'tagline']);
    assert.equal(typeof body.name, 'string');
    assert.equal(typeof body.cluster_name, 'string');
    assert.match(body.cluster_uuid, /^[A-Za-z0-9_-]+$/);
    assert.match(body.version.number, /^9\.\d+\.\d+$/);
    assert.equal(body.version.build_flavor, 'default');
    assert.equal(body.tagline, 'You Know, for Search');
  });

  it('the cluster uuid is stable across restarts on one data dir', async () => {
    const uuid = ok(await srv.inject({ method: 'GET', url: '/' })).cluster_uuid;
    assert.equal(srv.app.identity.clusterUuid, uuid);
  });

  it('HEAD / is 200 with the product header and no body', async () => {
    const res = await srv.inject({ method: 'HEAD', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    assert.equal(res.body, '');
  });
});

describe('x-elastic-product on every response', () => {
  it('success, client errors, 404, 405, 406, unknown paths, bad query, bad JSON', async () => {
    const cases: [string, string, string | undefined, Record<string, string> | undefined, number][] = [
      ['GET', '/_connector/w1', undefined, undefined, 200],
      ['PUT', '/_connector/w-new', '{}', { 'content-type': 'application/json' }, 201],
      ['GET', '/_connector/nope', undefined, undefined, 404],
      ['GET', '/_connector?bogus=1', undefined, undefined, 400],
      ['PUT', '/_connector/w1/_name', '{', { 'content-type': 'application/json' }, 400],
      ['POST', '/_connector/w1/_name', '{}', { 'content-type': 'application/json' }, 405],
      ['PUT', '/_connector/w1/_name', '{}', { 'content-type': 'text/plain' }, 406],
      ['GET', '/nowhere', undefined, undefined, 400],
      ['GET', '/_connector/%ZZ', undefined, undefined, 400],
    ];
    for (const [method, path, body, headers, status] of cases) {
      const res = await raw(method, path, body, headers);
      assert.equal(res.status, status, `${method} ${path}: ${res.body}`);
      assert.equal(res.headers['x-elastic-product'], 'Elasticsearch', `${method} ${path}`);
      assert.match(String(res.headers['content-type']), /^application\/json/, `${method} ${path}`);
      JSON.parse(res.body);
    }
  });
});

describe('request content types', () => {
  const types = [
    'application/json',
    'application/json; charset=UTF-8',
    'application/vnd.elasticsearch+json; compatible-with=8',
    'application/vnd.elasticsearch+json; compatible-with=9',
    'application/vnd.elasticsearch+json;compatible-with=9',
    'application/x-www-form-urlencoded',
    'APPLICATION/JSON',
  ];
  for (const ct of types) {
    it(`accepts ${ct}`, async () => {
      const name = `name for ${ct}`;
      ok(await srv.inject({ method: 'PUT', url: '/_connector/w1/_name', payload: JSON.stringify({ name }), headers: { 'content-type': ct } }));
      assert.equal((await getConnector(srv, 'w1')).name, name);
    });
  }

  it('treats a body without a Content-Type as JSON (curl --data-binary)', async () => {
    const res = await raw('PUT', '/_connector/w1/_name', '{"name":"no-ct"}');
    assert.equal(res.status, 200, res.body);
    assert.equal((await getConnector(srv, 'w1')).name, 'no-ct');
  });

  for (const ct of ['text/plain', 'application/xml', 'application/yaml', 'multipart/form-data; boundary=x', 'application/cbor']) {
    it(`406 media_type_header_exception for ${ct}, nothing stored`, async () => {
      const res = await expectUnchanged(srv, 'w1', () =>
        srv.inject({ method: 'PUT', url: '/_connector/w1/_name', payload: '{"name":"x"}', headers: { 'content-type': ct } }), 406);
      assertError(res, 406, 'media_type_header_exception', `Content-Type header [${ct}] is not supported`);
    });
  }

  it('responses are application/json', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_connector/w1', headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=9' } });
    assert.match(String(res.headers['content-type']), /^application\/json/);
  });
});

describe('pretty and filter_path', () => {
  it('pretty indents and ends with a newline; pretty=false does not', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_connector/w1?pretty' });
    assert.ok(res.body.startsWith('{\n  "id": "w1",\n'));
    assert.ok(res.body.endsWith('}\n'));
    assert.equal(JSON.parse(res.body).id, 'w1');
    const compact = await srv.inject({ method: 'GET', url: '/_connector/w1?pretty=false' });
    assert.ok(compact.body.startsWith('{"id":"w1",'));
    const updated = await update(srv, 'w1', '_check_in?pretty=true');
    assert.equal(updated.body, '{\n  "result": "updated"\n}\n');
  });

  it('filter_path keeps dotted paths, wildcards and ** ; - excludes', async () => {
    assert.deepEqual(ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=name,index_name' })), { index_name: 'search-wire', name: 'no-ct' });
    assert.deepEqual(ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=scheduling.full.enabled' })), { scheduling: { full: { enabled: false } } });
    assert.deepEqual(Object.keys(ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=scheduling.*.interval' })).scheduling),
      ['access_control', 'full', 'incremental']);
    const list = ok(await srv.inject({ method: 'GET', url: '/_connector?filter_path=count,results.id&index_name=search-wire' }));
    assert.deepEqual(list, { count: 1, results: [{ id: 'w1' }] });
    const deep = ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=**.policy' }));
    assert.equal(deep.filtering[0].active.rules[0].policy, 'include');
    const excluded = ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=-filtering,-scheduling,-configuration' }));
    assert.equal('filtering' in excluded, false);
    assert.equal(excluded.id, 'w1');
    assert.deepEqual(ok(await srv.inject({ method: 'GET', url: '/_connector/w1?filter_path=nothing' })), {});
    assert.deepEqual(ok(await srv.inject({ method: 'GET', url: '/?filter_path=version.number' })).version.number.split('.')[0], '9');
  });

  it('pretty and filter_path together', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_connector/w1?pretty&filter_path=id' });
    assert.equal(res.body, '{\n  "id": "w1"\n}\n');
  });

  it('human and error_trace are accepted', async () => {
    ok(await srv.inject({ method: 'GET', url: '/_connector/w1?human=true&error_trace=false' }));
    ok(await srv.inject({ method: 'GET', url: '/_connector?human&error_trace' }));
  });
});

describe('query parameters are strict', () => {
  it('unknown parameter → 400 naming it and the path; nothing changed', async () => {
    const res = await expectUnchanged(srv, 'w1', () => update(srv, 'w1', '_name?refresh=true', { name: 'x' }), 400);
    assertError(res, 400, 'illegal_argument_exception', 'request [/_connector/w1/_name] contains unrecognized parameter: [refresh]');
  });

  it('bad boolean → 400', async () => {
    for (const v of ['yes', '1', 'TRUE', 'off']) {
      assertError(await srv.inject({ method: 'GET', url: `/_connector/w1?pretty=${v}` }), 400, 'illegal_argument_exception',
        `Failed to parse value [${v}] as only [true] or [false] are allowed.`);
    }
  });

  it('parameters that belong to another endpoint are unknown here', async () => {
    assertError(await srv.inject({ method: 'GET', url: '/_connector/w1?hard=true' }), 400, 'illegal_argument_exception',
      'request [/_connector/w1] contains unrecognized parameter: [hard]');
    assertError(await srv.inject({ method: 'PUT', url: '/_connector/w1/_check_in?include_deleted' }), 400, 'illegal_argument_exception');
  });
});

describe('malformed and oversized bodies', () => {
  const malformed = ['{', '{"name":}', '{"name":"x"', "{'name':'x'}", '{"name":"x"}{"name":"y"}', 'nul', '{"name":"x",}', '\u0000', '[1,]'];
  for (const body of malformed) {
    it(`400 x_content_parse_exception for ${JSON.stringify(body)}`, async () => {
      const res = await expectUnchanged(srv, 'w1', () => update(srv, 'w1', '_name', body), 400);
      assertError(res, 400, 'x_content_parse_exception');
    });
  }

  it('a whitespace-only body counts as no body', async () => {
    assertError(await update(srv, 'w1', '_name', '   \n'), 400, 'parse_exception', 'request body is required');
    assert.equal(ok(await update(srv, 'w1', '_check_in', ' ')).result, 'updated');
  });

  it('413 content_too_long_exception above the body limit (real socket and inject)', async () => {
    const small = await startServer({ bodyLimit: 1024, listen: true });
    try {
      await createConnector(small, 'big');
      const big = JSON.stringify({ name: 'x'.repeat(2000) });
      const res = await expectUnchanged(small, 'big', () => small.inject({ method: 'PUT', url: '/_connector/big/_name', payload: big, headers: { 'content-type': 'application/json' } }), 413);
      assertError(res, 413, 'content_too_long_exception');
      const u = new URL(small.url);
      const sock = await new Promise<{ status: number; product: unknown }>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, method: 'PUT', path: '/_connector/big/_name', headers: { 'content-type': 'application/json' } }, (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode!, product: r.headers['x-elastic-product'] }));
        });
        req.on('error', reject);
        req.end(big);
      });
      assert.deepEqual(sock, { status: 413, product: 'Elasticsearch' });
      ok(await small.inject({ method: 'PUT', url: '/_connector/big/_name', body: { name: 'fits' } }));
      assert.equal((await getConnector(small, 'big')).name, 'fits');
    } finally {
      await small.close();
    }
  });
});

describe('routing', () => {
  it('unknown paths → 400 no_handler_found_exception', async () => {
    for (const [method, url] of [['GET', '/nope'], ['PUT', '/_connector/w1/_bogus'], ['GET', '/_connector/w1/_name/extra'], ['GET', '/_connectors']]) {
      assertError(await srv.inject({ method: method as 'GET', url }), 400, 'no_handler_found_exception',
        `no handler found for uri [${url}] and method [${method}]`);
    }
  });

  it('known path, wrong method → 405 with Allow and the Elasticsearch body', async () => {
    const res = await expectUnchanged(srv, 'w1', () => srv.inject({ method: 'POST', url: '/_connector/w1/_name', body: { name: 'x' } }), 405);
    assert.equal(res.headers.allow, 'PUT');
    assert.deepEqual(res.json(), { error: 'Incorrect HTTP method for uri [/_connector/w1/_name] and method [POST], allowed: [PUT]', status: 405 });
    const del = await srv.inject({ method: 'DELETE', url: '/_connector' });
    assert.equal(del.statusCode, 405);
    assert.deepEqual(String(del.headers.allow).split(',').sort(), ['GET', 'POST', 'PUT']);
    assert.equal((await srv.inject({ method: 'PATCH', url: '/_connector/w1', body: {} })).statusCode, 405);
  });

  it('a trailing slash is an unknown path, never a 405 that allows the method used', async () => {
    for (const [method, url] of [['GET', '/_connector/w1/'], ['GET', '/_connector//'], ['PUT', '/_connector/w1/_name/']] as const) {
      const res = await srv.inject({ method, url, ...(method === 'PUT' ? { body: { name: 'x' } } : {}) });
      assertError(res, 400, 'no_handler_found_exception', `no handler found for uri [${url}] and method [${method}]`);
    }
  });

  it('empty ids → 400', async () => {
    assertError(await srv.inject({ method: 'PUT', url: '/_connector//_name', body: { name: 'x' } }), 400, 'action_request_validation_exception',
      'Validation Failed: 1: [connector_id] cannot be [null] or [""].;');
    assertError(await srv.inject({ method: 'PUT', url: '/_connector//_check_in' }), 400, 'action_request_validation_exception');
    assertError(await srv.inject({ method: 'DELETE', url: '/_connector/' }), 400, 'action_request_validation_exception',
      'Validation Failed: 1: connector_id missing;');
  });

  it('unicode ids round-trip (percent-encoded UTF-8)', async () => {
    for (const id of ['ünïcödé', '日本語', '✓😀', 'Ω']) {
      const path = `/_connector/${encodeURIComponent(id)}`;
      assert.equal(JSON.parse((await raw('PUT', path, '{}', { 'content-type': 'application/json' })).body).id, id);
      assert.equal(JSON.parse((await raw('GET', path)).body).id, id);
      assert.equal(JSON.parse((await raw('PUT', `${path}/_name`, '{"name":"u"}', { 'content-type': 'application/json' })).body).result, 'updated');
      const list = JSON.parse((await raw('GET', '/_connector?connector_name=u')).body);
      assert.ok(list.results.some((r: { id: string }) => r.id === id));
    }
  });

  it('%2F stays inside the id; a raw / is another path', async () => {
    assert.equal(JSON.parse((await raw('PUT', '/_connector/a%2Fb', '{}', { 'content-type': 'application/json' })).body).id, 'a/b');
    assert.equal(JSON.parse((await raw('GET', '/_connector/a%2Fb')).body).id, 'a/b');
    assert.equal(JSON.parse((await raw('GET', '/_connector/a%2fb')).body).id, 'a/b');
    assert.equal((await raw('GET', '/_connector/a/b')).status, 400);
  });

  it('"." and ".." are ids, not path traversal', async () => {
    for (const id of ['.', '..']) {
      const put = await raw('PUT', `/_connector/${id}`, JSON.stringify({ name: `dots ${id}` }), { 'content-type': 'application/json' });
      assert.equal(put.status, 201, put.body);
      assert.equal(JSON.parse((await raw('GET', `/_connector/${id}`)).body).name, `dots ${id}`);
    }
    assert.equal(JSON.parse((await raw('GET', '/_connector/%2E%2E')).body).id, '..');
    const trav = await raw('GET', '/_connector/..%2F_connector%2Fw1');
    assertError(trav, 404, 'resource_not_found_exception', 'connector [../_connector/w1] not found');
    assert.equal((await raw('GET', '/_connector/../_connector/w1')).status, 400);
    assert.equal((await getConnector(srv, 'w1')).id, 'w1');
  });

  it('bad percent-encoding and over-long ids → 400 envelope, not a crash', async () => {
    assertError(await raw('GET', '/_connector/%E0%A4%A'), 400, 'illegal_argument_exception', /bad percent-encoding/);
    assertError(await raw('GET', `/_connector/${'x'.repeat(5000)}`), 400, 'illegal_argument_exception', 'path parameter is longer than [4096] characters');
  });

  it('literal routes win over the id parameter for their method only (§1.1)', async () => {
    assert.deepEqual(Object.keys(ok(await srv.inject({ method: 'GET', url: '/_connector/_sync_job' }))), ['count', 'results']);
  });
});
