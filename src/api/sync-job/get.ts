/** `GET /_connector/_sync_job/{id}` (§7.4). */
import type { Endpoint } from '../endpoint.js';
import { presentForCaller } from '../sensitive.js';
import { ACTION, jobMissing, syncJobId } from './shared.js';

export const getSyncJob: Endpoint = {
  name: 'connector.sync_job_get',
  method: 'GET',
  paths: ['/_connector/_sync_job/:connector_sync_job_id'],
  action: ACTION + 'get',
  async handler(req, app) {
    const id = syncJobId(req);
    const json = await app.store.syncJobs.getJson(id);
    if (json === null) throw jobMissing(id);
    return { body: presentForCaller(app, req, 'sync_job', json), raw: true };
  },
};
