/**
 * Every `connector.syncJob*` method of the official JavaScript client, 9.x
 * (`@elastic/elasticsearch`) and 8.x (`es8`), against a real listening Tributary server
 * (clients.md §1–§2: product header, vendored media types, error mapping).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client as Client9, errors as errors9 } from '@elastic/elasticsearch';
import { Client as Client8, errors as errors8 } from 'es8';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => {
  srv = await startServer({ listen: true });
});
after(() => srv.close());

/** The subset of both clients' surfaces used here, loosely typed so one body serves both. */
interface AnyClient {
  connector: Record<string, (params?: any, options?: any) => Promise<any>>;
  close(): Promise<void>;
}

const flavours = [
  { name: '9.x', make: (node: string) => new Client9({ node }) as unknown as AnyClient, ResponseError: errors9.ResponseError },
  { name: '8.x', make: (node: string) => new Client8({ node }) as unknown as AnyClient, ResponseError: errors8.ResponseError },
] as const;

for (const flavour of flavours) {
  describe(`official client ${flavour.name}: connector.syncJob*`, () => {
    let client: AnyClient;
    const conn = `client-${flavour.name.replace('.', '')}`;
    const other = `${conn}-other`;

    /** Runs `call`, expects a ResponseError with `status` and error `type`; returns the error body. */
    async function rejects(call: Promise<unknown>, status: number, type: string): Promise<any> {
      try {
        await call;
      } catch (e) {
        assert.ok(e instanceof flavour.ResponseError, `expected a ResponseError, got ${String(e)}`);
        const err = e as InstanceType<typeof flavour.ResponseError>;
        assert.equal(err.meta.statusCode, status);
        assert.equal((err.body as any).error.type, type);
        assert.match(err.message, new RegExp(type));
        return err.body;
      }
      assert.fail(`expected ${status} ${type}`);
    }

    before(async () => {
      client = flavour.make(srv.url);
      for (const id of [conn, other]) {
        const r = await client.connector.put({ connector_id: id, index_name: `search-${id}`, service_type: 'mysql', name: id });
        assert.equal(r.result, 'created');
      }
    });
    after(() => client.close());

    it('syncJobPost creates jobs with defaults and given enums', async () => {
      const a = await client.connector.syncJobPost({ id: conn });
      assert.deepEqual(Object.keys(a), ['id']);
      const b = await client.connector.syncJobPost({ id: conn, job_type: 'access_control', trigger_method: 'scheduled' });
      const jobA = await client.connector.syncJobGet({ connector_sync_job_id: a.id });
      assert.equal(jobA.job_type, 'full');
      assert.equal(jobA.trigger_method, 'on_demand');
      const jobB = await client.connector.syncJobGet({ connector_sync_job_id: b.id });
      assert.equal(jobB.job_type, 'access_control');
      assert.equal(jobB.trigger_method, 'scheduled');
      assert.equal(jobB.connector.index_name, `.search-acl-filter-search-${conn}`);
    });

    it('syncJobPost errors: unknown connector 404, bad job_type 400', async () => {
      await rejects(client.connector.syncJobPost({ id: 'no-such-connector' }), 404, 'resource_not_found_exception');
      const body = await rejects(client.connector.syncJobPost({ id: conn, job_type: 'nightly' }), 400, 'x_content_parse_exception');
      assert.equal(body.error.caused_by.reason, 'Unknown ConnectorSyncJobType [nightly].');
    });

    it('syncJobGet returns {id, ...source}; a missing job is a 404 ResponseError', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      const job = await client.connector.syncJobGet({ connector_sync_job_id: id });
      assert.equal(job.id, id);
      assert.equal(job.status, 'pending');
      assert.equal(job.connector.id, conn);
      const body = await rejects(client.connector.syncJobGet({ connector_sync_job_id: 'missing-job' }), 404, 'resource_not_found_exception');
      assert.equal(body.error.reason, 'missing-job');
    });

    it('syncJobList filters by connector_id, status, job_type (array) and pages', async () => {
      const ids: string[] = [];
      for (const job_type of ['full', 'incremental', 'access_control', 'full']) ids.push((await client.connector.syncJobPost({ id: other, job_type })).id);
      const all = await client.connector.syncJobList({ connector_id: other });
      assert.equal(all.count, 4);
      assert.deepEqual(all.results.map((r: { id: string }) => r.id), [...ids].reverse(), 'newest first');

      const typed = await client.connector.syncJobList({ connector_id: other, job_type: ['incremental', 'access_control'] });
      assert.deepEqual(typed.results.map((r: { id: string }) => r.id), [ids[2], ids[1]]);
      const csv = await client.connector.syncJobList({ connector_id: other, job_type: 'full' });
      assert.equal(csv.count, 2);

      await client.connector.syncJobCancel({ connector_sync_job_id: ids[0] });
      const canceled = await client.connector.syncJobList({ connector_id: other, status: 'canceled' });
      assert.deepEqual(canceled.results.map((r: { id: string }) => r.id), [ids[0]]);

      const page = await client.connector.syncJobList({ connector_id: other, from: 1, size: 2 });
      assert.equal(page.count, 4);
      assert.deepEqual(page.results.map((r: { id: string }) => r.id), [ids[2], ids[1]]);

      await rejects(client.connector.syncJobList({ status: 'sleeping' }), 400, 'illegal_argument_exception');
    });

    it('syncJobClaim claims once (sync_cursor into the snapshot); a second claim is a 409', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      const r = await client.connector.syncJobClaim({ connector_sync_job_id: id, worker_hostname: 'host-a', sync_cursor: { lsn: 42 } });
      assert.equal(r.result, 'updated');
      const job = await client.connector.syncJobGet({ connector_sync_job_id: id });
      assert.equal(job.status, 'in_progress');
      assert.equal(job.worker_hostname, 'host-a');
      assert.ok(job.started_at);
      assert.deepEqual(job.connector.sync_cursor, { lsn: 42 });
      const connector = await client.connector.get({ connector_id: conn });
      assert.equal(connector.sync_cursor ?? null, null, "the connector's own cursor is untouched");

      await rejects(client.connector.syncJobClaim({ connector_sync_job_id: id, worker_hostname: 'host-b' }), 409, 'version_conflict_engine_exception');
      assert.equal((await client.connector.syncJobGet({ connector_sync_job_id: id })).worker_hostname, 'host-a');
    });

    it('syncJobClaim of a finished job is a 400 invalid transition', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      await client.connector.syncJobCancel({ connector_sync_job_id: id });
      const body = await rejects(client.connector.syncJobClaim({ connector_sync_job_id: id, worker_hostname: 'late' }), 400, 'status_exception');
      assert.equal(body.error.caused_by.type, 'connector_sync_job_invalid_status_transition_exception');
    });

    it('syncJobCheckIn moves last_seen', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      const before = (await client.connector.syncJobGet({ connector_sync_job_id: id })).last_seen;
      const r = await client.connector.syncJobCheckIn({ connector_sync_job_id: id });
      assert.equal(r.result, 'updated');
      const afterSeen = (await client.connector.syncJobGet({ connector_sync_job_id: id })).last_seen;
      assert.ok(afterSeen > before);
      await rejects(client.connector.syncJobCheckIn({ connector_sync_job_id: 'missing-job' }), 404, 'resource_not_found_exception');
    });

    it('syncJobUpdateStats writes counts and deep-merges metadata; negative counts are a 400', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      await client.connector.syncJobClaim({ connector_sync_job_id: id, worker_hostname: 'h' });
      await client.connector.syncJobUpdateStats({
        connector_sync_job_id: id, deleted_document_count: 1, indexed_document_count: 2, indexed_document_volume: 3,
        total_document_count: 10, metadata: { tables: { a: 1 } },
      });
      const r = await client.connector.syncJobUpdateStats({
        connector_sync_job_id: id, deleted_document_count: 1, indexed_document_count: 4, indexed_document_volume: 5,
        last_seen: '2030-05-06T07:08:09.000Z', metadata: { tables: { b: 2 } },
      });
      assert.equal(r.result, 'updated');
      const job = await client.connector.syncJobGet({ connector_sync_job_id: id });
      assert.equal(job.indexed_document_count, 4);
      assert.equal(job.indexed_document_volume, 5);
      assert.equal(job.total_document_count, 10);
      assert.equal(job.last_seen, '2030-05-06T07:08:09.000Z');
      assert.deepEqual(job.metadata, { tables: { a: 1, b: 2 } });
      const body = await rejects(client.connector.syncJobUpdateStats({
        connector_sync_job_id: id, deleted_document_count: -1, indexed_document_count: 0, indexed_document_volume: 0,
      }), 400, 'action_request_validation_exception');
      assert.match(body.error.reason, /\[deleted_document_count\] cannot be negative\./);
    });

    it('syncJobCancel: pending → canceled, in_progress → canceling, canceled → 400', async () => {
      const waiting = (await client.connector.syncJobPost({ id: conn })).id;
      assert.equal((await client.connector.syncJobCancel({ connector_sync_job_id: waiting })).result, 'updated');
      const w = await client.connector.syncJobGet({ connector_sync_job_id: waiting });
      assert.equal(w.status, 'canceled');
      assert.equal(w.canceled_at, w.cancelation_requested_at);
      assert.equal(w.completed_at, w.canceled_at);

      const running = (await client.connector.syncJobPost({ id: conn })).id;
      await client.connector.syncJobClaim({ connector_sync_job_id: running, worker_hostname: 'h' });
      await client.connector.syncJobCancel({ connector_sync_job_id: running });
      assert.equal((await client.connector.syncJobGet({ connector_sync_job_id: running })).status, 'canceling');

      const body = await rejects(client.connector.syncJobCancel({ connector_sync_job_id: waiting }), 400, 'status_exception');
      assert.match(body.error.reason, /from \[canceled\] to \[canceling\]/);
    });

    it('syncJobError: in_progress → error with the message; pending → 400', async () => {
      const running = (await client.connector.syncJobPost({ id: conn })).id;
      await client.connector.syncJobClaim({ connector_sync_job_id: running, worker_hostname: 'h' });
      await client.connector.syncJobError({ connector_sync_job_id: running, error: 'connection refused' });
      const job = await client.connector.syncJobGet({ connector_sync_job_id: running });
      assert.equal(job.status, 'error');
      assert.equal(job.error, 'connection refused');

      const waiting = (await client.connector.syncJobPost({ id: conn })).id;
      await rejects(client.connector.syncJobError({ connector_sync_job_id: waiting, error: 'x' }), 400, 'status_exception');
    });

    it('syncJobDelete acknowledges, then the job is gone', async () => {
      const { id } = await client.connector.syncJobPost({ id: conn });
      assert.deepEqual(await client.connector.syncJobDelete({ connector_sync_job_id: id }), { acknowledged: true });
      await rejects(client.connector.syncJobGet({ connector_sync_job_id: id }), 404, 'resource_not_found_exception');
      await rejects(client.connector.syncJobDelete({ connector_sync_job_id: id }), 404, 'resource_not_found_exception');
    });

    it('connector.delete with delete_sync_jobs removes the connector\'s jobs', async () => {
      const victim = `${conn}-victim`;
      await client.connector.put({ connector_id: victim, index_name: `search-${victim}`, service_type: 'mysql' });
      await client.connector.syncJobPost({ id: victim });
      await client.connector.syncJobPost({ id: victim });
      assert.equal((await client.connector.syncJobList({ connector_id: victim })).count, 2);
      await client.connector.delete({ connector_id: victim, delete_sync_jobs: true });
      assert.equal((await client.connector.syncJobList({ connector_id: victim })).count, 0);
    });
  });
}
