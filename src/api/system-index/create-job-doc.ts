/**
 * `POST /.elastic-connectors-sync-jobs/_doc` (and `/.elastic-connectors-sync-jobs-v1/_doc`): a
 * sync job document written straight into the system index. Elastic's connector service does
 * this to schedule a job when its `elasticsearch.feature_use_connectors_api` is off: it builds
 * the whole job (connector snapshot, `trigger_method`, `job_type`, `status: pending`, counts,
 * `created_at`, `last_seen`) and indexes it. The job is taken as written over the defaults
 * `POST /_connector/_sync_job` would give it, with the checks a job needs to be run: a
 * `connector.id` of an existing connector, known `job_type` / `trigger_method` / `status`,
 * counts that are non-negative integers, and the caller's right to sync into the snapshot's
 * `index_name`. Answers Elasticsearch's index response with the document's sequence numbers.
 */
import { SYNC_JOB_TYPES, SYNC_STATUSES, TRIGGER_METHODS, type SyncJobType, type TriggerMethod } from '../../domain/connector/enums.js';
import { errors } from '../../domain/errors.js';
import { deepMerge, isPlainObject } from '../../domain/shared/json.js';
import { PRIMARY_TERM } from '../../domain/shared/seq-no.js';
import { newSyncJobDoc } from '../../domain/sync-job/defaults.js';
import type { SyncJobDoc } from '../../domain/sync-job/document.js';
import { SYSTEM_INDICES } from '../../domain/system-index-mappings.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { assertMaySyncInto } from '../connector/shared.js';

const SYNC_JOBS = SYSTEM_INDICES.find((s) => s.kind === 'sync_job')!;
const COUNTS = ['indexed_document_count', 'indexed_document_volume', 'deleted_document_count', 'total_document_count'];

function oneOf<T extends string>(body: Record<string, unknown>, field: string, values: readonly T[]): T | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw errors.illegalArgument(`[${field}] must be one of [${values.join(', ')}], got [${String(JSON.stringify(v)).slice(0, 100)}]`);
  }
  return v as T;
}

function checkJob(body: Record<string, unknown>): { connectorId: string; jobType?: SyncJobType; triggerMethod?: TriggerMethod } {
  const connector = body.connector;
  if (!isPlainObject(connector)) throw errors.validation(['[connector] of the sync job must be an object']);
  if (typeof connector.id !== 'string' || connector.id === '') throw errors.validation(['[connector.id] of the sync job cannot be null or empty']);
  if (connector.index_name != null && typeof connector.index_name !== 'string') throw errors.illegalArgument('[connector.index_name] must be a string');
  for (const k of COUNTS) {
    const v = body[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) throw errors.illegalArgument(`[${k}] must be a non-negative integer`);
  }
  oneOf(body, 'status', SYNC_STATUSES);
  return {
    connectorId: connector.id,
    jobType: oneOf(body, 'job_type', SYNC_JOB_TYPES),
    triggerMethod: oneOf(body, 'trigger_method', TRIGGER_METHODS),
  };
}

async function createJobDoc(req: EndpointRequest, app: AppContext) {
  if (!isPlainObject(req.body)) throw errors.parsing('request body must be a JSON object');
  const body = req.body;
  const { connectorId, jobType, triggerMethod } = checkJob(body);
  const connector = await app.store.connectors.get(connectorId);
  if (!connector) throw errors.notFound(`Connector with id '${connectorId}' does not exist.`);
  const defaults = newSyncJobDoc(connectorId, connector.doc, jobType ?? 'full', triggerMethod ?? 'on_demand', app.clock.now());
  const doc = deepMerge(defaults, body) as SyncJobDoc;
  // The worker writes into the snapshot's index: the same right as for a job the API creates.
  assertMaySyncInto(req, app, doc.connector.index_name);
  const id = app.newId();
  await app.store.syncJobs.create(id, doc);
  const stored = await app.store.syncJobs.get(id);
  return {
    status: 201,
    body: {
      _index: SYNC_JOBS.concrete, _id: id, _version: stored?.seq.version ?? 1, result: 'created',
      _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: stored?.seq.seqNo ?? 0, _primary_term: PRIMARY_TERM,
    },
  };
}

export const createSyncJobDoc: Endpoint = {
  name: 'index',
  method: 'POST',
  paths: [`/${SYNC_JOBS.alias}/_doc`, `/${SYNC_JOBS.concrete}/_doc`],
  index: SYNC_JOBS.alias,
  action: 'indices:data/write/index',
  body: 'required',
  params: { refresh: 'string', timeout: 'time', wait_for_active_shards: 'string', op_type: 'string', pipeline: 'string', routing: 'string', require_alias: 'boolean' },
  handler: createJobDoc,
};
