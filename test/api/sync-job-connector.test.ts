/**
 * Sync jobs and their connector's lifecycle: `DELETE _connector/<id>?delete_sync_jobs`
 * (connector-api.md §6.4) and jobs of soft-deleted connectors (§7.3, quirk 7).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { getJob, jobIn, postJob, put, putConnector } from './helpers/sync-job.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(() => srv.close());

const countOf = async (connectorId: string) =>
  ok<{ count: number }>(await srv.inject({ method: 'GET', url: `/_connector/_sync_job?connector_id=${connectorId}` })).count;
const del = (url: string) => srv.inject({ method: 'DELETE', url });

describe('connector delete and its sync jobs', () => {
  it('soft delete with delete_sync_jobs=true deletes all its jobs, in every status, and only its jobs', async () => {
    await putConnector(srv, 'gone');
    await putConnector(srv, 'bystander');
    const ids = [await jobIn(srv, 'gone', 'pending'), await jobIn(srv, 'gone', 'in_progress'), await jobIn(srv, 'gone', 'completed')];
    const other = await postJob(srv, 'bystander');
    assert.deepEqual(ok(await del('/_connector/gone?delete_sync_jobs=true')), { acknowledged: true });
    assert.equal(await countOf('gone'), 0);
    for (const id of ids) assertError(await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}` }), 404, 'resource_not_found_exception', id);
    assert.equal((await getJob(srv, other)).status, 'pending');
    assert.equal(await countOf('bystander'), 1);
  });

  it('delete_sync_jobs with an empty value means true', async () => {
    await putConnector(srv, 'empty-flag');
    await postJob(srv, 'empty-flag');
    ok(await del('/_connector/empty-flag?delete_sync_jobs'));
    assert.equal(await countOf('empty-flag'), 0);
  });

  it('soft delete without delete_sync_jobs (or =false) keeps the jobs, still readable and workable', async () => {
    await putConnector(srv, 'kept');
    const a = await postJob(srv, 'kept');
    ok(await del('/_connector/kept'));
    assert.equal(await countOf('kept'), 1);
    ok(await put(srv, a, '_claim', { worker_hostname: 'w' }));
    assert.equal((await getJob(srv, a)).status, 'in_progress');

    await putConnector(srv, 'kept-false');
    await postJob(srv, 'kept-false');
    ok(await del('/_connector/kept-false?delete_sync_jobs=false'));
    assert.equal(await countOf('kept-false'), 1);
  });

  it('hard delete with delete_sync_jobs=true deletes the jobs; without, keeps them', async () => {
    await putConnector(srv, 'hard-with');
    await postJob(srv, 'hard-with');
    await postJob(srv, 'hard-with');
    ok(await del('/_connector/hard-with?hard=true&delete_sync_jobs=true'));
    assert.equal(await countOf('hard-with'), 0);
    assertError(await srv.inject({ method: 'GET', url: '/_connector/hard-with?include_deleted=true' }), 404, 'resource_not_found_exception');

    await putConnector(srv, 'hard-without');
    const orphan = await postJob(srv, 'hard-without');
    ok(await del('/_connector/hard-without?hard=true'));
    assert.equal(await countOf('hard-without'), 1);
    assert.equal((await getJob(srv, orphan)).connector.id, 'hard-without');
  });

  it('a missing connector: 404, and jobs pointing at that id are not touched', async () => {
    await putConnector(srv, 'twice');
    await postJob(srv, 'twice');
    ok(await del('/_connector/twice?hard=true'));
    assertError(await del('/_connector/twice?hard=true&delete_sync_jobs=true'), 404, 'resource_not_found_exception', 'connector [twice] not found');
    assert.equal(await countOf('twice'), 1);
  });

  it('a bad delete_sync_jobs value: 400', async () => {
    await putConnector(srv, 'badflag');
    assertError(await del('/_connector/badflag?delete_sync_jobs=yes'), 400, 'illegal_argument_exception',
      'Failed to parse value [yes] as only [true] or [false] are allowed.');
  });
});

describe('soft-deleted connectors (quirk 7)', () => {
  it('can still get new jobs, snapshotted from the stored document', async () => {
    await putConnector(srv, 'ghost', { language: 'de' });
    ok(await del('/_connector/ghost'));
    assertError(await srv.inject({ method: 'GET', url: '/_connector/ghost' }), 404, 'resource_not_found_exception');
    const id = await postJob(srv, 'ghost', { job_type: 'incremental' });
    const job = await getJob(srv, id);
    assert.equal(job.status, 'pending');
    assert.equal(job.connector.id, 'ghost');
    assert.equal(job.connector.language, 'de');
    assert.equal(job.connector.index_name, 'search-ghost');
    assert.equal(await countOf('ghost'), 1);
  });

  it('their jobs go through the whole lifecycle', async () => {
    await putConnector(srv, 'ghost2');
    ok(await del('/_connector/ghost2'));
    const id = await postJob(srv, 'ghost2');
    ok(await put(srv, id, '_claim', { worker_hostname: 'w' }));
    ok(await put(srv, id, '_check_in'));
    ok(await put(srv, id, '_stats', { deleted_document_count: 0, indexed_document_count: 1, indexed_document_volume: 1 }));
    ok(await put(srv, id, '_cancel'));
    assert.equal((await getJob(srv, id)).status, 'canceling');
  });

  it('a hard-deleted connector gets no jobs: 404', async () => {
    await putConnector(srv, 'ghost3');
    ok(await del('/_connector/ghost3?hard=true'));
    assertError(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id: 'ghost3' } }), 404, 'resource_not_found_exception',
      "Connector with id 'ghost3' does not exist.");
  });

  it('the index-name check still applies to a soft-deleted connector', async () => {
    await putConnector(srv, 'ghost4', { index_name: undefined });
    ok(await del('/_connector/ghost4'));
    assertError(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id: 'ghost4' } }), 400, 'status_exception', /no index attached/);
  });

  it('recreating a soft-deleted connector keeps its old jobs', async () => {
    await putConnector(srv, 'phoenix');
    const old = await postJob(srv, 'phoenix');
    ok(await del('/_connector/phoenix'));
    await putConnector(srv, 'phoenix');
    const fresh = await postJob(srv, 'phoenix');
    const ids = ok<{ results: { id: string }[] }>(await srv.inject({ method: 'GET', url: '/_connector/_sync_job?connector_id=phoenix' })).results.map((r) => r.id);
    assert.deepEqual(ids, [fresh, old]);
  });
});
