/** `POST /.elastic-connectors/_doc` (the connectors CLI's `connector create`) creates a connector as the Connector API does. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';

describe('POST /.elastic-connectors/_doc', () => {
  let srv: TestServer;
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });
  before(async () => (srv = await startServer()));
  after(() => srv.close());

  it('creates a connector with a generated id, the API defaults and the document as written', async () => {
    const r = ok(await req('POST', '/.elastic-connectors/_doc', {
      index_name: 'search-cli', service_type: 'mysql', name: 'From the CLI', is_native: false,
      configuration: { host: { label: 'Host', value: 'db', type: 'str' } }, pipeline: { name: 'search-default-ingestion', extract_binary_content: true },
    }), 201);
    assert.equal(r._index, '.elastic-connectors-v1');
    assert.equal(r.result, 'created');
    assert.equal(r._primary_term, 1);
    assert.match(r._id, /^[A-Za-z0-9_-]{20}$/);
    const c = ok(await req('GET', `/_connector/${r._id}`));
    assert.equal(c.index_name, 'search-cli');
    assert.equal(c.status, 'created');
    assert.equal(c.configuration.host.value, 'db');
    assert.equal(c.pipeline.name, 'search-default-ingestion');
    assert.equal(c.scheduling.full.interval, '0 0 0 * * ?', 'defaults fill what the document left out');
    assert.equal(ok(await req('GET', `/.elastic-connectors/_doc/${r._id}`))._seq_no, r._seq_no);
  });

  it('checks what the Connector API checks', async () => {
    assertError(await req('POST', '/.elastic-connectors/_doc', { index_name: 'search-cli', service_type: 'mysql' }), 400, 'status_exception', 'Index name [search-cli] is used by another connector.');
    assertError(await req('POST', '/.elastic-connectors-v1/_doc', { index_name: 'Bad Name' }), 400, 'action_request_validation_exception', /Invalid index name \[Bad Name\]/);
    assertError(await req('POST', '/.elastic-connectors/_doc', { name: 5 }), 400, 'x_content_parse_exception');
    assertError(await req('POST', '/.elastic-connectors/_doc'), 400, 'parse_exception');
  });
});
