/** `GET /_connector/_sync_job` — newest first, with filters (§7.5). */
import { errors } from '../../domain/errors.js';
import { SYNC_JOB_TYPES, SYNC_STATUSES } from '../../domain/connector/enums.js';
import type { Endpoint } from '../endpoint.js';
import { paging } from '../query-params.js';
import { presentForCaller } from '../sensitive.js';
import { ACTION } from './shared.js';

function oneOf(values: readonly string[], v: string, label: string): string {
  const hit = values.find((x) => x === v.toLowerCase());
  if (!hit) throw errors.illegalArgument(`Unknown ${label} [${v}].`);
  return hit;
}

export const listSyncJobs: Endpoint = {
  name: 'connector.sync_job_list',
  method: 'GET',
  paths: ['/_connector/_sync_job'],
  params: { from: 'int', size: 'int', connector_id: 'string', status: 'string', job_type: 'list' },
  action: ACTION + 'list',
  async handler(req, app) {
    const q = req.query;
    const { from, size } = paging(q);
    const status = q.status as string | undefined;
    const list = await app.store.syncJobs.list({
      from, size,
      connectorId: q.connector_id as string | undefined,
      statuses: status !== undefined ? [oneOf(SYNC_STATUSES, status, 'ConnectorSyncStatus')] : undefined,
      jobTypes: (q.job_type as string[] | undefined)?.map((t) => oneOf(SYNC_JOB_TYPES, t, 'ConnectorSyncJobType')),
    });
    return { body: `{"count":${list.count},"results":[${list.results.map((j) => presentForCaller(app, req, 'sync_job', j)).join(',')}]}`, raw: true };
  },
};
