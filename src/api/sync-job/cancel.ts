/**
 * `PUT /_connector/_sync_job/{id}/_cancel` (§7.7): a waiting job is canceled at once, a running
 * one moves to `canceling` for its worker to stop; anything else is an invalid transition.
 */
import { invalidSyncTransition } from '../../domain/sync-job/state-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, syncJobId, updateJob } from './shared.js';

export const cancelSyncJob: Endpoint = {
  name: 'connector.sync_job_cancel',
  method: 'PUT',
  paths: ['/_connector/_sync_job/:connector_sync_job_id/_cancel'],
  action: ACTION + 'cancel',
  async handler(req, app) {
    const id = syncJobId(req);
    const now = app.clock.now();
    return updateJob(app, id, (doc) => {
      if (doc.status === 'pending' || doc.status === 'suspended') {
        return { ...doc, status: 'canceled', cancelation_requested_at: now, canceled_at: now, completed_at: now };
      }
      if (doc.status === 'in_progress') return { ...doc, status: 'canceling', cancelation_requested_at: now };
      throw invalidSyncTransition(doc.status, 'canceling');
    });
  },
};
