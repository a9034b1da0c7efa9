/** `DELETE /_connector/_sync_job/{id}` — hard delete (§7.6). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, jobMissing, syncJobId } from './shared.js';

export const deleteSyncJob: Endpoint = {
  name: 'connector.sync_job_delete',
  method: 'DELETE',
  paths: ['/_connector/_sync_job/:connector_sync_job_id'],
  action: ACTION + 'delete',
  async handler(req, app) {
    const id = syncJobId(req);
    if (!(await app.store.syncJobs.delete(id))) throw jobMissing(id);
    return { body: { acknowledged: true } };
  },
};
