/**
 * The sync job document Elasticsearch builds on `POST _connector/_sync_job` (connector-api.md
 * §7.1, §7.3), with the snapshot of its connector.
 */
import { errors } from '../errors.js';
import { ACCESS_CONTROL_INDEX_PREFIX, type SyncJobType, type TriggerMethod } from '../connector/enums.js';
import type { ConnectorDoc } from '../connector/document.js';
import { isPlainObject } from '../shared/json.js';
import type { ConnectorSnapshot, SyncJobDoc } from './document.js';

/**
 * The `connector` snapshot copied into a new job. Defensive about `filtering`: a document
 * written through the system index (`_update`) may hold anything there.
 */
export function connectorSnapshot(id: string, c: ConnectorDoc, jobType: SyncJobType): ConnectorSnapshot {
  const snap: ConnectorSnapshot = { id };
  const first: unknown = Array.isArray(c.filtering) ? c.filtering[0] : undefined;
  const filtering = isPlainObject(first) ? first.active : undefined;
  if (filtering != null) snap.filtering = filtering as ConnectorSnapshot['filtering'];
  snap.index_name = jobType === 'access_control' ? ACCESS_CONTROL_INDEX_PREFIX + c.index_name : c.index_name;
  if (c.language != null) snap.language = c.language;
  if (c.pipeline != null) snap.pipeline = c.pipeline;
  snap.service_type = c.service_type;
  snap.configuration = c.configuration ?? {};
  return snap;
}

/** Checks the connector can be synced (§7.3 steps 2–3). */
export function assertSyncable(id: string, c: Pick<ConnectorDoc, 'index_name' | 'service_type'>): void {
  if (c.index_name == null || c.index_name === '') {
    throw errors.status(
      `Cannot start a sync for connector [${id}] with no index attached. Set the [index_name] property for the connector to enable syncing data.`,
    );
  }
  if (c.service_type == null || c.service_type === '') {
    throw errors.status(
      `Cannot start a sync for connector [${id}] with [service_type] not defined. Set the service type of your connector before starting the sync.`,
    );
  }
}

export function newSyncJobDoc(
  connectorId: string,
  connector: ConnectorDoc,
  jobType: SyncJobType,
  triggerMethod: TriggerMethod,
  now: string,
): SyncJobDoc {
  return {
    connector: connectorSnapshot(connectorId, connector, jobType),
    created_at: now,
    deleted_document_count: 0,
    indexed_document_count: 0,
    indexed_document_volume: 0,
    job_type: jobType,
    last_seen: now,
    metadata: {},
    status: 'pending',
    total_document_count: 0,
    trigger_method: triggerMethod,
  };
}
