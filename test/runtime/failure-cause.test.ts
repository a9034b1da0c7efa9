/**
 * Issue 11 item 17 (job part), by fault injection: a sync failing on a full disk ends with the
 * real cause in its `error`, even when the API fails the first attempts to write the final
 * status too; and the cleanup loop never replaces a cause a worker recorded with "stopped
 * sending heartbeats".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Sink } from '../../src/sink/sink.js';
import { ConnectorApi } from '../../src/runtime/worker/api-client.js';
import { counterSource } from './helpers/test-sources.js';
import { startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const DISK_FULL = 'database or disk is full';
let s: Stack;
let finalWritesRefused = 0;

/** The worker's API, failing its first two final-status writes of a failed job like a full disk. */
function faultyApi(api: ConnectorApi): ConnectorApi {
  return new Proxy(api, {
    get(target, prop, receiver) {
      if (prop === 'updateJobDoc') {
        return async (id: string, doc: Record<string, unknown>) => {
          if (doc.status === 'error' && finalWritesRefused < 2) {
            finalWritesRefused++;
            throw new Error(`internal_server_error: ${DISK_FULL}`);
          }
          return target.updateJobDoc(id, doc);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** The content index, answering every bulk write as a full disk. */
function fullDiskSink(sink: Sink): Sink {
  return new Proxy(sink, {
    get(target, prop, receiver) {
      if (prop === 'bulk') return async () => {
        throw new Error(`SqliteError: ${DISK_FULL}`);
      };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

before(async () => {
  s = await startStack({ worker: false });
  s.startWorker({ api: faultyApi(s.api), sink: fullDiskSink(s.sink), sources: { counter: counterSource } });
});

after(async () => {
  await s?.close();
});

test('a sync failing on a full disk records that cause, retrying the final write; the cleanup keeps it', async () => {
  await s.call('PUT', '/_connector/full', { index_name: 'full', service_type: 'counter' });
  await waitFor('connected', async () => (await s.call('GET', '/_connector/full')).body.status === 'connected');
  const id = await syncNow(s, 'full');
  const job = await waitForJob(s, id, ['error', 'completed'], 20_000);
  assert.equal(finalWritesRefused, 2, 'the first two final writes failed');
  assert.match(job.error, /Cannot write to index \[full\]: SqliteError: database or disk is full/);
  assert.doesNotMatch(job.error, /heartbeats/);
  // Past the stale limit, the cleanup loop still leaves the recorded cause alone.
  await new Promise((r) => setTimeout(r, 1_500));
  const later = (await s.call('GET', `/_connector/_sync_job/${id}`)).body;
  assert.equal(later.error, job.error);
  const c = (await s.call('GET', '/_connector/full')).body;
  assert.equal(c.last_sync_status, 'error');
  assert.match(c.last_sync_error, /database or disk is full/);
});

test('the cleanup loop keeps a cause recorded on a job whose worker then went silent', async () => {
  await s.call('PUT', '/_connector/silent', { index_name: 'silent', service_type: 'counter' });
  await waitFor('connected', async () => (await s.call('GET', '/_connector/silent')).body.status === 'connected');
  let id = '';
  for (let i = 0; i < 10 && !id; i++) {
    const candidate = await syncNow(s, 'silent');
    if (await s.api.claimJob(candidate, 'ghost-host:1')) id = candidate;
    else await waitForJob(s, candidate, ['completed', 'error']);
  }
  assert.ok(id, 'the ghost won a claim');
  await s.api.updateJobDoc(id, { error: `Cannot write to index [silent]: ${DISK_FULL}` });
  const job = await waitForJob(s, id, ['error'], 5_000);
  assert.match(job.error, /^Cannot write to index \[silent\]: database or disk is full \(then: Worker \[ghost-host:1\] stopped sending heartbeats/);
});
