/**
 * The connector document as Elasticsearch stores it in `.elastic-connectors` and returns it
 * from `GET _connector/<id>` (connector-api.md §3), declared once: the API writes it, the
 * stores keep it, the worker reads it over the wire, sources register its configuration.
 * Field names are the wire's (snake_case). Optional fields are the ones Elasticsearch omits
 * when null or that older writers never set; readers stay defensive about them.
 */
import type { CONFIG_DISPLAY_TYPES, CONFIG_FIELD_TYPES, CONFIG_VALIDATION_TYPES, ConnectorStatus, SyncJobType, SyncStatus } from './enums.js';
import type { ConnectorFiltering } from './filtering.js';

/** The system index Elasticsearch keeps connectors in (written through `_update` by the connector service). */
export const CONNECTORS_INDEX = '.elastic-connectors';

/** One registered configuration field, `configuration.<key>` (connector-api.md §3.4). */
export interface ConfigEntry {
  label: string;
  category?: string | null;
  display?: (typeof CONFIG_DISPLAY_TYPES)[number];
  type?: (typeof CONFIG_FIELD_TYPES)[number];
  order?: number;
  required?: boolean;
  sensitive?: boolean;
  default_value?: string | number | boolean | null;
  value?: unknown;
  tooltip?: string | null;
  depends_on?: { field: string; value: string | number | boolean | null }[];
  options?: { label: string; value: string | number }[];
  validations?: { type: (typeof CONFIG_VALIDATION_TYPES)[number]; constraint: unknown }[];
  ui_restrictions?: string[];
  placeholder?: string;
}

/** The `configuration` map: field key → entry. A source's schema has the same shape. */
export type Configuration = Record<string, ConfigEntry>;

export interface ScheduleConfig { enabled: boolean; interval: string }
export type Scheduling = Record<SyncJobType, ScheduleConfig>;

/** `pipeline` (connector-api.md §3.7); Kibana's defaults apply when absent. */
export interface ConnectorPipeline {
  extract_binary_content?: boolean;
  name?: string;
  reduce_whitespace?: boolean;
  run_ml_inference?: boolean;
}

export interface FeatureEnabled { enabled: boolean }
/** `features` (connector-api.md §3.6): what the connector's service supports. */
export interface ConnectorFeatures {
  document_level_security?: FeatureEnabled;
  incremental_sync?: FeatureEnabled;
  native_connector_api_keys?: FeatureEnabled;
  sync_rules?: { advanced?: FeatureEnabled; basic?: FeatureEnabled };
}

/** The stored document (`_source`); a response adds `id` (see `Connector`). */
export interface ConnectorDoc {
  api_key_id?: string | null;
  api_key_secret_id?: string | null;
  configuration: Configuration;
  custom_scheduling: Record<string, unknown>;
  description?: string | null;
  error?: string | null;
  features?: ConnectorFeatures | null;
  /** One element, always (Elasticsearch 9.x writes a single DEFAULT-domain filtering). */
  filtering: ConnectorFiltering[];
  index_name?: string | null;
  is_native: boolean;
  language?: string | null;
  last_access_control_sync_error?: string | null;
  last_access_control_sync_scheduled_at?: string | null;
  last_access_control_sync_status?: SyncStatus | null;
  last_deleted_document_count?: number | null;
  last_incremental_sync_scheduled_at?: string | null;
  last_indexed_document_count?: number | null;
  last_seen?: string | null;
  last_sync_error?: string | null;
  last_sync_scheduled_at?: string | null;
  last_sync_status?: SyncStatus | null;
  last_synced?: string | null;
  name: string | null;
  pipeline?: ConnectorPipeline | null;
  scheduling: Scheduling;
  service_type?: string | null;
  sync_cursor?: Record<string, unknown> | null;
  status: ConnectorStatus;
  sync_now: boolean;
  /** Soft delete (`DELETE _connector/<id>` without `hard`). */
  deleted: boolean;
  /** Partial updates of the system index (`POST .elastic-connectors/_update`) may add fields. */
  [key: string]: unknown;
}

/** The fields `PUT _connector/<id>/_last_sync` sets (connector-api.md §6.17); null clears one. */
export type LastSyncFields = Partial<
  Pick<
    ConnectorDoc,
    | 'last_access_control_sync_error'
    | 'last_access_control_sync_scheduled_at'
    | 'last_access_control_sync_status'
    | 'last_deleted_document_count'
    | 'last_incremental_sync_scheduled_at'
    | 'last_indexed_document_count'
    | 'last_seen'
    | 'last_sync_error'
    | 'last_sync_scheduled_at'
    | 'last_sync_status'
    | 'last_synced'
    | 'sync_cursor'
  >
>;

/** A connector as the API returns it: `id` first, then the stored document. */
export type Connector = ConnectorDoc & { id: string };
