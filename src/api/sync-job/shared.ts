/** Helpers shared by the sync job endpoints (connector-api.md §7). */
import { errors } from '../../domain/errors.js';
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import type { Mutator, UpdateOptions } from '../../store/store.js';
import type { AppContext } from '../app-context.js';
import type { EndpointReply, EndpointRequest } from '../endpoint.js';

export const ACTION = 'cluster:admin/xpack/connector/sync_job/';

export function syncJobId(req: EndpointRequest): string {
  const id = req.params.connector_sync_job_id ?? '';
  if (id === '') throw errors.validation(['[connector_sync_job_id] of the connector sync job cannot be null or empty.']);
  return id;
}

/** Handlers that GET first answer 404 with the bare id (§1.3, quirk 11). */
export const jobMissing = (id: string) => errors.notFound(id);
/** Direct updates answer `connector sync job [<id>] not found`. */
export const jobMissingDirect = (id: string) => errors.notFound(`connector sync job [${id}] not found`);

export async function updateJob(
  app: AppContext,
  id: string,
  mutate: Mutator<SyncJobDoc>,
  opts: UpdateOptions & { direct?: boolean } = {},
): Promise<EndpointReply> {
  const out = await app.store.syncJobs.update(id, mutate, opts);
  if (!out) throw opts.direct ? jobMissingDirect(id) : jobMissing(id);
  return { body: { result: out.result } };
}
