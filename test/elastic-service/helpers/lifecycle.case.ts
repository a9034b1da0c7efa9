/**
 * One whole lifecycle of Elastic's Python connector service against Tributary, replayed with
 * the service's own requests (helpers/service-instance.ts), shared by the SQLite and the
 * PostgreSQL run: preflight, connectors created by the Connector API and by the service's CLI,
 * polling, configuration registration, scheduling, two instances racing a job's start, a full
 * sync of 1 200 documents with its deletion pass, stats and sync done, cancel, suspend and
 * resume, and the cleanup of idle and orphaned jobs. The steps run in order on one server;
 * each asserts what Tributary stored, read back as the service or a user would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isoUtc, PythonClient, statusOf, type Hit } from './python-client.js';
import { CONNECTORS, JOBS, ServiceInstance, type SourceDoc, type SyncStats } from './service-instance.js';
import type { LifecycleServer } from './lifecycle-server.js';

const SERVICE_VERSION = '9.4.0';
/** What a source's `get_simple_configuration()` gives (two fields of the MongoDB source's shape). */
const SIMPLE_CONFIG = {
  host: { display: 'text', label: 'Server hostname', order: 1, required: true, sensitive: false, type: 'str', value: '', default_value: null, depends_on: [], options: [], tooltip: null, ui_restrictions: [], validations: [] },
  password: { display: 'text', label: 'Password', order: 2, required: false, sensitive: true, type: 'str', value: '', default_value: null, depends_on: [], options: [], tooltip: null, ui_restrictions: [], validations: [] },
};
/** The timestamp of the documents of the first sync. */
const FIRST_TS = '2026-01-01T00:00:00.000000+00:00';
const FEATURES = { sync_rules: { basic: { enabled: true }, advanced: { enabled: false } }, incremental_sync: { enabled: true } };

/** `n` source documents `doc-<i>`, with a timestamp per document (`bump` changes some). */
function sourceDocs(n: number, ts: string, bump: (i: number) => boolean = () => false, later = ts): SourceDoc[] {
  return Array.from({ length: n }, (_, i) => ({ _id: `doc-${i}`, _timestamp: bump(i) ? later : ts, title: `Document ${i}`, body: `text of document ${i}`, size: i }));
}

