/** `POST /.elastic-connectors-sync-jobs/_doc` (Elastic's service scheduling a job without the Connector API) creates a runnable job. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../../../test/helpers/assert-es.js';
import { startServer, type TestServer } from '../../../test/helpers/server.js';

describe('POST /.elastic-connectors-sync-jobs/_doc', () => {
  let srv: TestServer;
  const req = (method: string, url: string, body?: unknown) => srv.inject({ method: method as 'GET', url, body });
  before(async () => {
    srv = await startServer();
    ok(await req('PUT', '/_connector/c1', { index_name: 'search-jobs', service_type: 'mysql', name: 'c1' }), 201);
  });
  after(() => srv.close());

  it('indexes the job as written over the API defaults, and the Connector API and the worker see it', async () => {
    const now = '2026-12-07T14:00:00.000000+00:00';
    const r = ok(await req('POST', '/.elastic-connectors-sync-jobs/_doc', {
      connector: { id: 'c1', filtering: { rules: [], advanced_snippet: { value: {} } }, index_name: 'search-jobs', language: 'en',
        pipeline: { name: 'search-default-ingestion' }, service_type: 'mysql', configuration: { host: { value: 'db' } } },
      trigger_method: 'scheduled', job_type: 'incremental', status: 'pending',
      indexed_document_count: 0, indexed_document_volume: 0, deleted_document_count: 0, created_at: now, last_seen: now,
    }), 201);
    assert.equal(r._index, '.elastic-connectors-sync-jobs-v1');
    assert.equal(r.result, 'created');
    assert.equal(r._version, 1);
    const job = ok(await req('GET', `/_connector/_sync_job/${r._id}`));
    assert.equal(job.job_type, 'incremental');
    assert.equal(job.trigger_method, 'scheduled');
    assert.equal(job.created_at, now, 'the written timestamp is kept');
    assert.equal(job.connector.configuration.host.value, 'db');
    assert.equal(job.total_document_count, 0, 'defaults fill what the document left out');
    assert.deepEqual(job.metadata, {});
    assert.equal(ok(await req('GET', `/.elastic-connectors-sync-jobs/_doc/${r._id}`))._seq_no, r._seq_no);
    const claimed = ok(await req('PUT', `/_connector/_sync_job/${r._id}/_claim`, { worker_hostname: 'w' }));
    assert.equal(claimed.result, 'updated');
  });

  it('a minimal document gets the snapshot of its connector', async () => {
    const r = ok(await req('POST', '/.elastic-connectors-sync-jobs-v1/_doc', { connector: { id: 'c1' } }), 201);
    const job = ok(await req('GET', `/_connector/_sync_job/${r._id}`));
    assert.equal(job.connector.index_name, 'search-jobs');
    assert.equal(job.status, 'pending');
    assert.equal(job.job_type, 'full');
  });

  it('refuses a job that could not be run', async () => {
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: 'nope' } }), 404, 'resource_not_found_exception', "Connector with id 'nope' does not exist.");
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { job_type: 'full' }), 400, 'action_request_validation_exception', /\[connector\]/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: '' } }), 400, 'action_request_validation_exception', /\[connector.id\]/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: 'c1' }, job_type: 'everything' }), 400, 'illegal_argument_exception', /\[job_type\]/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: 'c1' }, status: 7 }), 400, 'illegal_argument_exception', /\[status\]/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: 'c1' }, indexed_document_count: -1 }), 400, 'illegal_argument_exception', /indexed_document_count/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', { connector: { id: 'c1', index_name: 5 } }), 400, 'illegal_argument_exception', /index_name/);
    assertError(await req('POST', '/.elastic-connectors-sync-jobs/_doc', [1]), 400, 'parsing_exception');
  });
});
