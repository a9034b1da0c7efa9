/** `GET /_license`: an active enterprise licence in Elasticsearch's shape, through the official client too. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { startServer, type TestServer } from '../../../test/helpers/server.js';

describe('GET /_license', () => {
  let srv: TestServer;
  before(async () => (srv = await startServer({ listen: true })));
  after(() => srv.close());

  it('answers an active licence that enables every gated feature', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_license' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    const { license } = res.json();
    assert.equal(license.status, 'active');
    assert.equal(license.type, 'enterprise');
    assert.equal(license.uid, srv.app.identity.clusterUuid);
    assert.ok(license.expiry_date_in_millis > Date.now() + 100 * 365 * 86_400_000);
    assert.equal(new Date(license.issue_date).getTime(), license.issue_date_in_millis);
  });

  it('pre-8 clients (accept_enterprise=false) get platinum; unknown parameters are refused', async () => {
    assert.equal((await srv.inject({ method: 'GET', url: '/_license?accept_enterprise=false' })).json().license.type, 'platinum');
    const bad = await srv.inject({ method: 'GET', url: '/_license?bogus=1' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.type, 'illegal_argument_exception');
  });

  it('is what client.license.get returns', async () => {
    const es = new Client({ node: srv.url });
    try {
      const r = await es.license.get();
      assert.equal(r.license.type, 'enterprise');
      assert.equal(r.license.status, 'active');
    } finally {
      await es.close();
    }
  });
});
