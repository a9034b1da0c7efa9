/**
 * The lifecycle replay's last steps (lifecycle.case.ts): a connector's own API key (secured
 * runs), an access control sync, the cleanup of idle and orphaned jobs, the documented
 * differences from Elasticsearch, and the time budget.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FIRST_TS, type Replay } from './lifecycle-context.js';
import { isoUtc, PythonClient, statusOf } from './python-client.js';
import { CONNECTORS, JOBS, type SourceDoc } from './service-instance.js';

export function cleanupSteps(r: Replay): void {
  it('a connector API key: Kibana creates it for the connector, the service syncs with it', { skip: !r.secured && 'security is off in this run' }, async () => {
    // What Kibana does for a connector: an API key for its indices, kept as a connector secret.
    const admin = new PythonClient(r.srv.url, r.srv.admin);
    const key = await admin.es.security.createApiKey({
      name: 'search-sharepoint-connector',
      role_descriptors: { connector: { cluster: ['monitor'], indices: [{ names: ['search-sharepoint', '.search-acl-filter-search-sharepoint', '.elastic-connectors*'], privileges: ['all'] }] } },
    });
    const secret = await admin.raw('POST', '/_connector/_secret', { value: key.encoded });
    assert.equal(secret.status, 200, JSON.stringify(secret.body));
    await admin.es.connector.updateApiKeyId({ connector_id: r.cliId, api_key_id: key.id, api_key_secret_id: secret.body.id });
    assert.equal((await r.connector(r.cliId))._source.api_key_id, key.id);
    // The service's config.yml: connectors: [{connector_id, service_type, api_key}].
    r.a.cfg.apiKeys = { [r.cliId]: key.encoded };
    const svc = r.a.forConnector(r.cliId);
    assert.notEqual(svc, r.a, 'the connector has its own key');
    const ok = await svc.py.bulk([{ index: { _index: 'search-sharepoint', _id: 'with-key' } }, { id: 'with-key', _timestamp: isoUtc() }], 'search-default-ingestion');
    assert.equal(ok.errors, false);
    const refused = await svc.py.bulk([{ index: { _index: 'content-mongo', _id: 'with-key' } }, { id: 'with-key' }], 'search-default-ingestion');
    assert.equal(refused.items[0]!.index!.status, 403, "the key is limited to its connector's indices");
    assert.equal((await svc.reload(CONNECTORS, r.cliId))._id, r.cliId, 'and reads the system indices');
    await svc.py.bulk([{ delete: { _index: 'search-sharepoint', _id: 'with-key' } }], 'search-default-ingestion');
    await svc.close();
    await admin.close();
    delete r.a.cfg.apiKeys;
  });

  it('access control sync: licence checked, job document with the .search-acl-filter- index, update operations with doc_as_upsert', async () => {
    const license = (await r.a.py.es.license.get()).license;
    assert.ok(license.status === 'active' && ['platinum', 'enterprise', 'trial'].includes(license.type), 'has_active_license_enabled(PLATINUM)');
    const c = await r.connector(r.cliId);
    const id = await r.a.createJob(c, 'on_demand', 'access_control');
    const [pending] = await r.a.pendingJobs([r.cliId], ['access_control']);
    assert.equal(pending?._id, id);
    assert.equal(pending!._source.connector.index_name, '.search-acl-filter-search-sharepoint');
    assert.equal((await r.a.syncStarts(c, 'access_control')).started, true, 'a content sync status does not block an access control sync');
    assert.equal((await r.connector(r.cliId))._source.last_access_control_sync_status, 'in_progress');
    await r.a.claim(id);
    const identities = (ts: string, n: number): SourceDoc[] => Array.from({ length: n }, (_, i) => ({ _id: `user-${i}`, _timestamp: i === 0 ? ts : FIRST_TS, identity: { email: `u${i}@example.com` }, query: { template: { source: '{}' } } }));
    const first = await r.a.contentSync(await r.job(id), identities(FIRST_TS, 3));
    assert.equal(first.created, 3);
    assert.equal(await r.a.documentCount('.search-acl-filter-search-sharepoint'), 3);
    // Again, with one identity changed and one gone: an update with doc_as_upsert, a delete.
    const again = await r.a.contentSync(await r.job(id), identities(isoUtc(), 2));
    assert.deepEqual([again.updated, again.deleted_document_count, again.indexed_document_count], [1, 1, 1]);
    assert.ok(r.a.py.log.some((l) => l.includes('{"update":{"_index":".search-acl-filter-search-sharepoint","_id":"user-0"}}')));
    assert.equal((await r.a.py.get('.search-acl-filter-search-sharepoint', 'user-0'))._source.identity.email, 'u0@example.com');
    await r.a.terminate(id, 'completed', null, again);
    await r.a.syncDone(r.cliId, await r.job(id));
    const after = (await r.connector(r.cliId))._source;
    assert.equal(after.last_access_control_sync_status, 'completed');
    assert.equal(after.last_sync_status, 'completed', 'the content sync status is left alone');
  });

  it('job cleanup: an in_progress job not seen for over 300 s is found by the range query and marked error', async () => {
    const { id: idle } = await r.user().connector.syncJobPost({ id: r.ids.native, job_type: 'full', trigger_method: 'on_demand' });
    const { id: fresh } = await r.user().connector.syncJobPost({ id: r.cliId, job_type: 'full', trigger_method: 'on_demand' });
    await r.b.claim(idle);
    await r.a.claim(fresh);
    await r.a.py.update(JOBS, idle, { last_seen: isoUtc(new Date(Date.now() - 10 * 60_000)) }); // its instance's last update, ten minutes ago
    const supported = (await r.a.supportedConnectors()).map((h) => h._id);
    const found = await r.a.idleJobs(supported);
    assert.deepEqual(found.map((h) => h._id), [idle], 'only the job unseen for over 300 s');
    await r.a.terminate(idle, 'error', 'The job has not seen any update for some time.');
    await r.a.syncDone(r.ids.native, await r.job(idle));
    assert.equal((await r.job(idle))._source.status, 'error');
    const c = (await r.connector(r.ids.native))._source;
    assert.equal(c.last_sync_status, 'error');
    assert.equal(c.status, 'error');
    assert.equal(c.last_sync_error, 'The job has not seen any update for some time.');
    assert.deepEqual(await r.a.idleJobs(supported), []);
    await r.a.terminate(fresh, 'completed');
  });

  it('job cleanup: a running job whose connector is gone is found by the must_not query and marked error', async () => {
    const { id } = await r.user().connector.syncJobPost({ id: r.ids.orphanSrc, job_type: 'full', trigger_method: 'on_demand' });
    await r.b.claim(id);
    const before = (await r.a.allConnectors()).map((h) => h._id);
    assert.deepEqual(await r.a.orphanedIdleJobs(before), [], 'its connector still exists');
    await r.user().connector.delete({ connector_id: r.ids.orphanSrc, hard: true } as any);
    const all = (await r.a.allConnectors()).map((h) => h._id);
    assert.ok(!all.includes(r.ids.orphanSrc));
    const orphans = await r.a.orphanedIdleJobs(all);
    assert.deepEqual(orphans.map((h) => h._id), [id]);
    await r.a.terminate(id, 'error', 'The job has not seen any update for some time.');
    assert.equal((await r.job(id))._source.status, 'error');
    assert.deepEqual(await r.a.orphanedIdleJobs(all), []);
  });

  it('the differences from Elasticsearch that docs/elastic-connector-service.md lists', async () => {
    await r.a.py.update(CONNECTORS, r.ids.unsupported, { order_probe: { yy: 1, x: 2 } });
    const probe = (await r.connector(r.ids.unsupported))._source.order_probe;
    // jsonb orders keys by length, then bytewise; SQLite keeps them as written, as Elasticsearch does.
    assert.deepEqual(Object.keys(probe), r.store === 'PostgreSQL' ? ['x', 'yy'] : ['yy', 'x']);
    const { id } = await r.user().connector.syncJobPost({ id: r.ids.unsupported, job_type: 'full', trigger_method: 'on_demand' });
    const stepSkip = await r.a.py.update(JOBS, id, { status: 'completed' }).catch((e) => e);
    assert.equal(statusOf(stepSkip), 400, 'a status change outside the state machine');
    assert.equal((await r.a.py.raw('DELETE', `/${JOBS}/_doc/${id}`)).status, 405);
    assert.equal((await r.a.py.raw('POST', `/${JOBS}/_delete_by_query`, { query: { terms: { _id: [id] } } })).status, 400);
    const script = await r.a.py.raw('POST', `/${JOBS}/_update/${id}`, { script: { source: 'ctx._source.x = 1' } });
    assert.equal(script.status, 400);
    assert.match(script.body.error.reason, /unknown field \[script\]/);
    const orphan = await r.a.py.index(JOBS, { connector: { id: 'no-such-connector' }, status: 'pending' });
    assert.equal(orphan.status, 404);
    assert.equal((await r.job(id))._source.status, 'pending', 'nothing above wrote');
  });

  it('the whole replay stays within its time budget', () => {
    // About 3 to 6 s alone on a laptop; the bound leaves room for a loaded CI machine.
    const ms = Date.now() - r.started;
    assert.ok(ms < 30_000, `${ms} ms`);
  });}
