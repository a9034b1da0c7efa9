/**
 * Helpers for the sync job API tests (test/api/sync-job-*.test.ts): connectors and jobs set up
 * through the public API, and a job driven into any sync status the way a worker would
 * (`_claim`, `_cancel`, `_error`, and the system-index `_update` for the statuses no
 * `_connector` endpoint sets).
 */
import assert from 'node:assert/strict';
import type { SyncStatus } from '../../../src/domain/connector/enums.js';
import { ok } from '../../helpers/assert-es.js';
import type { TestServer } from '../../helpers/server.js';

export const ALL_STATUSES: readonly SyncStatus[] = ['pending', 'in_progress', 'canceling', 'canceled', 'completed', 'suspended', 'error'];

/** §7.2, written out independently of the implementation. */
export const ALLOWED: Record<SyncStatus, readonly SyncStatus[]> = {
  pending: ['in_progress', 'canceled'],
  in_progress: ['canceling', 'completed', 'suspended', 'error'],
  suspended: ['in_progress', 'canceled'],
  canceling: ['canceled', 'error'],
  completed: [],
  canceled: [],
  error: [],
};

export const transitionReason = (from: string, to: string) =>
  `Invalid transition attempt from [${from}] to [${to}]. Such a ConnectorSyncStatus transition is not supported by the Connector Protocol.`;

export type Job = Record<string, any> & { id: string; status: SyncStatus };

export async function putConnector(srv: TestServer, id: string, body: Record<string, unknown> = {}): Promise<void> {
  const res = await srv.inject({ method: 'PUT', url: `/_connector/${id}`, body: { index_name: `search-${id}`, service_type: 'mysql', ...body } });
  assert.ok(res.statusCode === 200 || res.statusCode === 201, `${res.statusCode} ${res.body}`);
}

export async function postJob(srv: TestServer, connectorId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await srv.inject({ method: 'POST', url: '/_connector/_sync_job', body: { id: connectorId, ...extra } });
  const body = ok<{ id: string }>(res, 201);
  assert.deepEqual(Object.keys(body), ['id']);
  return body.id;
}

export async function getJob(srv: TestServer, id: string): Promise<Job> {
  return ok<Job>(await srv.inject({ method: 'GET', url: `/_connector/_sync_job/${id}` }));
}

export function put(srv: TestServer, id: string, action: string, body?: unknown) {
  return srv.inject({ method: 'PUT', url: `/_connector/_sync_job/${id}/${action}`, body });
}

export function updateDoc(srv: TestServer, id: string, doc: Record<string, unknown>) {
  return srv.inject({ method: 'POST', url: `/.elastic-connectors-sync-jobs/_update/${id}`, body: { doc } });
}

/** How each status is reached from a fresh pending job, through allowed transitions only. */
const PATH: Record<SyncStatus, ((srv: TestServer, id: string) => Promise<unknown>)[]> = {
  pending: [],
  in_progress: [claim],
  canceling: [claim, (s, id) => put(s, id, '_cancel')],
  canceled: [(s, id) => put(s, id, '_cancel')],
  completed: [claim, (s, id) => updateDoc(s, id, { status: 'completed', completed_at: new Date().toISOString() })],
  suspended: [claim, (s, id) => updateDoc(s, id, { status: 'suspended' })],
  error: [claim, (s, id) => put(s, id, '_error', { error: 'boom' })],
};

function claim(srv: TestServer, id: string) {
  return put(srv, id, '_claim', { worker_hostname: 'setup-worker' });
}

/** A new job of `connectorId` in `status`. */
export async function jobIn(srv: TestServer, connectorId: string, status: SyncStatus): Promise<string> {
  const id = await postJob(srv, connectorId);
  for (const step of PATH[status]) {
    const res = (await step(srv, id)) as { statusCode: number; body: string };
    assert.equal(res.statusCode, 200, `setting up a ${status} job: ${res.body}`);
  }
  assert.equal((await getJob(srv, id)).status, status);
  return id;
}
