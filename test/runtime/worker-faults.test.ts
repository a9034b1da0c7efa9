/**
 * Fault tests of the connector service (issue 6): cancel mid-sync, SIGTERM (stop) → suspended
 * and resumed from the checkpoint, a source that throws or hangs, orphaned jobs (a worker that
 * stopped heartbeating, a deleted connector), and a cron schedule with seconds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { directorySource } from '../../src/sources/directory/datasource.js';
import { counterSource, faultySource, resumedFrom } from './helpers/test-sources.js';
import { countDocs, FAST, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const sources = { directory: directorySource, counter: counterSource, faulty: faultySource };
const workerOptions = { sources, limits: { sourceIdleTimeoutMs: 1500, batchDocs: 50 } };
let s: Stack;

before(async () => {
  s = await startStack({ worker: workerOptions });
});

after(async () => {
  await s?.close();
});

async function connector(id: string, type: string, values: Record<string, unknown> = {}) {
  await s.call('PUT', `/_connector/${id}`, { index_name: id, service_type: type });
  await waitFor(`${id} schema`, async () => Object.keys((await s.call('GET', `/_connector/${id}`)).body.configuration).length > 0);
  if (Object.keys(values).length) await s.call('PUT', `/_connector/${id}/_configuration`, { values });
  await waitFor(`${id} connected`, async () => (await s.call('GET', `/_connector/${id}`)).body.status === 'connected');
}

const count = (index: string) => countDocs(s, index);

test('cancel mid-sync: canceled within seconds, what was written stays', async () => {
  await connector('cancel-me', 'counter', { count: 1_000_000, delay_ms: 1 });
  const id = await syncNow(s, 'cancel-me');
  await waitFor('progress', async () => (await s.call('GET', `/_connector/_sync_job/${id}`)).body.indexed_document_count > 0);
  const t0 = Date.now();
  assert.equal((await s.call('PUT', `/_connector/_sync_job/${id}/_cancel`)).status, 200);
  const job = await waitForJob(s, id, ['canceled', 'error', 'completed'], 5_000);
  assert.equal(job.status, 'canceled');
  assert.ok(Date.now() - t0 < 3_000, `canceled after ${Date.now() - t0} ms`);
  assert.ok(job.canceled_at && job.completed_at);
  assert.equal(await count('cancel-me'), job.indexed_document_count);
  assert.equal((await s.call('GET', '/_connector/cancel-me')).body.last_sync_status, 'canceled');
});

test('SIGTERM (worker stop) suspends the job; another worker resumes it from the checkpoint', async () => {
  await connector('resume-me', 'counter', { count: 2000, delay_ms: 1, checkpoint_every: 100 });
  const id = await syncNow(s, 'resume-me');
  await waitFor('checkpoint', async () => (await s.call('GET', `/_connector/_sync_job/${id}`)).body.connector.sync_cursor?.next >= 300, 20_000);
  await s.worker!.stop();
  const suspended = await waitForJob(s, id, ['suspended', 'error', 'completed'], 5_000);
  assert.equal(suspended.status, 'suspended');
  const checkpoint = suspended.connector.sync_cursor.next as number;
  assert.ok(checkpoint >= 300 && checkpoint < 2000, `checkpoint ${checkpoint}`);
  assert.ok((await count('resume-me')) >= checkpoint, 'documents before the checkpoint were written');

  resumedFrom.length = 0;
  s.worker = s.startWorker(workerOptions);
  const done = await waitForJob(s, id, ['completed', 'error'], 30_000);
  assert.equal(done.status, 'completed', done.error);
  assert.deepEqual(resumedFrom, [checkpoint], 'resumed at the checkpoint');
  assert.equal(await count('resume-me'), 2000, 'nothing swept that the first attempt wrote');
  const c = (await s.call('GET', '/_connector/resume-me')).body;
  assert.equal(c.last_sync_status, 'completed');
  const doc = (await s.call('GET', '/resume-me/_doc/doc-7')).body;
  assert.equal(doc._source.body, 'counter document 7', 'reduce_whitespace applied');
});

test('a source that throws mid-stream ends the job in error with the cause, and nothing is swept', async () => {
  await connector('throws', 'faulty', { count: 120, mode: 'ok' });
  assert.equal((await waitForJob(s, await syncNow(s, 'throws'), ['completed', 'error'])).status, 'completed');
  assert.equal(await count('throws'), 120);
  await s.call('PUT', '/_connector/throws/_configuration', { values: { count: 10, mode: 'throw' } });
  await waitFor('connected', async () => (await s.call('GET', '/_connector/throws')).body.status === 'connected');
  const id = await syncNow(s, 'throws');
  const job = await waitForJob(s, id, ['error', 'completed'], 10_000);
  assert.equal(job.status, 'error');
  assert.match(job.error, /Faulty source: upstream API returned 500 after document f-9/);
  const c = (await s.call('GET', '/_connector/throws')).body;
  assert.equal(c.last_sync_status, 'error');
  assert.equal(c.last_sync_error, job.error);
  assert.equal(await count('throws'), 120, 'no sweep after a failed enumeration');
});

test('a source that hangs mid-stream ends the job in error, naming the source', async () => {
  await connector('hangs', 'faulty', { count: 5, mode: 'hang' });
  const id = await syncNow(s, 'hangs');
  const job = await waitForJob(s, id, ['error', 'completed'], 10_000);
  assert.equal(job.status, 'error');
  assert.match(job.error, /Source \[faulty\] produced nothing for 2 s and looks hung/);
});

test('a job whose worker stopped heartbeating ends in error naming the host and last heartbeat', async () => {
  await connector('orphan', 'counter', { count: 10 });
  // A "worker" that claims and never heartbeats; retry until it wins the claim race.
  let id = '';
  let claimed: any;
  for (let i = 0; i < 10; i++) {
    id = await syncNow(s, 'orphan');
    if (await s.api.claimJob(id, 'ghost-host:4242')) {
      claimed = (await s.call('GET', `/_connector/_sync_job/${id}`)).body;
      break;
    }
    await waitForJob(s, id, ['completed', 'error']);
  }
  assert.ok(claimed, 'the ghost won a claim');
  const t0 = Date.now();
  const job = await waitForJob(s, id, ['error'], 5_000);
  assert.ok(Date.now() - t0 <= 2 * FAST.heartbeatMs + 400, `noticed after ${Date.now() - t0} ms (2 heartbeats + timer slack)`);
  assert.match(job.error, /Worker \[ghost-host:4242\] stopped sending heartbeats: the last one was at \[/);
  assert.ok(job.error.includes(claimed.last_seen));
  assert.equal((await s.call('GET', '/_connector/orphan')).body.last_sync_status, 'error');
});

test('a running job whose connector was deleted ends in error saying so', async () => {
  await connector('deleted', 'counter', { count: 10 });
  let id = '';
  for (let i = 0; i < 10 && !id; i++) {
    const j = await syncNow(s, 'deleted');
    if (await s.api.claimJob(j, 'ghost-host:7')) id = j;
    else await waitForJob(s, j, ['completed', 'error']);
  }
  assert.ok(id, 'the ghost won a claim');
  assert.equal((await s.call('DELETE', '/_connector/deleted')).status, 200);
  const job = await waitForJob(s, id, ['error'], 5_000);
  assert.match(job.error, /Connector \[deleted\] no longer exists; the job run by worker \[ghost-host:7\] was marked as failed/);
});

test('a cron schedule with seconds runs by itself; at most one pending job', async () => {
  await connector('cron', 'counter', { count: 5 });
  const r = await s.call('PUT', '/_connector/cron/_scheduling', {
    scheduling: { full: { enabled: true, interval: '*/2 * * * * ?' } },
  });
  assert.equal(r.status, 200);
  const job = await waitFor('a scheduled job', async () => {
    const l = (await s.call('GET', '/_connector/_sync_job?connector_id=cron')).body;
    return l.results.find((j: any) => j.trigger_method === 'scheduled' && j.status === 'completed');
  }, 10_000);
  assert.equal(job.job_type, 'full');
  const c = (await s.call('GET', '/_connector/cron')).body;
  assert.ok(c.last_sync_scheduled_at, 'last_sync_scheduled_at recorded');
  assert.equal(await count('cron'), 5);
  await s.call('PUT', '/_connector/cron/_scheduling', { scheduling: { full: { enabled: false, interval: '*/2 * * * * ?' } } });
  const pending = (await s.call('GET', '/_connector/_sync_job?connector_id=cron&status=pending')).body.count;
  assert.ok(pending <= 1);
});
