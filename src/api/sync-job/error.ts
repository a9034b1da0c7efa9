/** `PUT /_connector/_sync_job/{id}/_error` — only from in_progress or canceling (§7.9). */
import { parseError } from '../../domain/sync-job/requests.js';
import { assertSyncTransition } from '../../domain/sync-job/state-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, syncJobId, updateJob } from './shared.js';

export const errorSyncJob: Endpoint = {
  name: 'connector.sync_job_error',
  method: 'PUT',
  paths: ['/_connector/_sync_job/:connector_sync_job_id/_error'],
  action: ACTION + 'error',
  body: 'required',
  async handler(req, app) {
    const id = syncJobId(req);
    const error = parseError(req.body);
    return updateJob(app, id, (doc) => {
      assertSyncTransition(doc.status, 'error');
      return { ...doc, error, status: 'error' };
    });
  },
};
