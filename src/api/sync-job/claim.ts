/**
 * `PUT /_connector/_sync_job/{id}/_claim` (§7.10). Atomic, unlike Elasticsearch: only a
 * `pending` or `suspended` job moves to `in_progress`, in one conditional write, so of several
 * racing workers exactly one wins; the others get 409 `version_conflict_engine_exception`.
 */
import { errors } from '../../domain/errors.js';
import { parseClaim } from '../../domain/sync-job/requests.js';
import { CLAIMABLE, invalidSyncTransition } from '../../domain/sync-job/state-machine.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, syncJobId, updateJob } from './shared.js';

export const claimSyncJob: Endpoint = {
  name: 'connector.sync_job_claim',
  method: 'PUT',
  paths: ['/_connector/_sync_job/:connector_sync_job_id/_claim'],
  action: ACTION + 'claim',
  body: 'required',
  async handler(req, app) {
    const id = syncJobId(req);
    const r = parseClaim(req.body);
    const now = app.clock.now();
    return updateJob(app, id, (doc) => {
      const status = doc.status;
      if (status === 'in_progress' || status === 'canceling') {
        throw errors.conflict(`[${id}]: version conflict, sync job already claimed by worker [${String(doc.worker_hostname ?? '')}] (status [${status}])`);
      }
      if (!CLAIMABLE.includes(status)) throw invalidSyncTransition(status, 'in_progress');
      const next: SyncJobDoc = { ...doc, worker_hostname: r.workerHostname, status: 'in_progress', last_seen: now, started_at: now };
      if (r.syncCursor) next.connector = deepMerge(doc.connector, { sync_cursor: r.syncCursor });
      return next;
    }, { alwaysUpdated: true });
  },
};
