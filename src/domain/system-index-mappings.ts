/**
 * What the connector system indices look like from the outside (`GET /.elastic-connectors`,
 * `_mapping`): their concrete names behind the aliases and the field mappings of the connector
 * and sync-job documents. The documents themselves live in the state store; these describe
 * them as Elasticsearch would, for clients that inspect or create the indices (Elastic's
 * connector service checks that they exist before it starts).
 */
import { CONNECTORS_INDEX } from './connector/document.js';
import { SYNC_JOBS_INDEX } from './sync-job/document.js';

type Mapping = Record<string, unknown>;

const keyword = { type: 'keyword' };
const date = { type: 'date' };
const long = { type: 'long' };
const bool = { type: 'boolean' };
/** Stored as given, not indexed (configuration, cursors, metadata). */
const opaque = { type: 'object', enabled: false };

const CONNECTOR_FIELDS: Mapping = {
  api_key_id: keyword, api_key_secret_id: keyword, configuration: opaque, custom_scheduling: opaque,
  deleted: bool, description: { type: 'text' }, error: keyword, features: opaque, filtering: opaque,
  index_name: keyword, is_native: bool, language: keyword, last_access_control_sync_error: keyword,
  last_access_control_sync_scheduled_at: date, last_access_control_sync_status: keyword,
  last_deleted_document_count: long, last_incremental_sync_scheduled_at: date, last_indexed_document_count: long,
  last_seen: date, last_sync_error: keyword, last_sync_scheduled_at: date, last_sync_status: keyword, last_synced: date,
  name: keyword, pipeline: opaque, scheduling: opaque, service_type: keyword, status: keyword, sync_cursor: opaque,
  sync_now: bool,
};

const SYNC_JOB_FIELDS: Mapping = {
  cancelation_requested_at: date, canceled_at: date, completed_at: date,
  connector: {
    properties: {
      id: keyword, index_name: keyword, language: keyword, service_type: keyword, configuration: opaque,
      filtering: opaque, pipeline: opaque, sync_cursor: opaque,
    },
  },
  created_at: date, deleted_document_count: long, error: keyword, indexed_document_count: long,
  indexed_document_volume: long, job_type: keyword, last_seen: date, metadata: opaque, started_at: date,
  status: keyword, total_document_count: long, trigger_method: keyword, worker_hostname: keyword,
};

export interface SystemIndex {
  /** Which documents it holds (also the sensitive-value shape of those documents). */
  kind: 'connector' | 'sync_job';
  /** The alias clients use (`.elastic-connectors`). */
  alias: string;
  /** The concrete index behind it (`.elastic-connectors-v1`). */
  concrete: string;
  mappings: Mapping;
}

export const SYSTEM_INDICES: readonly SystemIndex[] = [
  { kind: 'connector', alias: CONNECTORS_INDEX, concrete: `${CONNECTORS_INDEX}-v1`, mappings: { dynamic: 'false', properties: CONNECTOR_FIELDS } },
  { kind: 'sync_job', alias: SYNC_JOBS_INDEX, concrete: `${SYNC_JOBS_INDEX}-v1`, mappings: { dynamic: 'false', properties: SYNC_JOB_FIELDS } },
];

/** The system index a name stands for (alias or concrete name), or undefined. */
export function systemIndex(name: string): SystemIndex | undefined {
  return SYSTEM_INDICES.find((s) => s.alias === name || s.concrete === name);
}
