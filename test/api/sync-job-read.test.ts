/** `GET` / `DELETE _connector/_sync_job/<id>` and the list (connector-api.md §7.4–§7.6). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { getJob, jobIn, postJob, putConnector } from './helpers/sync-job.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(() => srv.close());

interface ListBody { count: number; results: { id: string; [k: string]: any }[] }
const list = async (qs = ''): Promise<ListBody> => ok<ListBody>(await srv.inject({ method: 'GET', url: `/_connector/_sync_job${qs}` }));
const listIds = async (qs = '') => (await list(qs)).results.map((r) => r.id);

describe('get', () => {
  it('returns {id, ...source} with id first', async () => {
    await putConnector(srv, 'g1');
    const id = await postJob(srv, 'g1');
    const res = await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}` });
    const job = ok(res);
    assert.equal(Object.keys(job)[0], 'id');
    assert.equal(job.id, id);
    assert.equal(job.connector.id, 'g1');
    assert.ok(res.body.startsWith(`{"id":"${id}",`));
  });

  it('missing job: 404 resource_not_found_exception with the bare id (§1.3, quirk 11)', async () => {
    assertError(await srv.inject({ method: 'GET', url: '/_connector/_sync_job/does-not-exist' }), 404, 'resource_not_found_exception', 'does-not-exist');
  });

  it('supports filter_path and pretty like every endpoint', async () => {
    await putConnector(srv, 'g2');
    const id = await postJob(srv, 'g2');
    const res = await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}?filter_path=status,connector.id&pretty` });
    assert.deepEqual(ok(res), { connector: { id: 'g2' }, status: 'pending' });
    assert.ok(res.body.includes('\n'));
  });

  it('rejects unknown query parameters', async () => {
    const id = await postJob(srv, 'g2');
    assertError(await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}?include_deleted=true` }), 400, 'illegal_argument_exception',
      /contains unrecognized parameter: \[include_deleted\]/);
  });
});

describe('delete', () => {
  it('hard-deletes the job: {acknowledged:true}, then 404', async () => {
    await putConnector(srv, 'd1');
    const id = await postJob(srv, 'd1');
    const keep = await postJob(srv, 'd1');
    assert.deepEqual(ok(await srv.inject({ method: 'DELETE', url: `/_connector/_sync_job/${id}` })), { acknowledged: true });
    assertError(await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}` }), 404, 'resource_not_found_exception', id);
    assert.deepEqual(await listIds('?connector_id=d1'), [keep]);
    assert.equal((await getJob(srv, keep)).status, 'pending');
  });

  it('deletes a job in any status (no state check)', async () => {
    await putConnector(srv, 'd2');
    for (const s of ['in_progress', 'canceling', 'completed'] as const) {
      const id = await jobIn(srv, 'd2', s);
      ok(await srv.inject({ method: 'DELETE', url: `/_connector/_sync_job/${id}` }));
    }
    assert.equal((await list('?connector_id=d2')).count, 0);
  });

  it('missing job (or deleted twice): 404 with the bare id', async () => {
    await putConnector(srv, 'd3');
    const id = await postJob(srv, 'd3');
    ok(await srv.inject({ method: 'DELETE', url: `/_connector/_sync_job/${id}` }));
    assertError(await srv.inject({ method: 'DELETE', url: `/_connector/_sync_job/${id}` }), 404, 'resource_not_found_exception', id);
  });

  it('does not touch the connector', async () => {
    await putConnector(srv, 'd4');
    const id = await postJob(srv, 'd4');
    ok(await srv.inject({ method: 'DELETE', url: `/_connector/_sync_job/${id}` }));
    ok(await srv.inject({ method: 'GET', url: '/_connector/d4' }));
  });
});

describe('empty job id in the path', () => {
  const msg = 'Validation Failed: 1: [connector_sync_job_id] of the connector sync job cannot be null or empty.;';
  for (const [method, action, body] of [
    ['PUT', '_cancel', undefined],
    ['PUT', '_check_in', undefined],
    ['PUT', '_claim', { worker_hostname: 'w' }],
    ['PUT', '_error', { error: 'x' }],
    ['PUT', '_stats', { deleted_document_count: 0, indexed_document_count: 0, indexed_document_volume: 0 }],
  ] as const) {
    it(`${method} /_connector/_sync_job//${action} → 400 validation`, async () => {
      assertError(await srv.inject({ method, url: `/_connector/_sync_job//${action}`, body }), 400, 'action_request_validation_exception', msg);
    });
  }
});

describe('list', () => {
  // Jobs of two connectors, in creation order, with a mix of types and statuses.
  const made: { id: string; connector: string; type: string; status: string }[] = [];
  before(async () => {
    await putConnector(srv, 'la');
    await putConnector(srv, 'lb');
    const plan = [
      ['la', 'full', 'pending'], ['la', 'incremental', 'in_progress'], ['lb', 'access_control', 'pending'],
      ['la', 'access_control', 'canceled'], ['lb', 'full', 'completed'], ['la', 'full', 'error'],
      ['lb', 'incremental', 'pending'],
    ] as const;
    for (const [connector, type, status] of plan) {
      const id = await postJob(srv, connector, { job_type: type });
      if (status !== 'pending') {
        // jobIn makes a new job; drive this one instead so the types stay as planned.
        const steps: Record<string, [string, unknown][]> = {
          in_progress: [['_claim', { worker_hostname: 'w' }]],
          canceled: [['_cancel', undefined]],
          error: [['_claim', { worker_hostname: 'w' }], ['_error', { error: 'e' }]],
          completed: [['_claim', { worker_hostname: 'w' }]],
        };
        for (const [action, body] of steps[status]) ok(await srv.inject({ method: 'PUT', url: `/_connector/_sync_job/${id}/${action}`, body }));
        if (status === 'completed') ok(await srv.inject({ method: 'POST', url: `/.elastic-connectors-sync-jobs/_update/${id}`, body: { doc: { status: 'completed' } } }));
      }
      made.push({ id, connector, type, status });
    }
  });
  const mine = (f: (j: (typeof made)[number]) => boolean) => made.filter(f).map((j) => j.id).reverse();

  it('lists newest first with count and results of {id, ...source}', async () => {
    const body = await list('?connector_id=la');
    assert.deepEqual(Object.keys(body), ['count', 'results']);
    assert.equal(body.count, 4);
    assert.deepEqual(body.results.map((r) => r.id), mine((j) => j.connector === 'la'));
    for (const r of body.results) {
      assert.equal(Object.keys(r)[0], 'id');
      assert.ok(r.created_at && r.connector);
    }
    const created = body.results.map((r) => r.created_at);
    assert.deepEqual(created, [...created].sort().reverse());
  });

  it('filters by connector_id exactly', async () => {
    assert.deepEqual(await listIds('?connector_id=lb'), mine((j) => j.connector === 'lb'));
    assert.deepEqual(await listIds('?connector_id=l'), []);
    assert.deepEqual(await listIds('?connector_id=LA'), [], 'keyword match is case-sensitive');
  });

  it('filters by a single status, case-insensitively', async () => {
    assert.deepEqual(await listIds('?connector_id=lb&status=pending'), mine((j) => j.connector === 'lb' && j.status === 'pending'));
    assert.deepEqual(await listIds('?connector_id=la&status=CANCELED'), mine((j) => j.connector === 'la' && j.status === 'canceled'));
    assert.deepEqual(await listIds('?connector_id=la&status=suspended'), []);
  });

  it('filters by job_type, a comma list (also repeated)', async () => {
    const inLa = (...t: string[]) => mine((j) => j.connector === 'la' && t.includes(j.type));
    assert.deepEqual(await listIds('?connector_id=la&job_type=full'), inLa('full'));
    assert.deepEqual(await listIds('?connector_id=la&job_type=full,access_control'), inLa('full', 'access_control'));
    assert.deepEqual(await listIds('?connector_id=la&job_type=full&job_type=incremental'), inLa('full', 'incremental'));
    assert.deepEqual(await listIds('?connector_id=la&job_type=Incremental'), inLa('incremental'));
  });

  it('combines filters', async () => {
    const expected = mine((j) => j.connector === 'lb' && j.status === 'pending' && j.type !== 'full');
    assert.equal(expected.length, 2);
    assert.deepEqual(await listIds('?connector_id=lb&status=pending&job_type=access_control,incremental'), expected);
    assert.deepEqual(await listIds('?connector_id=lb&status=completed&job_type=access_control'), []);
  });

  it('pages with from and size; count is the total, not the page', async () => {
    const all = mine((j) => j.connector === 'la');
    let body = await list('?connector_id=la&size=2');
    assert.equal(body.count, 4);
    assert.deepEqual(body.results.map((r) => r.id), all.slice(0, 2));
    body = await list('?connector_id=la&from=2&size=2');
    assert.deepEqual(body.results.map((r) => r.id), all.slice(2, 4));
    body = await list('?connector_id=la&from=3');
    assert.deepEqual(body.results.map((r) => r.id), all.slice(3));
    body = await list('?connector_id=la&from=10');
    assert.equal(body.count, 4);
    assert.deepEqual(body.results, []);
    body = await list('?connector_id=la&size=0');
    assert.equal(body.count, 4);
    assert.deepEqual(body.results, []);
  });

  it('default size is 100', async () => {
    await putConnector(srv, 'lots');
    for (let i = 0; i < 105; i++) await postJob(srv, 'lots');
    const body = await list('?connector_id=lots');
    assert.equal(body.count, 105);
    assert.equal(body.results.length, 100);
  });

  it('an empty result is {count: 0, results: []}', async () => {
    assert.deepEqual(await list('?connector_id=nobody'), { count: 0, results: [] });
  });

  it('bad parameters: 400 illegal_argument_exception', async () => {
    const bad = async (qs: string, reason: string | RegExp) =>
      assertError(await srv.inject({ method: 'GET', url: `/_connector/_sync_job${qs}` }), 400, 'illegal_argument_exception', reason);
    await bad('?status=bogus', 'Unknown ConnectorSyncStatus [bogus].');
    await bad('?status=pending,canceled', 'Unknown ConnectorSyncStatus [pending,canceled].');
    await bad('?job_type=full,bogus', 'Unknown ConnectorSyncJobType [bogus].');
    await bad('?from=-1', 'Parameter [from] cannot be < 0');
    await bad('?size=-1', 'Parameter [size] cannot be < 0');
    await bad('?size=abc', /size/);
    await bad('?from=9999&size=2', /Result window is too large/);
    await bad('?index_name=x', /contains unrecognized parameter: \[index_name\]/);
  });
});
