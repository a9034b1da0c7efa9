/** `GET /_cluster/health`: green with a reachable store, red + 503 with the reason otherwise. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errors } from '../../domain/errors.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';

describe('GET /_cluster/health', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer();
  });
  after(() => srv.close());

  it('green when the store answers, in Elasticsearch\'s shape', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_cluster/health' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    const body = res.json();
    assert.equal(body.cluster_name, srv.app.identity.clusterName);
    assert.equal(body.status, 'green');
    assert.equal(body.timed_out, false);
    assert.equal(body.number_of_nodes, 1);
    assert.equal(body.number_of_data_nodes, 1);
    assert.equal(body.active_shards_percent_as_number, 100);
    assert.deepEqual(body.store, { type: 'sqlite', status: 'reachable' });
  });

  it('accepts the usual query parameters and an index path', async () => {
    const res = await srv.inject({ method: 'GET', url: '/_cluster/health/.elastic-connectors?wait_for_status=yellow&timeout=5s&level=cluster' });
    assert.equal(res.statusCode, 200);
    const bad = await srv.inject({ method: 'GET', url: '/_cluster/health?nope=1' });
    assert.equal(bad.statusCode, 400);
  });

  it('red with 503 and the reason when the store does not answer', async () => {
    const ping = srv.app.store.ping;
    srv.app.store.ping = async () => {
      throw errors.unavailable('The PostgreSQL state store at [db:5432/x] is unavailable (connect ECONNREFUSED); retry later');
    };
    try {
      const res = await srv.inject({ method: 'GET', url: '/_cluster/health' });
      assert.equal(res.statusCode, 503);
      const body = res.json();
      assert.equal(body.status, 'red');
      assert.equal(body.active_shards_percent_as_number, 0);
      assert.equal(body.store.status, 'unreachable');
      assert.match(body.store.reason, /ECONNREFUSED/);
      srv.app.store.ping = async () => {
        throw new Error('disk I/O error');
      };
      const other = (await srv.inject({ method: 'GET', url: '/_cluster/health' })).json();
      assert.equal(other.store.reason, 'the sqlite state store is unavailable: disk I/O error');
    } finally {
      srv.app.store.ping = ping;
    }
    assert.equal((await srv.inject({ method: 'GET', url: '/_cluster/health' })).statusCode, 200);
  });
});
