/** `PUT /_connector/_sync_job/{id}/_check_in` — heartbeat, no status check (§7.8). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, syncJobId, updateJob } from './shared.js';

export const checkInSyncJob: Endpoint = {
  name: 'connector.sync_job_check_in',
  method: 'PUT',
  paths: ['/_connector/_sync_job/:connector_sync_job_id/_check_in'],
  action: ACTION + 'check_in',
  async handler(req, app) {
    const id = syncJobId(req);
    const now = app.clock.now();
    return updateJob(app, id, (doc) => ({ ...doc, last_seen: now }), { direct: true, alwaysUpdated: true });
  },
};
