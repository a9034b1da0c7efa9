/** `PUT /_connector/_sync_job/{id}/_stats` — counts, last_seen, metadata deep-merged (§7.11). */
import { parseStats } from '../../domain/sync-job/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, syncJobId, updateJob } from './shared.js';

export const statsSyncJob: Endpoint = {
  name: 'connector.sync_job_update_stats',
  method: 'PUT',
  paths: ['/_connector/_sync_job/:connector_sync_job_id/_stats'],
  action: ACTION + 'update_stats',
  body: 'required',
  async handler(req, app) {
    const id = syncJobId(req);
    const r = parseStats(req.body);
    const now = app.clock.now();
    const { metadata, last_seen, ...counts } = r;
    return updateJob(app, id, (doc) => {
      let next = { ...doc, ...counts, last_seen: last_seen ?? now };
      if (metadata) next = deepMerge(next, { metadata });
      return next;
    }, { direct: true });
  },
};
