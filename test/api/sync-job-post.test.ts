/** `POST /_connector/_sync_job` (connector-api.md §7.1, §7.3). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { getJob, postJob, putConnector } from './helpers/sync-job.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(() => srv.close());

const post = (body?: unknown) => srv.inject({ method: 'POST', url: '/_connector/_sync_job', body });
const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z$/;

describe('create: happy path', () => {
  it('returns 201 {id} and stores a pending job with the defaults of §7.1', async () => {
    await putConnector(srv, 'plain');
    const res = await post({ id: 'plain' });
    const { id } = ok<{ id: string }>(res, 201);
    assert.match(id, /^[A-Za-z0-9_-]{20}$/, 'an Elasticsearch-style generated id');
    const job = await getJob(srv, id);
    assert.equal(Object.keys(job)[0], 'id', 'GET puts id first');
    assert.equal(job.id, id);
    assert.equal(job.status, 'pending');
    assert.equal(job.job_type, 'full');
    assert.equal(job.trigger_method, 'on_demand');
    assert.match(job.created_at, TS);
    assert.equal(job.last_seen, job.created_at);
    for (const k of ['deleted_document_count', 'indexed_document_count', 'indexed_document_volume', 'total_document_count']) assert.equal(job[k], 0, k);
    assert.deepEqual(job.metadata, {});
    for (const k of ['cancelation_requested_at', 'canceled_at', 'completed_at', 'error', 'started_at', 'worker_hostname']) {
      assert.ok(!(k in job), `${k} absent`);
    }
    assert.deepEqual(job.connector, {
      id: 'plain',
      filtering: job.connector.filtering,
      index_name: 'search-plain',
      service_type: 'mysql',
      configuration: {},
    });
    assert.deepEqual(job.connector.filtering.rules.map((r: { id: string }) => r.id), ['DEFAULT'], 'the default active rules');
    assert.ok(!('domain' in job.connector.filtering) && !('draft' in job.connector.filtering));
  });

  it('records job_type and trigger_method, case-insensitively', async () => {
    await putConnector(srv, 'types');
    const a = await getJob(srv, await postJob(srv, 'types', { job_type: 'INCREMENTAL', trigger_method: 'Scheduled' }));
    assert.equal(a.job_type, 'incremental');
    assert.equal(a.trigger_method, 'scheduled');
    const b = await getJob(srv, await postJob(srv, 'types', { job_type: 'full' }));
    assert.equal(b.trigger_method, 'on_demand');
    const c = await getJob(srv, await postJob(srv, 'types', { trigger_method: 'scheduled' }));
    assert.equal(c.job_type, 'full');
  });

  it('access_control jobs point at the .search-acl-filter- index', async () => {
    await putConnector(srv, 'acl', { index_name: 'search-docs' });
    const job = await getJob(srv, await postJob(srv, 'acl', { job_type: 'access_control' }));
    assert.equal(job.connector.index_name, '.search-acl-filter-search-docs');
    assert.equal(job.job_type, 'access_control');
  });

  it('snapshots language, pipeline, configuration and the active (not draft) filtering', async () => {
    await putConnector(srv, 'rich', { language: 'en' });
    const pipeline = { extract_binary_content: true, name: 'p1', reduce_whitespace: false, run_ml_inference: true };
    ok(await srv.inject({ method: 'PUT', url: '/_connector/rich/_pipeline', body: { pipeline } }));
    ok(await srv.inject({
      method: 'PUT', url: '/_connector/rich/_configuration',
      body: { configuration: { host: { label: 'Host', value: 'db.local', type: 'str', display: 'textbox', order: 1, required: true, sensitive: false } } },
    }));
    ok(await srv.inject({ method: 'PUT', url: '/_connector/rich/_filtering', body: { rules: [{ field: 'title', id: 'r1', order: 0, policy: 'exclude', rule: 'equals', value: 'x' }] } }));
    ok(await srv.inject({ method: 'PUT', url: '/_connector/rich/_filtering/_validation', body: { validation: { errors: [], state: 'valid' } } }));
    ok(await srv.inject({ method: 'PUT', url: '/_connector/rich/_filtering/_activate' }));
    // A newer draft that is not active must not be snapshotted.
    ok(await srv.inject({ method: 'PUT', url: '/_connector/rich/_filtering', body: { rules: [{ field: 'body', id: 'r2', order: 0, policy: 'include', rule: 'contains', value: 'y' }] } }));

    const conn = ok(await srv.inject({ method: 'GET', url: '/_connector/rich' }));
    const job = await getJob(srv, await postJob(srv, 'rich'));
    assert.deepEqual(Object.keys(job.connector), ['id', 'filtering', 'index_name', 'language', 'pipeline', 'service_type', 'configuration']);
    assert.equal(job.connector.language, 'en');
    assert.deepEqual(job.connector.pipeline, pipeline);
    assert.deepEqual(job.connector.configuration, conn.configuration, 'configuration copied as stored');
    assert.deepEqual(job.connector.filtering, conn.filtering[0].active);
    assert.ok(job.connector.filtering.rules.some((r: { id: string }) => r.id === 'r1'));
    assert.ok(!job.connector.filtering.rules.some((r: { id: string }) => r.id === 'r2'));
  });

  it('the snapshot is a copy: later connector changes do not reach existing jobs', async () => {
    await putConnector(srv, 'later');
    const id = await postJob(srv, 'later');
    ok(await srv.inject({ method: 'PUT', url: '/_connector/later/_index_name', body: { index_name: 'search-renamed' } }));
    assert.equal((await getJob(srv, id)).connector.index_name, 'search-later');
    assert.equal((await getJob(srv, await postJob(srv, 'later'))).connector.index_name, 'search-renamed');
  });

  it('allows several jobs per connector, each with its own id', async () => {
    await putConnector(srv, 'many');
    const ids = [await postJob(srv, 'many'), await postJob(srv, 'many'), await postJob(srv, 'many')];
    assert.equal(new Set(ids).size, 3);
    const list = ok(await srv.inject({ method: 'GET', url: '/_connector/_sync_job?connector_id=many' }));
    assert.equal(list.count, 3);
  });

  it('accepts the vendored media type the official clients send', async () => {
    await putConnector(srv, 'vendored');
    const res = await srv.inject({
      method: 'POST', url: '/_connector/_sync_job', payload: JSON.stringify({ id: 'vendored' }),
      headers: { 'content-type': 'application/vnd.elasticsearch+json; compatible-with=9' },
    });
    ok(res, 201);
  });
});

describe('create: errors', () => {
  it('unknown connector: 404 resource_not_found_exception', async () => {
    assertError(await post({ id: 'ghost' }), 404, 'resource_not_found_exception', "Connector with id 'ghost' does not exist.");
  });

  it('connector without index_name: 400 status_exception', async () => {
    await putConnector(srv, 'noindex', { index_name: undefined });
    const conn = ok(await srv.inject({ method: 'GET', url: '/_connector/noindex' }));
    assert.ok(conn.index_name == null);
    assertError(await post({ id: 'noindex' }), 400, 'status_exception',
      'Cannot start a sync for connector [noindex] with no index attached. Set the [index_name] property for the connector to enable syncing data.');
  });

  it('connector without service_type: 400 status_exception', async () => {
    await putConnector(srv, 'noservice', { service_type: undefined });
    assertError(await post({ id: 'noservice' }), 400, 'status_exception',
      'Cannot start a sync for connector [noservice] with [service_type] not defined. Set the service type of your connector before starting the sync.');
  });

  it('bad enums: 400 x_content_parse_exception caused by the enum message', async () => {
    await putConnector(srv, 'enums');
    let body = assertError(await post({ id: 'enums', job_type: 'invalid_job_type' }), 400, 'x_content_parse_exception');
    assert.equal(body.error.caused_by?.reason, 'Unknown ConnectorSyncJobType [invalid_job_type].');
    body = assertError(await post({ id: 'enums', trigger_method: 'full' }), 400, 'x_content_parse_exception');
    assert.equal(body.error.caused_by?.reason, 'Unknown ConnectorSyncJobTriggerMethod [full].');
  });

  it('id missing, empty, null or not a string: 400', async () => {
    assertError(await post({}), 400, 'illegal_argument_exception', 'Required [id]');
    assertError(await post({ id: '' }), 400, 'action_request_validation_exception', 'Validation Failed: 1: [id] of the connector cannot be null or empty;');
    assertError(await post({ id: null }), 400, 'x_content_parse_exception');
    assertError(await post({ id: 12 }), 400, 'x_content_parse_exception');
  });

  it('unknown field, no body, bad JSON: 400', async () => {
    assertError(await post({ id: 'x', connector_id: 'x' }), 400, 'x_content_parse_exception', '[connector_sync_job_post_request] unknown field [connector_id]');
    assertError(await post(), 400, 'parse_exception', 'request body is required');
    assertError(await srv.inject({ method: 'POST', url: '/_connector/_sync_job', payload: '{"id":', headers: { 'content-type': 'application/json' } }), 400, 'x_content_parse_exception');
  });

  it('nothing is stored when create fails', async () => {
    await putConnector(srv, 'nothing', { service_type: undefined });
    await post({ id: 'nothing' });
    await post({ id: 'nothing', job_type: 'bad' });
    assert.equal(ok(await srv.inject({ method: 'GET', url: '/_connector/_sync_job?connector_id=nothing' })).count, 0);
  });

  it('PUT /_connector/_sync_job is not a sync job route: it falls through to connector create (§1.1)', async () => {
    const res = await srv.inject({ method: 'PUT', url: '/_connector/_sync_job', body: { index_name: 'search-fallthrough' } });
    assert.deepEqual(ok(res, 201), { id: '_sync_job', result: 'created' });
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/_sync_job?hard=true' }));
  });
});
