/**
 * The wire shapes the UI reads from Tributary's public API (docs/api.md), as the server sends
 * them (snake_case). Only the fields the UI uses; the server's own declarations are in
 * src/domain/ (the UI is a separate build and does not import server code).
 */
export type DisplayType = 'text' | 'textbox' | 'textarea' | 'numeric' | 'toggle' | 'dropdown' | 'list';
export type FieldType = 'str' | 'int' | 'list' | 'bool';
export type ConfigScalar = string | number | boolean | null;

export interface ConfigEntry {
  label: string;
  display?: DisplayType;
  type?: FieldType;
  order?: number;
  required?: boolean;
  sensitive?: boolean;
  default_value?: ConfigScalar;
  value?: unknown;
  tooltip?: string | null;
  depends_on?: { field: string; value: ConfigScalar }[];
  options?: { label: string; value: string | number }[];
  validations?: { type: 'less_than' | 'greater_than' | 'list_type' | 'included_in' | 'regex'; constraint: unknown }[];
  placeholder?: string;
}
export type Configuration = Record<string, ConfigEntry>;

export type ConnectorStatus = 'created' | 'needs_configuration' | 'configured' | 'connected' | 'error';
export type SyncStatus = 'pending' | 'in_progress' | 'completed' | 'error' | 'canceling' | 'canceled' | 'suspended';
export type JobType = 'full' | 'incremental' | 'access_control';

export interface Connector {
  id: string;
  name: string | null;
  description?: string | null;
  index_name: string | null;
  service_type: string | null;
  status: ConnectorStatus;
  error?: string | null;
  configuration: Configuration;
  last_sync_status?: SyncStatus | null;
  last_sync_error?: string | null;
  last_synced?: string | null;
  last_seen?: string | null;
  last_indexed_document_count?: number | null;
  last_deleted_document_count?: number | null;
  scheduling?: Scheduling;
  features?: {
    incremental_sync?: { enabled: boolean };
    document_level_security?: { enabled: boolean };
    sync_rules?: { basic?: { enabled: boolean }; advanced?: { enabled: boolean } };
  };
  filtering?: ConnectorFiltering[];
}

export interface ScheduleConfig {
  enabled: boolean;
  interval: string;
}
export type Scheduling = Record<JobType, ScheduleConfig>;

/** Sync rules (connector-api.md §3.3): one element, domain DEFAULT, an active and a draft set. */
export type RulePolicy = 'include' | 'exclude';
export type RuleCondition = 'equals' | 'contains' | 'starts_with' | 'ends_with' | 'regex' | '<' | '>';
export interface FilteringRule {
  id: string;
  order: number;
  policy: RulePolicy;
  field: string;
  rule: RuleCondition;
  value: string;
  created_at?: string;
  updated_at?: string;
}
export type ValidationState = 'edited' | 'valid' | 'invalid';
export interface FilteringRules {
  advanced_snippet: { value: unknown; created_at?: string; updated_at?: string };
  rules: FilteringRule[];
  validation: { state: ValidationState; errors: { ids: string[]; messages: string[] }[] };
}
export interface ConnectorFiltering {
  domain: string;
  active: FilteringRules;
  draft: FilteringRules;
}

/** `_security/user/_has_privileges` answer (Elasticsearch's shape). */
export interface HasPrivileges {
  username: string;
  has_all_requested: boolean;
  cluster: Record<string, boolean>;
  index: Record<string, Record<string, boolean>>;
}

export interface SyncJob {
  id: string;
  job_type: JobType;
  trigger_method: 'on_demand' | 'scheduled';
  status: SyncStatus;
  error?: string | null;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
  last_seen?: string | null;
  indexed_document_count: number;
  indexed_document_volume?: number;
  deleted_document_count: number;
  total_document_count?: number | null;
  connector: { id: string };
  /** Tributary's worker lists per-document failures here (docs/runtime.md). */
  metadata?: { tributary?: { indexed_bytes?: number; failures?: { id: string; reason: string }[]; failures_truncated?: boolean } };
}

export interface SourceType {
  service_type: string;
  name: string;
  features: { incremental_sync: boolean; document_level_security: boolean; sync_rules: { basic: boolean; advanced: boolean } };
  configuration: Configuration;
}

export interface Page<T> {
  count: number;
  results: T[];
}

export interface SearchHit {
  _id: string;
  _source?: Record<string, unknown>;
  highlight?: Record<string, string[]>;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
}
