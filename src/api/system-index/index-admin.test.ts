/**
 * The connector system indices as indices: they exist (HEAD, GET with aliases and mappings,
 * PUT → already exists), refresh and mapping answer, and the content index never creates or
 * serves an index of their names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startIndexServer } from '../content-index/index-server.fixture.js';

describe('system indices as indices', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  before(async () => (srv = await startIndexServer()));
  after(() => srv.close());
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });

  for (const [alias, concrete, field] of [
    ['.elastic-connectors', '.elastic-connectors-v1', 'index_name'],
    ['.elastic-connectors-sync-jobs', '.elastic-connectors-sync-jobs-v1', 'job_type'],
  ]) {
    it(`${alias} and ${concrete} exist, with their alias, mappings and a stable uuid`, async () => {
      for (const name of [alias, concrete]) {
        assert.equal((await req('HEAD', `/${name}?expand_wildcards=open,hidden`)).statusCode, 200);
        const got = ok(await req('GET', `/${name}`));
        assert.deepEqual(Object.keys(got), [concrete]);
        assert.deepEqual(got[concrete].aliases, { [alias]: { is_hidden: true } });
        assert.deepEqual(got[concrete].mappings.properties[field], { type: 'keyword' });
        assert.equal(got[concrete].settings.index.hidden, 'true');
        const put = assertError(await req('PUT', `/${name}`), 400, 'resource_already_exists_exception');
        assert.equal(put.error.reason, `index [${concrete}/${got[concrete].settings.index.uuid}] already exists`);
        assert.deepEqual(ok(await req('GET', `/${name}/_mapping`)), { [concrete]: { mappings: got[concrete].mappings } });
        assert.deepEqual(ok(await req('POST', `/${name}/_refresh`)), { _shards: { total: 1, successful: 1, failed: 0 } });
      }
    });
  }

  it('the content index neither creates nor serves an index of those names', async () => {
    // A document written to the jobs index is a sync job (create-job-doc.ts), never a content document.
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { a: 1 }), 400, 'action_request_validation_exception', /\[connector\] of the sync job/);
    const bulk = await srv.inject({
      method: 'POST', url: '/_bulk', headers: { 'content-type': 'application/x-ndjson' },
      body: '{"index":{"_index":".elastic-connectors-v1","_id":"x"}}\n{"a":1}\n',
    });
    const item = bulk.json().items[0].index;
    assert.equal(item.status, 400);
    assert.equal(item.error.type, 'invalid_index_name_exception');
    assert.match(item.error.reason, /is a connector system index/);
    assert.equal(srv.ci.exists('.elastic-connectors-v1'), false);
    assert.deepEqual(srv.ci.listIndices(), []);
  });
});
