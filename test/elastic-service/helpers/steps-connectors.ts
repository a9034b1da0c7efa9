/**
 * The lifecycle replay's first steps (lifecycle.case.ts): preflight, connectors created by
 * the Connector API and the CLI, polling, heartbeat and prepare, sync rules, scheduling, and
 * two instances racing a job's start.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FEATURES, SERVICE_VERSION, SIMPLE_CONFIG, type Replay } from './lifecycle-context.js';
import { isoUtc, statusOf } from './python-client.js';
import { CONNECTORS, JOBS } from './service-instance.js';

export function connectorSteps(r: Replay): void {
  it('preflight: GET /, the licence, and the system indices exist (nothing to create)', async () => {
    const pre = await r.a.preflight();
    assert.equal(pre.compatible, true, `Tributary ${pre.version} vs service ${SERVICE_VERSION}`);
    assert.deepEqual(pre.created, [], 'HEAD of both concrete system indices answers 200');
    const license = await r.a.py.es.license.get();
    assert.equal(license.license.status, 'active');
    assert.ok(['platinum', 'enterprise', 'trial'].includes(license.license.type), license.license.type);
    for (const index of [CONNECTORS, JOBS]) assert.equal(await r.a.py.es.indices.exists({ index }), true, index);
    assert.equal(await r.a.py.es.indices.exists({ index: '.elastic-connectors-v2' }), false);
    assert.ok(r.a.py.log.includes('HEAD /.elastic-connectors-v1') && r.a.py.log.includes('HEAD /.elastic-connectors-sync-jobs-v1'), r.a.py.log.join('\n'));
  });

  it('connectors created by the Connector API and by the service CLI (POST /.elastic-connectors/_doc)', async () => {
    const api = r.user();
    await api.connector.put({ connector_id: r.ids.native, index_name: 'content-mongo', service_type: 'mongodb', name: 'Mongo', is_native: true });
    await api.connector.put({ connector_id: r.ids.unsupported, index_name: 'content-notion', service_type: 'notion', name: 'Notion', is_native: true });
    await api.connector.put({ connector_id: r.ids.gone, index_name: 'content-gone', service_type: 'mongodb', name: 'Gone', is_native: true });
    await api.connector.put({ connector_id: r.ids.orphanSrc, index_name: 'search-orphan', service_type: 'sharepoint_online', name: 'Orphan' });
    await api.connector.delete({ connector_id: r.ids.gone });
    // The CLI: the content index (HEAD, then create), then the connector document.
    assert.equal(await r.a.py.es.indices.exists({ index: 'search-sharepoint' }), false);
    await r.a.py.es.indices.create({ index: 'search-sharepoint' });
    const created = await r.a.py.index(CONNECTORS, {
      index_name: 'search-sharepoint', service_type: 'sharepoint_online', name: 'SharePoint (CLI)', is_native: false, language: 'en',
      api_key_id: null, configuration: {}, status: 'created', features: {},
      scheduling: { full: { enabled: true, interval: '0 * * * * ?' }, incremental: { enabled: false, interval: '0 0 0 * * ?' }, access_control: { enabled: false, interval: '0 0 0 * * ?' } },
      pipeline: { name: 'search-default-ingestion', extract_binary_content: true, reduce_whitespace: true, run_ml_inference: true },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.result, 'created');
    r.cliId = created.body._id;
    r.a.cfg.connectorIds.push(r.cliId, r.ids.orphanSrc);
    r.b.cfg.connectorIds.push(r.cliId, r.ids.orphanSrc);
    const got = await api.connector.get({ connector_id: r.cliId });
    assert.equal(got.index_name, 'search-sharepoint');
    assert.equal(got.scheduling.full?.interval, '0 * * * * ?');
    assert.equal((await r.connector(r.cliId))._source.pipeline.name, 'search-default-ingestion');
    // `ConnectorIndex.connector_exists` (the CLI): `GET /_connector/<id>?include_deleted=…`.
    const exists = (id: string, includeDeleted: boolean) =>
      r.a.py.es.transport.request({ method: 'GET', path: `/_connector/${id}`, querystring: { include_deleted: includeDeleted } }).then(() => true, (e) => (statusOf(e) === 404 ? false : Promise.reject(e)));
    assert.equal(await exists(r.cliId, false), true);
    assert.equal(await exists(r.ids.gone, false), false);
    assert.equal(await exists(r.ids.gone, true), true);
  });

  it('polls its connectors with the service query shapes and seq_no_primary_term', async () => {
    const both = await r.a.supportedConnectors();
    assert.deepEqual(both.map((h) => h._id).sort(), [r.cliId, r.ids.native, r.ids.orphanSrc].sort(), 'native mongodb + the configured ids, not notion, not the deleted one');
    for (const h of both) {
      assert.equal(typeof h._seq_no, 'number', h._id);
      assert.equal(h._primary_term, 1, h._id);
    }
    assert.deepEqual((await r.a.supportedConnectors(['mongodb'], [])).map((h) => h._id), [r.ids.native], 'native query alone');
    assert.deepEqual((await r.a.supportedConnectors([], [r.cliId])).map((h) => h._id), [r.cliId], 'custom (_id terms) query alone');
    // get_all_docs walks pages until the total: a page size of 1 gives the same connectors.
    const paged = await r.a.py.getAllDocs(CONNECTORS, { bool: { must_not: [{ term: { deleted: true } }] } }, undefined, 1);
    assert.equal(paged.length, 4);
    assert.ok((await r.a.allConnectors()).some((h) => h._id === r.ids.gone && h._source.deleted === true), 'match_all sees the soft-deleted connector, as in Elasticsearch');
    assert.ok(r.a.py.log.some((l) => l.startsWith('POST /.elastic-connectors/_search?expand_wildcards=hidden ') && l.includes('"seq_no_primary_term":true')), r.a.py.log.slice(-3).join('\n'));
  });

  it('heartbeat and prepare: registers the configuration and status with if_seq_no, retrying a conflict', async () => {
    const before = await r.connector(r.ids.native);
    await r.b.heartbeat(r.ids.native); // check_in through the Connector API
    await r.a.heartbeat(r.cliId); // _update of last_seen
    assert.ok((await r.connector(r.cliId))._source.last_seen, 'last_seen written');
    // The instance read the connector before the heartbeat: its first write is a 409, then it reloads and writes.
    const prep = await r.a.prepare(r.ids.native, SIMPLE_CONFIG, FEATURES, before);
    assert.deepEqual(prep, { attempts: 2, wrote: true });
    const c = (await r.connector(r.ids.native))._source;
    assert.equal(c.status, 'needs_configuration');
    assert.deepEqual(Object.keys(c.configuration).sort(), ['host', 'password']);
    assert.equal(c.configuration.host.label, 'Server hostname');
    assert.deepEqual(await r.a.prepare(r.ids.native, SIMPLE_CONFIG, FEATURES), { attempts: 1, wrote: false }, 'a configured connector is left alone');
    // The configured connector also gets its source's features.
    assert.deepEqual(await r.a.prepare(r.cliId, SIMPLE_CONFIG, FEATURES), { attempts: 1, wrote: true });
    assert.deepEqual((await r.connector(r.cliId))._source.features, FEATURES);
    // A user fills the values in.
    await r.user().connector.updateConfiguration({ connector_id: r.ids.native, values: { host: 'mongo.internal', password: 's3cret' } });
    await r.user().connector.updateConfiguration({ connector_id: r.cliId, values: { host: 'sharepoint.internal', password: 'p' } });
    const configured = (await r.connector(r.ids.native))._source;
    assert.equal(configured.configuration.host.value, 'mongo.internal');
    assert.equal(configured.status, 'configured');
  });

  it('sync rules: an edited draft is validated and activated, by the Connector API and by _update with if_seq_no', async () => {
    const rule = (id: string, value: string) => ({ id, field: 'title', policy: 'exclude', rule: 'equals', value, order: 0 });
    const dflt = { id: 'DEFAULT', field: '_', policy: 'include', rule: 'regex', value: '.*', order: 1 };
    for (const [svc, id] of [[r.b, r.ids.native], [r.a, r.cliId]] as const) {
      assert.equal(await svc.validateFiltering(id), null, 'nothing edited yet');
      await r.user().connector.updateFiltering({ connector_id: id, rules: [rule('skip-secret', 'Secret'), dflt] as any });
      assert.equal((await r.connector(id))._source.filtering[0].draft.validation.state, 'edited');
      assert.equal(await svc.validateFiltering(id), 'valid');
      const f = (await r.connector(id))._source.filtering[0];
      assert.equal(f.draft.validation.state, 'valid');
      assert.deepEqual(f.active.rules.map((r: { id: string }) => r.id), ['skip-secret', 'DEFAULT'], `${id}: the draft is active`);
      assert.equal(await svc.validateFiltering(id), null, 'validated once');
    }
  });

  it('scheduling: two schedulers race last_sync_scheduled_at with if_seq_no, the winner indexes the whole job document', async () => {
    await r.a.connected(r.cliId);
    assert.equal((await r.connector(r.cliId))._source.status, 'connected');
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const lastWakeUp = new Date(minute - 60_000 + 20_000);
    assert.deepEqual(await r.a.schedule(r.cliId, lastWakeUp, new Date(minute - 5_000)), { jobId: null, writes: [] }, 'not due before the minute');
    // Both instances woke up after the minute: one schedules, the other's write is a 409, after
    // which it reloads, sees the sync scheduled after its last wake-up and leaves it.
    const thisWakeUp = new Date(minute + 10_000);
    const read = await r.connector(r.cliId);
    const [sa, sb] = await Promise.all([r.a.schedule(r.cliId, lastWakeUp, thisWakeUp, read), r.b.schedule(r.cliId, lastWakeUp, thisWakeUp, read)]);
    const won = [sa, sb].filter((x) => x.jobId !== null);
    assert.equal(won.length, 1, JSON.stringify([sa, sb]));
    assert.deepEqual([sa, sb].map((x) => x.writes.join()).sort(), ['200', '409'], JSON.stringify([sa, sb]));
    r.fullJobId = won[0]!.jobId!;
    assert.equal(new Date((await r.connector(r.cliId))._source.last_sync_scheduled_at).getTime(), minute);
    if (sa.jobId) assert.ok(r.a.py.log.some((l) => l.startsWith(`POST /${JOBS}/_doc {"connector":{"id":"${r.cliId}"`)), r.a.py.log.slice(-3).join('\n'));
    // A job document indexed as the service builds it, whichever instance won.
    const byDoc = await r.a.createJob(await r.connector(r.cliId), 'scheduled', 'full');
    assert.equal((await r.job(byDoc))._source.trigger_method, 'scheduled');
    await r.user().connector.syncJobDelete({ connector_sync_job_id: byDoc });
    const j = await r.user().connector.syncJobGet({ connector_sync_job_id: r.fullJobId });
    assert.equal(j.status, 'pending');
    assert.equal(j.trigger_method, 'scheduled');
    assert.equal(j.connector.index_name, 'search-sharepoint');
    assert.equal(j.connector.configuration.host.value, 'sharepoint.internal');
    assert.deepEqual((j.connector.filtering as any).rules.map((r: { id: string }) => r.id), ['skip-secret', 'DEFAULT'], 'the active rules in the snapshot');
    const pending = await r.b.pendingJobs([r.cliId, r.ids.native], ['full', 'incremental']);
    assert.deepEqual(pending.map((h) => h._id), [r.fullJobId]);
  });

  it('two instances race sync_starts with the same if_seq_no: exactly one wins, the other gets 409 and backs off', async () => {
    const [ca, cb] = await Promise.all([r.connector(r.cliId), r.connector(r.cliId)]);
    assert.equal(ca._seq_no, cb._seq_no);
    // The conditional write itself, twice with the same numbers: one 200, one 409.
    const raw = await Promise.allSettled([ca, cb].map((c, i) => r.a.py.update(CONNECTORS, r.cliId, { last_seen: isoUtc(new Date(Date.now() + i)) }, c)));
    assert.deepEqual(raw.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const conflict = (raw.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    assert.equal(statusOf(conflict), 409);
    assert.equal(conflict.body.error.type, 'version_conflict_engine_exception');
    assert.match(conflict.body.error.reason, /version conflict, required seqNo \[\d+\], primary term \[1\]/);
    // Both instances start the sync from the same read: one starts it, the other's write is a
    // 409, after which it reloads, sees the sync in progress and leaves it.
    const [c1, c2] = await Promise.all([r.connector(r.cliId), r.connector(r.cliId)]);
    const [ra, rb] = await Promise.all([r.a.syncStarts(c1), r.b.syncStarts(c2)]);
    assert.deepEqual([ra.started, rb.started].sort(), [false, true], JSON.stringify([ra, rb]));
    const [winner, loser] = ra.started ? [r.a, rb] : [r.b, ra];
    assert.deepEqual(loser.writes, [409]);
    await winner.claim(r.fullJobId);
    const j = (await r.job(r.fullJobId))._source;
    assert.equal(j.status, 'in_progress');
    assert.equal(j.worker_hostname, winner.cfg.hostname);
    assert.equal((await r.connector(r.cliId))._source.last_sync_status, 'in_progress');
  });
}
