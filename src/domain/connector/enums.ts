/** Connector and sync enumerations, declared once (connector-api.md §4). */

export const CONNECTOR_STATUSES = ['created', 'needs_configuration', 'configured', 'connected', 'error'] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export const SYNC_STATUSES = ['canceling', 'canceled', 'completed', 'error', 'in_progress', 'pending', 'suspended'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const SYNC_JOB_TYPES = ['full', 'incremental', 'access_control'] as const;
export type SyncJobType = (typeof SYNC_JOB_TYPES)[number];

export const TRIGGER_METHODS = ['on_demand', 'scheduled'] as const;
export type TriggerMethod = (typeof TRIGGER_METHODS)[number];

export const FILTERING_POLICIES = ['exclude', 'include'] as const;
export const FILTERING_RULE_CONDITIONS = ['contains', 'ends_with', 'equals', '>', '<', 'regex', 'starts_with'] as const;
export const FILTERING_VALIDATION_STATES = ['edited', 'invalid', 'valid'] as const;
export const CONFIG_DISPLAY_TYPES = ['text', 'textbox', 'textarea', 'numeric', 'toggle', 'dropdown'] as const;
export const CONFIG_FIELD_TYPES = ['str', 'int', 'list', 'bool'] as const;
export const CONFIG_VALIDATION_TYPES = ['less_than', 'greater_than', 'list_type', 'included_in', 'regex'] as const;

/** Prefix required of indices attached to Elastic-managed (native) connectors (§10.2). */
export const MANAGED_INDEX_PREFIX = 'content-';
/** Access-control documents go to this prefix + the connector's index name (§2). */
export const ACCESS_CONTROL_INDEX_PREFIX = '.search-acl-filter-';
