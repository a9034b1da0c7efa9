/** `POST /_connector/_sync_job` — a pending job with its connector snapshot (§7.3). */
import { errors } from '../../domain/errors.js';
import { assertSyncable, newSyncJobDoc } from '../../domain/sync-job/defaults.js';
import { parsePost } from '../../domain/sync-job/requests.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION } from './shared.js';

export const postSyncJob: Endpoint = {
  name: 'connector.sync_job_post',
  method: 'POST',
  paths: ['/_connector/_sync_job'],
  action: ACTION + 'post',
  body: 'required',
  async handler(req, app) {
    const r = parsePost(req.body);
    // Like Elasticsearch, soft-deleted connectors can still get jobs (quirk 7).
    const connector = await app.store.connectors.get(r.id);
    if (!connector) throw errors.notFound(`Connector with id '${r.id}' does not exist.`);
    assertSyncable(r.id, connector.doc);
    const id = app.newId();
    await app.store.syncJobs.create(id, newSyncJobDoc(r.id, connector.doc, r.jobType, r.triggerMethod, app.clock.now()));
    return { status: 201, body: { id } };
  },
};
