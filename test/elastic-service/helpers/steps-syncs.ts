/**
 * The lifecycle replay's sync steps (lifecycle.case.ts): a full sync of 1 200 documents with
 * its deletion pass, stats and sync done, cancel, suspend and resume, an incremental sync.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FIRST_TS, sourceDocs, type Replay } from './lifecycle-context.js';
import { isoUtc, statusOf } from './python-client.js';
import { JOBS, type SyncStats } from './service-instance.js';

export function syncSteps(r: Replay): void {
  it('full sync: _bulk of 1 200 documents with ?pipeline=search-default-ingestion', async () => {
    // Seven documents left from an earlier sync that the source no longer has.
    const stale = Array.from({ length: 7 }, (_, i) => [{ index: { _index: 'search-sharepoint', _id: `stale-${i}` } }, { id: `stale-${i}`, _timestamp: isoUtc(new Date(0)) }]).flat();
    assert.equal((await r.a.py.bulk(stale, 'search-default-ingestion')).errors, false);
    const j = await r.job(r.fullJobId);
    r.lastStats = await r.a.contentSync(j, sourceDocs(1200, FIRST_TS));
    assert.equal(r.lastStats.created, 1200);
    assert.equal(r.lastStats.indexed_document_count, 1200);
    assert.equal(r.lastStats.bulkRequests, 3, '1 207 operations in chunks of 500');
    assert.ok(r.a.py.log.some((l) => l.startsWith('PUT /_bulk?pipeline=search-default-ingestion {"index":{"_index":"search-sharepoint","_id":"doc-0"}}')), r.a.py.log.slice(-3).join('\n').slice(0, 500));
    await r.a.updateMetadata(r.fullJobId, r.lastStats);
    assert.equal((await r.job(r.fullJobId))._source.indexed_document_count, 1200);
    const doc = await r.a.py.get('search-sharepoint', 'doc-17');
    assert.equal(doc._source.title, 'Document 17');
  });

  it('full sync: binary content in _attachment is extracted into body by the pipeline', async () => {
    const res = await r.a.py.bulk([{ index: { _index: 'search-sharepoint', _id: 'pdf-1' } }, { id: 'pdf-1', _timestamp: isoUtc(), _extract_binary_content: true, _reduce_whitespace: true, _run_ml_inference: true, _attachment: Buffer.from('hello   from a\n\n file').toString('base64') }], 'search-default-ingestion');
    try {
      assert.equal(res.errors, false);
      const doc = await r.a.py.get('search-sharepoint', 'pdf-1');
      assert.equal(doc._source.body, 'hello from a file', 'extracted, whitespace reduced');
      for (const f of ['_attachment', '_extract_binary_content', '_reduce_whitespace', '_run_ml_inference']) assert.equal(doc._source[f], undefined, f);
    } finally {
      await r.a.py.bulk([{ delete: { _index: 'search-sharepoint', _id: 'pdf-1' } }], 'search-default-ingestion');
    }
  });

  it('deletion pass: the scroll of existing ids found the stale documents, deleted by bulk', async () => {
    assert.equal(r.lastStats.deleted_document_count, 7);
    assert.equal(r.lastStats.scrollPages, 1);
    assert.equal(r.lastStats.scrollCleared, true, 'DELETE /_search/scroll succeeded');
    assert.ok(r.a.py.log.includes('POST /search-sharepoint/_search?scroll=5m {"sort":"_doc","size":1000,"_source":["id","_timestamp"]}'), r.a.py.log.join('\n').slice(0, 2000));
    assert.equal(await r.a.documentCount('search-sharepoint'), 1200);
    await assert.rejects(r.a.py.get('search-sharepoint', 'stale-3'), (e) => statusOf(e) === 404);
  });

  it('stats and sync done: the job completed with its counts, the connector last_sync_* fields', async () => {
    const total = await r.a.documentCount('search-sharepoint');
    await r.a.terminate(r.fullJobId, 'completed', null, { ...r.lastStats, total_document_count: total } as Partial<SyncStats>);
    await r.a.syncDone(r.cliId, await r.job(r.fullJobId), { page: 'end' });
    const j = await r.user().connector.syncJobGet({ connector_sync_job_id: r.fullJobId });
    assert.equal(j.status, 'completed');
    assert.equal(j.indexed_document_count, 1200);
    assert.equal(j.deleted_document_count, 7);
    assert.equal(j.total_document_count, 1200);
    assert.ok(j.completed_at);
    assert.equal(j.error ?? null, null);
    const c = await r.user().connector.get({ connector_id: r.cliId });
    assert.equal(c.last_sync_status, 'completed');
    assert.equal(c.status, 'connected');
    assert.equal(c.last_indexed_document_count, 1200);
    assert.equal(c.last_deleted_document_count, 7);
    assert.deepEqual(c.sync_cursor, { page: 'end' });
    assert.ok(c.last_synced);
    assert.equal((await r.b.pendingJobs([r.cliId], ['full'])).length, 0, 'nothing left to run');
  });

  it('cancel: a user cancels a running job, the service sees canceling and writes canceled', async () => {
    const { id } = await r.user().connector.syncJobPost({ id: r.ids.native, job_type: 'full', trigger_method: 'on_demand' });
    const [pending] = await r.b.pendingJobs([r.ids.native], ['full']);
    assert.equal(pending?._id, id);
    await r.b.syncStarts(await r.connector(r.ids.native));
    await r.b.claim(id);
    // The content index does not exist yet: GET ?ignore_unavailable=true answers nothing, then PUT.
    assert.equal(await r.b.prepareContentIndex('content-mongo'), true);
    assert.equal(await r.b.prepareContentIndex('content-mongo'), false);
    const partial = await r.b.contentSync(await r.job(id), sourceDocs(10, FIRST_TS));
    assert.equal(partial.created, 10);
    await r.b.updateMetadata(id, partial);
    await r.user().connector.syncJobCancel({ connector_sync_job_id: id });
    const seen = await r.b.reload(JOBS, id);
    assert.equal(seen._source.status, 'canceling', 'the service reloads the job and sees the request');
    await r.b.terminate(id, 'canceled', null, { indexed_document_count: 10, deleted_document_count: 0 });
    await r.b.syncDone(r.ids.native, await r.job(id));
    const j = (await r.job(id))._source;
    assert.equal(j.status, 'canceled');
    assert.ok(j.canceled_at && j.completed_at);
    assert.equal(j.indexed_document_count, 10);
    const c = (await r.connector(r.ids.native))._source;
    assert.equal(c.last_sync_status, 'canceled');
    assert.equal(c.status, 'connected');
  });

  it('suspend and resume: a stopping instance suspends, another resumes the job with a deletion pass over two scroll pages', async () => {
    const { id } = await r.user().connector.syncJobPost({ id: r.cliId, job_type: 'full', trigger_method: 'on_demand' });
    await r.a.syncStarts(await r.connector(r.cliId));
    await r.a.claim(id, { page: 3 });
    assert.deepEqual((await r.job(id))._source['connector.sync_cursor'], { page: 3 }, 'the dotted key is kept as written, as in Elasticsearch');
    await r.a.terminate(id, 'suspended'); // the instance is stopped
    await r.a.syncDone(r.cliId, await r.job(id));
    assert.equal((await r.connector(r.cliId))._source.last_sync_status, 'suspended');
    const resumable = await r.b.pendingJobs([r.cliId], ['full']);
    assert.deepEqual(resumable.map((h) => [h._id, h._source.status]), [[id, 'suspended']]);
    await r.b.syncStarts(await r.connector(r.cliId));
    await r.b.claim(id);
    assert.equal((await r.job(id))._source.status, 'in_progress');
    // The source now has 1 195 documents: a full sync sends them all again and deletes 5.
    const stats = await r.b.contentSync(await r.job(id), sourceDocs(1195, FIRST_TS));
    assert.equal(stats.indexed_document_count, 1195);
    assert.equal(stats.updated, 1195, 'an index operation on an existing id answers updated');
    assert.equal(stats.scrollPages, 2, '1 200 ids in pages of 1 000');
    assert.equal(stats.deleted_document_count, 5);
    await r.b.terminate(id, 'completed', null, stats);
    await r.b.syncDone(r.cliId, await r.job(id));
    assert.equal(await r.b.documentCount('search-sharepoint'), 1195);
    const c = (await r.connector(r.cliId))._source;
    assert.equal(c.last_sync_status, 'completed');
    assert.equal(c.last_deleted_document_count, 5);
  });

  it('incremental sync: only documents whose _timestamp changed are sent, the cursor goes to the claim', async () => {
    const { id } = await r.user().connector.syncJobPost({ id: r.cliId, job_type: 'incremental', trigger_method: 'on_demand' });
    const c = await r.connector(r.cliId);
    assert.equal(c._source.features.incremental_sync.enabled, true, 'the source declared it (prepare)');
    assert.equal((await r.a.syncStarts(c)).started, true);
    await r.a.claim(id, c._source.sync_cursor);
    const stats = await r.a.contentSync(await r.job(id), sourceDocs(1195, FIRST_TS, (i) => i % 100 === 0, isoUtc()));
    assert.equal(stats.indexed_document_count, 12, 'the twelve changed documents');
    assert.equal(stats.deleted_document_count, 0);
    await r.a.terminate(id, 'completed', null, stats);
    await r.a.syncDone(r.cliId, await r.job(id), { page: 'incremental' });
    assert.equal((await r.a.py.get('search-sharepoint', 'doc-100'))._source._timestamp !== FIRST_TS, true);
    assert.equal((await r.a.py.get('search-sharepoint', 'doc-101'))._source._timestamp, FIRST_TS);
    const after = (await r.connector(r.cliId))._source;
    assert.equal(after.last_indexed_document_count, 12);
    assert.deepEqual(after.sync_cursor, { page: 'incremental' });
  });
}