export function lifecycleCase(store: string, start: () => Promise<LifecycleServer>, secured = false): void {
  describe(`Elastic's connector service lifecycle, replayed (${store})`, () => {
    let srv: LifecycleServer;
    let a: ServiceInstance; // feature_use_connectors_api off: _update and _doc on the system indices
    let b: ServiceInstance; // feature_use_connectors_api on: the Connector API
    let cliId = '';
    const ids = { native: 'native-mongo', unsupported: 'native-notion', gone: 'native-gone', orphanSrc: 'custom-orphan' };
    let fullJobId = '';
    let lastStats: SyncStats;
    const started = Date.now();

    const user = () => a.py.es; // a person with Kibana or curl: the Connector API
    const connector = (id: string) => a.reload(CONNECTORS, id);
    const job = (id: string) => a.reload(JOBS, id);

    before(async () => {
      srv = await start();
      const cfg = { nativeServiceTypes: ['mongodb'], connectorIds: [] as string[], version: SERVICE_VERSION };
      a = new ServiceInstance(srv.url, { ...cfg, hostname: 'service-a', useConnectorsApi: false }, srv.auth);
      b = new ServiceInstance(srv.url, { ...cfg, hostname: 'service-b', useConnectorsApi: true }, srv.auth);
    });
    after(async () => {
      await a?.close();
      await b?.close();
      await srv?.close();
    });

    it('preflight: GET /, the licence, and the system indices exist (nothing to create)', async () => {
      const pre = await a.preflight();
      assert.equal(pre.compatible, true, `Tributary ${pre.version} vs service ${SERVICE_VERSION}`);
      assert.deepEqual(pre.created, [], 'HEAD of both concrete system indices answers 200');
      const license = await a.py.es.license.get();
      assert.equal(license.license.status, 'active');
      assert.ok(['platinum', 'enterprise', 'trial'].includes(license.license.type), license.license.type);
      for (const index of [CONNECTORS, JOBS]) assert.equal(await a.py.es.indices.exists({ index }), true, index);
      assert.equal(await a.py.es.indices.exists({ index: '.elastic-connectors-v2' }), false);
      assert.ok(a.py.log.includes('HEAD /.elastic-connectors-v1') && a.py.log.includes('HEAD /.elastic-connectors-sync-jobs-v1'), a.py.log.join('\n'));
    });

    it('connectors created by the Connector API and by the service CLI (POST /.elastic-connectors/_doc)', async () => {
      const api = user();
      await api.connector.put({ connector_id: ids.native, index_name: 'content-mongo', service_type: 'mongodb', name: 'Mongo', is_native: true });
      await api.connector.put({ connector_id: ids.unsupported, index_name: 'content-notion', service_type: 'notion', name: 'Notion', is_native: true });
      await api.connector.put({ connector_id: ids.gone, index_name: 'content-gone', service_type: 'mongodb', name: 'Gone', is_native: true });
      await api.connector.put({ connector_id: ids.orphanSrc, index_name: 'search-orphan', service_type: 'sharepoint_online', name: 'Orphan' });
      await api.connector.delete({ connector_id: ids.gone });
      // The CLI: the content index (HEAD, then create), then the connector document.
      assert.equal(await a.py.es.indices.exists({ index: 'search-sharepoint' }), false);
      await a.py.es.indices.create({ index: 'search-sharepoint' });
      const created = await a.py.index(CONNECTORS, {
        index_name: 'search-sharepoint', service_type: 'sharepoint_online', name: 'SharePoint (CLI)', is_native: false, language: 'en',
        api_key_id: null, configuration: {}, status: 'created', features: {},
        scheduling: { full: { enabled: true, interval: '0 * * * * ?' }, incremental: { enabled: false, interval: '0 0 0 * * ?' }, access_control: { enabled: false, interval: '0 0 0 * * ?' } },
        pipeline: { name: 'search-default-ingestion', extract_binary_content: true, reduce_whitespace: true, run_ml_inference: true },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.result, 'created');
      cliId = created.body._id;
      a.cfg.connectorIds.push(cliId, ids.orphanSrc);
      b.cfg.connectorIds.push(cliId, ids.orphanSrc);
      const got = await api.connector.get({ connector_id: cliId });
      assert.equal(got.index_name, 'search-sharepoint');
      assert.equal(got.scheduling.full?.interval, '0 * * * * ?');
      assert.equal((await connector(cliId))._source.pipeline.name, 'search-default-ingestion');
    });

    it('polls its connectors with the service query shapes and seq_no_primary_term', async () => {
      const both = await a.supportedConnectors();
      assert.deepEqual(both.map((h) => h._id).sort(), [cliId, ids.native, ids.orphanSrc].sort(), 'native mongodb + the configured ids, not notion, not the deleted one');
      for (const h of both) {
        assert.equal(typeof h._seq_no, 'number', h._id);
        assert.equal(h._primary_term, 1, h._id);
      }
      assert.deepEqual((await a.supportedConnectors(['mongodb'], [])).map((h) => h._id), [ids.native], 'native query alone');
      assert.deepEqual((await a.supportedConnectors([], [cliId])).map((h) => h._id), [cliId], 'custom (_id terms) query alone');
      // get_all_docs walks pages until the total: a page size of 1 gives the same connectors.
      const paged = await a.py.getAllDocs(CONNECTORS, { bool: { must_not: [{ term: { deleted: true } }] } }, undefined, 1);
      assert.equal(paged.length, 4);
      assert.ok((await a.allConnectors()).some((h) => h._id === ids.gone && h._source.deleted === true), 'match_all sees the soft-deleted connector, as in Elasticsearch');
      assert.ok(a.py.log.some((l) => l.startsWith('POST /.elastic-connectors/_search?expand_wildcards=hidden ') && l.includes('"seq_no_primary_term":true')), a.py.log.slice(-3).join('\n'));
    });

    it('heartbeat and prepare: registers the configuration and status with if_seq_no, retrying a conflict', async () => {
      const before = await connector(ids.native);
      await b.heartbeat(ids.native); // check_in through the Connector API
      await a.heartbeat(cliId); // _update of last_seen
      assert.ok((await connector(cliId))._source.last_seen, 'last_seen written');
      // The instance read the connector before the heartbeat: its first write is a 409, then it reloads and writes.
      const prep = await a.prepare(ids.native, SIMPLE_CONFIG, FEATURES, before);
      assert.deepEqual(prep, { attempts: 2, wrote: true });
      const c = (await connector(ids.native))._source;
      assert.equal(c.status, 'needs_configuration');
      assert.deepEqual(Object.keys(c.configuration).sort(), ['host', 'password']);
      assert.equal(c.configuration.host.label, 'Server hostname');
      assert.deepEqual(await a.prepare(ids.native, SIMPLE_CONFIG, FEATURES), { attempts: 1, wrote: false }, 'a configured connector is left alone');
      // The configured connector also gets its source's features.
      assert.deepEqual(await a.prepare(cliId, SIMPLE_CONFIG, FEATURES), { attempts: 1, wrote: true });
      assert.deepEqual((await connector(cliId))._source.features, FEATURES);
      // A user fills the values in.
      await user().connector.updateConfiguration({ connector_id: ids.native, values: { host: 'mongo.internal', password: 's3cret' } });
      await user().connector.updateConfiguration({ connector_id: cliId, values: { host: 'sharepoint.internal', password: 'p' } });
      const configured = (await connector(ids.native))._source;
      assert.equal(configured.configuration.host.value, 'mongo.internal');
      assert.equal(configured.status, 'configured');
    });

    it('sync rules: an edited draft is validated and activated, by the Connector API and by _update with if_seq_no', async () => {
      const rule = (id: string, value: string) => ({ id, field: 'title', policy: 'exclude', rule: 'equals', value, order: 0 });
      const dflt = { id: 'DEFAULT', field: '_', policy: 'include', rule: 'regex', value: '.*', order: 1 };
      for (const [svc, id] of [[b, ids.native], [a, cliId]] as const) {
        assert.equal(await svc.validateFiltering(id), null, 'nothing edited yet');
        await user().connector.updateFiltering({ connector_id: id, rules: [rule('skip-secret', 'Secret'), dflt] as any });
        assert.equal((await connector(id))._source.filtering[0].draft.validation.state, 'edited');
        assert.equal(await svc.validateFiltering(id), 'valid');
        const f = (await connector(id))._source.filtering[0];
        assert.equal(f.draft.validation.state, 'valid');
        assert.deepEqual(f.active.rules.map((r: { id: string }) => r.id), ['skip-secret', 'DEFAULT'], `${id}: the draft is active`);
        assert.equal(await svc.validateFiltering(id), null, 'validated once');
      }
    });

    it('scheduling: last_sync_scheduled_at with if_seq_no, then the whole job document indexed into the jobs index', async () => {
      const c = await connector(cliId);
      const now = new Date(Math.ceil(Date.now() / 60_000) * 60_000 - 10_000); // ten seconds before a minute
      assert.equal(await a.schedule(c, new Date(now.getTime() - 40_000)), null, 'not due fifty seconds before');
      fullJobId = (await a.schedule(c, now))!;
      assert.ok(fullJobId, 'scheduled');
      assert.ok(a.py.log.some((l) => l.startsWith(`POST /${JOBS}/_doc {"connector":{"id":"${cliId}"`)), a.py.log.slice(-3).join('\n'));
      const after = (await connector(cliId))._source;
      assert.equal(new Date(after.last_sync_scheduled_at).getTime(), now.getTime() + 10_000);
      // Scheduled already: the next pass leaves it; a scheduler still holding the old numbers loses.
      assert.equal(await b.schedule(await connector(cliId), now), null);
      await assert.rejects(a.schedule(c, now), (e) => statusOf(e) === 409);
      const j = await user().connector.syncJobGet({ connector_sync_job_id: fullJobId });
      assert.equal(j.status, 'pending');
      assert.equal(j.trigger_method, 'scheduled');
      assert.equal(j.connector.index_name, 'search-sharepoint');
      assert.equal(j.connector.configuration.host.value, 'sharepoint.internal');
      assert.deepEqual((j.connector.filtering as any).rules.map((r: { id: string }) => r.id), ['skip-secret', 'DEFAULT'], 'the active rules in the snapshot');
      const pending = await b.pendingJobs([cliId, ids.native], ['full', 'incremental']);
      assert.deepEqual(pending.map((h) => h._id), [fullJobId]);
    });

    it('two instances race sync_starts with the same if_seq_no: exactly one wins, the other gets 409 and backs off', async () => {
      const [ca, cb] = await Promise.all([connector(cliId), connector(cliId)]);
      assert.equal(ca._seq_no, cb._seq_no);
      // The conditional write itself, twice with the same numbers: one 200, one 409.
      const raw = await Promise.allSettled([ca, cb].map((c, i) => a.py.update(CONNECTORS, cliId, { last_seen: isoUtc(new Date(Date.now() + i)) }, c)));
      assert.deepEqual(raw.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const conflict = (raw.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
      assert.equal(statusOf(conflict), 409);
      assert.equal(conflict.body.error.type, 'version_conflict_engine_exception');
      assert.match(conflict.body.error.reason, /version conflict, required seqNo \[\d+\], primary term \[1\]/);
      // Both instances start the sync from the same read: one starts it, the other's write is a
      // 409, after which it reloads, sees the sync in progress and leaves it.
      const [c1, c2] = await Promise.all([connector(cliId), connector(cliId)]);
      const [ra, rb] = await Promise.all([a.syncStarts(c1), b.syncStarts(c2)]);
      assert.deepEqual([ra.started, rb.started].sort(), [false, true], JSON.stringify([ra, rb]));
      const [winner, loser] = ra.started ? [a, rb] : [b, ra];
      assert.deepEqual(loser.writes, [409]);
      await winner.claim(fullJobId);
      const j = (await job(fullJobId))._source;
      assert.equal(j.status, 'in_progress');
      assert.equal(j.worker_hostname, winner.cfg.hostname);
      assert.equal((await connector(cliId))._source.last_sync_status, 'in_progress');
    });

    it('full sync: _bulk of 1 200 documents with ?pipeline=search-default-ingestion', async () => {
      // Seven documents left from an earlier sync that the source no longer has.
      const stale = Array.from({ length: 7 }, (_, i) => [{ index: { _index: 'search-sharepoint', _id: `stale-${i}` } }, { id: `stale-${i}`, _timestamp: isoUtc(new Date(0)) }]).flat();
      assert.equal((await a.py.bulk(stale, 'search-default-ingestion')).errors, false);
      const j = await job(fullJobId);
      lastStats = await a.contentSync(j, sourceDocs(1200, FIRST_TS));
      assert.equal(lastStats.created, 1200);
      assert.equal(lastStats.indexed_document_count, 1200);
      assert.equal(lastStats.bulkRequests, 3, '1 207 operations in chunks of 500');
      assert.ok(a.py.log.some((l) => l.startsWith('POST /_bulk?pipeline=search-default-ingestion {"index":{"_index":"search-sharepoint","_id":"doc-0"}}')), a.py.log.slice(-3).join('\n').slice(0, 500));
      await a.updateMetadata(fullJobId, lastStats);
      assert.equal((await job(fullJobId))._source.indexed_document_count, 1200);
      const doc = await a.py.get('search-sharepoint', 'doc-17');
      assert.equal(doc._source.title, 'Document 17');
    });

    it('full sync: binary content in _attachment is extracted into body by the pipeline', { todo: 'ingest pipelines (issue 13 item 5)' }, async () => {
      const res = await a.py.bulk([{ index: { _index: 'search-sharepoint', _id: 'pdf-1' } }, { id: 'pdf-1', _timestamp: isoUtc(), _attachment: Buffer.from('hello from a file').toString('base64') }], 'search-default-ingestion');
      try {
        assert.equal(res.errors, false);
        const doc = await a.py.get('search-sharepoint', 'pdf-1');
        assert.match(String(doc._source.body), /hello from a file/);
        assert.equal(doc._source._attachment, undefined);
      } finally {
        await a.py.bulk([{ delete: { _index: 'search-sharepoint', _id: 'pdf-1' } }], 'search-default-ingestion');
      }
    });

    it('deletion pass: the scroll of existing ids found the stale documents, deleted by bulk', async () => {
      assert.equal(lastStats.deleted_document_count, 7);
      assert.equal(lastStats.scrollPages, 1);
      assert.equal(lastStats.scrollCleared, true, 'DELETE /_search/scroll succeeded');
      assert.ok(a.py.log.includes('POST /search-sharepoint/_search?scroll=5m {"sort":"_doc","size":1000,"_source":["id","_timestamp"]}'), a.py.log.join('\n').slice(0, 2000));
      assert.equal(await a.documentCount('search-sharepoint'), 1200);
      await assert.rejects(a.py.get('search-sharepoint', 'stale-3'), (e) => statusOf(e) === 404);
    });

    it('stats and sync done: the job completed with its counts, the connector last_sync_* fields', async () => {
      const total = await a.documentCount('search-sharepoint');
      await a.terminate(fullJobId, 'completed', null, { ...lastStats, total_document_count: total } as Partial<SyncStats>);
      await a.syncDone(cliId, await job(fullJobId), { page: 'end' });
      const j = await user().connector.syncJobGet({ connector_sync_job_id: fullJobId });
      assert.equal(j.status, 'completed');
      assert.equal(j.indexed_document_count, 1200);
      assert.equal(j.deleted_document_count, 7);
      assert.equal(j.total_document_count, 1200);
      assert.ok(j.completed_at);
      assert.equal(j.error ?? null, null);
      const c = await user().connector.get({ connector_id: cliId });
      assert.equal(c.last_sync_status, 'completed');
      assert.equal(c.status, 'connected');
      assert.equal(c.last_indexed_document_count, 1200);
      assert.equal(c.last_deleted_document_count, 7);
      assert.deepEqual(c.sync_cursor, { page: 'end' });
      assert.ok(c.last_synced);
      assert.equal((await b.pendingJobs([cliId], ['full'])).length, 0, 'nothing left to run');
    });

    it('cancel: a user cancels a running job, the service sees canceling and writes canceled', async () => {
      const { id } = await user().connector.syncJobPost({ id: ids.native, job_type: 'full', trigger_method: 'on_demand' });
      const [pending] = await b.pendingJobs([ids.native], ['full']);
      assert.equal(pending?._id, id);
      await b.syncStarts(await connector(ids.native));
      await b.claim(id);
      // The content index does not exist yet: GET ?ignore_unavailable=true answers nothing, then PUT.
      assert.equal(await b.prepareContentIndex('content-mongo'), true);
      assert.equal(await b.prepareContentIndex('content-mongo'), false);
      const partial = await b.contentSync(await job(id), sourceDocs(10, FIRST_TS));
      assert.equal(partial.created, 10);
      await b.updateMetadata(id, partial);
      await user().connector.syncJobCancel({ connector_sync_job_id: id });
      const seen = await b.reload(JOBS, id);
      assert.equal(seen._source.status, 'canceling', 'the service reloads the job and sees the request');
      await b.terminate(id, 'canceled', null, { indexed_document_count: 10, deleted_document_count: 0 });
      await b.syncDone(ids.native, await job(id));
      const j = (await job(id))._source;
      assert.equal(j.status, 'canceled');
      assert.ok(j.canceled_at && j.completed_at);
      assert.equal(j.indexed_document_count, 10);
      const c = (await connector(ids.native))._source;
      assert.equal(c.last_sync_status, 'canceled');
      assert.equal(c.status, 'connected');
    });

    it('suspend and resume: a stopping instance suspends, another resumes the job with a deletion pass over two scroll pages', async () => {
      const { id } = await user().connector.syncJobPost({ id: cliId, job_type: 'full', trigger_method: 'on_demand' });
      await a.syncStarts(await connector(cliId));
      await a.claim(id, { page: 3 });
      assert.deepEqual((await job(id))._source['connector.sync_cursor'], { page: 3 }, 'the dotted key is kept as written, as in Elasticsearch');
      await a.terminate(id, 'suspended'); // the instance is stopped
      await a.syncDone(cliId, await job(id));
      assert.equal((await connector(cliId))._source.last_sync_status, 'suspended');
      const resumable = await b.pendingJobs([cliId], ['full']);
      assert.deepEqual(resumable.map((h) => [h._id, h._source.status]), [[id, 'suspended']]);
      await b.syncStarts(await connector(cliId));
      await b.claim(id);
      assert.equal((await job(id))._source.status, 'in_progress');
      // The source now has 1 195 documents: a full sync sends them all again and deletes 5.
      const stats = await b.contentSync(await job(id), sourceDocs(1195, FIRST_TS));
      assert.equal(stats.indexed_document_count, 1195);
      assert.equal(stats.updated, 1195, 'an index operation on an existing id answers updated');
      assert.equal(stats.scrollPages, 2, '1 200 ids in pages of 1 000');
      assert.equal(stats.deleted_document_count, 5);
      await b.terminate(id, 'completed', null, stats);
      await b.syncDone(cliId, await job(id));
      assert.equal(await b.documentCount('search-sharepoint'), 1195);
      const c = (await connector(cliId))._source;
      assert.equal(c.last_sync_status, 'completed');
      assert.equal(c.last_deleted_document_count, 5);
    });

    it('incremental sync: only documents whose _timestamp changed are sent, the cursor goes to the claim', async () => {
      const { id } = await user().connector.syncJobPost({ id: cliId, job_type: 'incremental', trigger_method: 'on_demand' });
      const c = await connector(cliId);
      assert.equal(c._source.features.incremental_sync.enabled, true, 'the source declared it (prepare)');
      assert.equal((await a.syncStarts(c)).started, true);
      await a.claim(id, c._source.sync_cursor);
      const stats = await a.contentSync(await job(id), sourceDocs(1195, FIRST_TS, (i) => i % 100 === 0, isoUtc()));
      assert.equal(stats.indexed_document_count, 12, 'the twelve changed documents');
      assert.equal(stats.deleted_document_count, 0);
      await a.terminate(id, 'completed', null, stats);
      await a.syncDone(cliId, await job(id), { page: 'incremental' });
      assert.equal((await a.py.get('search-sharepoint', 'doc-100'))._source._timestamp !== FIRST_TS, true);
      assert.equal((await a.py.get('search-sharepoint', 'doc-101'))._source._timestamp, FIRST_TS);
      const after = (await connector(cliId))._source;
      assert.equal(after.last_indexed_document_count, 12);
      assert.deepEqual(after.sync_cursor, { page: 'incremental' });
    });

    it('a connector API key: Kibana creates it for the connector, the service syncs with it', { skip: !secured && 'security is off in this run' }, async () => {
      // What Kibana does for a connector: an API key for its indices, kept as a connector secret.
      const admin = new PythonClient(srv.url, srv.admin);
      const key = await admin.es.security.createApiKey({
        name: 'search-sharepoint-connector',
        role_descriptors: { connector: { cluster: ['monitor'], indices: [{ names: ['search-sharepoint', '.search-acl-filter-search-sharepoint', '.elastic-connectors*'], privileges: ['all'] }] } },
      });
      const secret = await admin.raw('POST', '/_connector/_secret', { value: key.encoded });
      assert.equal(secret.status, 200, JSON.stringify(secret.body));
      await admin.es.connector.updateApiKeyId({ connector_id: cliId, api_key_id: key.id, api_key_secret_id: secret.body.id });
      assert.equal((await connector(cliId))._source.api_key_id, key.id);
      // The service's config.yml: connectors: [{connector_id, service_type, api_key}].
      a.cfg.apiKeys = { [cliId]: key.encoded };
      const svc = a.forConnector(cliId);
      assert.notEqual(svc, a, 'the connector has its own key');
      const ok = await svc.py.bulk([{ index: { _index: 'search-sharepoint', _id: 'with-key' } }, { id: 'with-key', _timestamp: isoUtc() }], 'search-default-ingestion');
      assert.equal(ok.errors, false);
      const refused = await svc.py.bulk([{ index: { _index: 'content-mongo', _id: 'with-key' } }, { id: 'with-key' }], 'search-default-ingestion');
      assert.equal(refused.items[0]!.index!.status, 403, "the key is limited to its connector's indices");
      assert.equal((await svc.reload(CONNECTORS, cliId))._id, cliId, 'and reads the system indices');
      await svc.py.bulk([{ delete: { _index: 'search-sharepoint', _id: 'with-key' } }], 'search-default-ingestion');
      await svc.close();
      await admin.close();
      delete a.cfg.apiKeys;
    });

    it('access control sync: licence checked, job document with the .search-acl-filter- index, update operations with doc_as_upsert', async () => {
      const license = (await a.py.es.license.get()).license;
      assert.ok(license.status === 'active' && ['platinum', 'enterprise', 'trial'].includes(license.type), 'has_active_license_enabled(PLATINUM)');
      const c = await connector(cliId);
      const id = await a.createJob(c, 'on_demand', 'access_control');
      const [pending] = await a.pendingJobs([cliId], ['access_control']);
      assert.equal(pending?._id, id);
      assert.equal(pending!._source.connector.index_name, '.search-acl-filter-search-sharepoint');
      assert.equal((await a.syncStarts(c, 'access_control')).started, true, 'a content sync status does not block an access control sync');
      assert.equal((await connector(cliId))._source.last_access_control_sync_status, 'in_progress');
      await a.claim(id);
      const identities = (ts: string, n: number): SourceDoc[] => Array.from({ length: n }, (_, i) => ({ _id: `user-${i}`, _timestamp: i === 0 ? ts : FIRST_TS, identity: { email: `u${i}@example.com` }, query: { template: { source: '{}' } } }));
      const first = await a.contentSync(await job(id), identities(FIRST_TS, 3));
      assert.equal(first.created, 3);
      assert.equal(await a.documentCount('.search-acl-filter-search-sharepoint'), 3);
      // Again, with one identity changed and one gone: an update with doc_as_upsert, a delete.
      const again = await a.contentSync(await job(id), identities(isoUtc(), 2));
      assert.deepEqual([again.updated, again.deleted_document_count, again.indexed_document_count], [1, 1, 1]);
      assert.ok(a.py.log.some((l) => l.includes('{"update":{"_index":".search-acl-filter-search-sharepoint","_id":"user-0"}}')));
      assert.equal((await a.py.get('.search-acl-filter-search-sharepoint', 'user-0'))._source.identity.email, 'u0@example.com');
      await a.terminate(id, 'completed', null, again);
      await a.syncDone(cliId, await job(id));
      const after = (await connector(cliId))._source;
      assert.equal(after.last_access_control_sync_status, 'completed');
      assert.equal(after.last_sync_status, 'completed', 'the content sync status is left alone');
    });

    it('job cleanup: an in_progress job not seen for over 300 s is found by the range query and marked error', async () => {
      const { id: idle } = await user().connector.syncJobPost({ id: ids.native, job_type: 'full', trigger_method: 'on_demand' });
      const { id: fresh } = await user().connector.syncJobPost({ id: cliId, job_type: 'full', trigger_method: 'on_demand' });
      await b.claim(idle);
      await a.claim(fresh);
      await a.py.update(JOBS, idle, { last_seen: isoUtc(new Date(Date.now() - 10 * 60_000)) }); // its instance's last update, ten minutes ago
      const supported = (await a.supportedConnectors()).map((h) => h._id);
      const found = await a.idleJobs(supported);
      assert.deepEqual(found.map((h) => h._id), [idle], 'only the job unseen for over 300 s');
      await a.terminate(idle, 'error', 'The job has not seen any update for some time.');
      await a.syncDone(ids.native, await job(idle));
      assert.equal((await job(idle))._source.status, 'error');
      const c = (await connector(ids.native))._source;
      assert.equal(c.last_sync_status, 'error');
      assert.equal(c.status, 'error');
      assert.equal(c.last_sync_error, 'The job has not seen any update for some time.');
      assert.deepEqual(await a.idleJobs(supported), []);
      await a.terminate(fresh, 'completed');
    });

    it('job cleanup: a running job whose connector is gone is found by the must_not query and marked error', async () => {
      const { id } = await user().connector.syncJobPost({ id: ids.orphanSrc, job_type: 'full', trigger_method: 'on_demand' });
      await b.claim(id);
      const before = (await a.allConnectors()).map((h) => h._id);
      assert.deepEqual(await a.orphanedIdleJobs(before), [], 'its connector still exists');
      await user().connector.delete({ connector_id: ids.orphanSrc, hard: true } as any);
      const all = (await a.allConnectors()).map((h) => h._id);
      assert.ok(!all.includes(ids.orphanSrc));
      const orphans = await a.orphanedIdleJobs(all);
      assert.deepEqual(orphans.map((h) => h._id), [id]);
      await a.terminate(id, 'error', 'The job has not seen any update for some time.');
      assert.equal((await job(id))._source.status, 'error');
      assert.deepEqual(await a.orphanedIdleJobs(all), []);
    });

    it('the differences from Elasticsearch that docs/elastic-connector-service.md lists', async () => {
      await a.py.update(CONNECTORS, ids.unsupported, { order_probe: { yy: 1, x: 2 } });
      const probe = (await connector(ids.unsupported))._source.order_probe;
      // jsonb orders keys by length, then bytewise; SQLite keeps them as written, as Elasticsearch does.
      assert.deepEqual(Object.keys(probe), store === 'PostgreSQL' ? ['x', 'yy'] : ['yy', 'x']);
      const { id } = await user().connector.syncJobPost({ id: ids.unsupported, job_type: 'full', trigger_method: 'on_demand' });
      const stepSkip = await a.py.update(JOBS, id, { status: 'completed' }).catch((e) => e);
      assert.equal(statusOf(stepSkip), 400, 'a status change outside the state machine');
      assert.equal((await a.py.raw('DELETE', `/${JOBS}/_doc/${id}`)).status, 405);
      assert.equal((await a.py.raw('POST', `/${JOBS}/_delete_by_query`, { query: { terms: { _id: [id] } } })).status, 400);
      const script = await a.py.raw('POST', `/${JOBS}/_update/${id}`, { script: { source: 'ctx._source.x = 1' } });
      assert.equal(script.status, 400);
      assert.match(script.body.error.reason, /unknown field \[script\]/);
      const orphan = await a.py.index(JOBS, { connector: { id: 'no-such-connector' }, status: 'pending' });
      assert.equal(orphan.status, 404);
      assert.equal((await job(id))._source.status, 'pending', 'nothing above wrote');
    });

    it('the whole replay stays within its time budget', () => {
      // About 3 to 6 s alone on a laptop; the bound leaves room for a loaded CI machine.
      const ms = Date.now() - started;
      assert.ok(ms < 30_000, `${ms} ms`);
    });
  });
}
