import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncJob } from '../../domain/sync-job/document.js';
import type { ConnectorApi } from './api-client.js';
import { Cleanup } from './cleanup.js';
import type { ResolvedOptions } from './options.js';

/** A stale job of a served type whose final write fails: the failure must reach the log. */
test('the cleanup loop logs a job it could not mark as failed or canceled, with job and connector ids', async () => {
  const lines: string[] = [];
  const log = { info() {}, warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
  // Only the fields the cleanup loop reads: a partial job document on purpose.
  const stale = (id: string, status: SyncJob['status']): SyncJob => ({
    id, status, job_type: 'full', trigger_method: 'on_demand', created_at: '2020-01-01T00:00:00Z',
    last_seen: '2020-01-01T00:00:00Z', worker_hostname: 'gone', connector: { id: 'c1', service_type: 'directory' },
  }) as SyncJob;
  const api = {
    listJobs: async ({ status }: { status: SyncJob['status'] }) => [stale(status === 'in_progress' ? 'j1' : 'j2', status)],
    getConnector: async () => ({ id: 'c1' }),
    updateJobDoc: async () => { throw new Error('state store unavailable'); },
    setLastSync: async () => {},
  } as unknown as ConnectorApi;
  const o = { api, log, serviceTypes: ['directory'], staleAfterMs: 1000, workerName: 'w' } as unknown as ResolvedOptions;
  await new Cleanup(o, () => new Set()).tick();
  assert.deepEqual(lines, [
    'warn job [j1] of connector [c1]: could not mark it as failed, retried next tick: state store unavailable',
    'warn job [j2] of connector [c1]: could not mark it as canceled, retried next tick: state store unavailable',
  ]);
});
