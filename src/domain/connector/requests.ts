/**
 * Request bodies of the connector endpoints (connector-api.md §6): strict top-level parsers,
 * then the request's own `validate()` messages. Each function returns the parsed request or
 * throws the Elasticsearch error.
 */
import { errors } from '../errors.js';
import { isPlainObject } from '../shared/json.js';
import {
  bool, enumOf, long, nested, object, parseStrict, str, timestamp, type FieldParser,
} from '../shared/parse.js';
import { validateCron } from '../shared/cron.js';
import { configurationMap } from './configuration.js';
import { CONNECTOR_STATUSES, MANAGED_INDEX_PREFIX, SYNC_STATUSES, type ConnectorStatus } from './enums.js';
import { filteringParsers, type AdvancedSnippet, type ConnectorFiltering, type FilteringRule, type ValidationInfo } from './filtering.js';
import { indexNameMessage } from './index-name.js';
import type { CreateConnectorFields } from './defaults.js';
import type { Configuration, ScheduleConfig, Scheduling } from './document.js';

function fail(...messages: string[]): never {
  throw errors.validation(messages);
}

export function parseCreate(body: unknown): CreateConnectorFields {
  const r = parseStrict('connector_put_request', body, {
    description: { parse: str },
    index_name: { parse: str, nullable: true },
    is_native: { parse: bool },
    language: { parse: str },
    name: { parse: str },
    service_type: { parse: str },
  }) as CreateConnectorFields;
  const msgs: string[] = [];
  if (r.index_name != null) {
    const m = indexNameMessage(r.index_name);
    if (m) msgs.push(m);
    else if (r.is_native === true && !r.index_name.startsWith(MANAGED_INDEX_PREFIX)) {
      msgs.push(`Index [${r.index_name}] is invalid. Index attached to an Elastic-managed connector must start with the prefix: [${MANAGED_INDEX_PREFIX}]`);
    }
  }
  if (msgs.length) fail(...msgs);
  return r;
}

export function parseName(body: unknown): { name?: string | null; description?: string | null } {
  const r = parseStrict('connector_update_name_request', body, {
    name: { parse: str, nullable: true },
    description: { parse: str, nullable: true },
  });
  if (r.name == null && r.description == null) {
    fail('[name] and [description] cannot both be [null]. Please provide a value for at least one of them.');
  }
  return r as { name?: string | null; description?: string | null };
}

export function parseServiceType(body: unknown): string {
  const r = parseStrict('connector_update_service_type_request', body, { service_type: { parse: str, required: true } });
  if (!r.service_type) fail('[service_type] cannot be [null] or [""].');
  return r.service_type as string;
}

export function parseIndexName(body: unknown): string | null {
  const r = parseStrict('connector_update_index_name_request', body, {
    index_name: { parse: str, nullable: true, required: true },
  });
  const name = (r.index_name ?? null) as string | null;
  if (name !== null) {
    const m = indexNameMessage(name);
    if (m) fail(m);
  }
  return name;
}

export function parseNative(body: unknown): boolean {
  const r = parseStrict('connector_update_native_request', body, { is_native: { parse: bool, required: true } });
  return r.is_native as boolean;
}

const pipelineSpec = {
  extract_binary_content: { parse: bool, required: true },
  name: { parse: str, required: true },
  reduce_whitespace: { parse: bool, required: true },
  run_ml_inference: { parse: bool, required: true },
};

export function parsePipeline(body: unknown): Record<string, unknown> {
  const r = parseStrict('connector_update_pipeline_request', body, {
    pipeline: { parse: nested('ingest_pipeline_params', pipelineSpec), required: true },
  });
  const p = r.pipeline as Record<string, unknown>;
  return { extract_binary_content: p.extract_binary_content, name: p.name, reduce_whitespace: p.reduce_whitespace, run_ml_inference: p.run_ml_inference };
}

const cron: FieldParser = (v, f, p) => {
  const s = str(v, f, p) as string;
  const check = validateCron(s);
  if (!check.valid) throw errors.parse(`[${p}] failed to parse field [${f}]`, { type: 'illegal_argument_exception', reason: check.reason });
  return s;
};
const scheduleConfig: FieldParser = (v, f, p) => {
  const s = nested('schedule_config', { enabled: { parse: bool, required: true }, interval: { parse: cron, required: true } })(v, f, p) as Record<string, unknown>;
  return { enabled: s.enabled, interval: s.interval };
};

export function parseScheduling(body: unknown): Partial<Scheduling> {
  const r = parseStrict('connector_update_scheduling_request', body, {
    scheduling: {
      required: true,
      parse: nested('connector_scheduling', {
        access_control: { parse: scheduleConfig },
        full: { parse: scheduleConfig },
        incremental: { parse: scheduleConfig },
      }),
    },
  });
  const s = r.scheduling as Record<string, ScheduleConfig | undefined>;
  // Elasticsearch checks only full and incremental here, so a body with only access_control is
  // rejected too (quirk 3 of connector-api.md §12); kept for compatibility.
  if (!s.full && !s.incremental) {
    fail('[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]');
  }
  const out: Partial<Scheduling> = {};
  for (const k of ['access_control', 'full', 'incremental'] as const) if (s[k]) out[k] = s[k]!;
  return out;
}

export type ConfigurationRequest =
  | { kind: 'schema'; configuration: Configuration }
  | { kind: 'values'; values: Record<string, unknown> };

export function parseConfiguration(body: unknown): ConfigurationRequest {
  const r = parseStrict('connector_update_configuration_request', body, {
    configuration: { parse: configurationMap, nullable: true },
    values: { parse: object, nullable: true },
  });
  if (r.configuration == null && r.values == null) fail('[configuration] and [values] cannot both be null.');
  if (r.configuration != null && r.values != null) fail('[configuration] and [values] cannot both be provided in the same request.');
  return r.configuration != null
    ? { kind: 'schema', configuration: r.configuration as Configuration }
    : { kind: 'values', values: r.values as Record<string, unknown> };
}

export type FilteringRequest =
  | { kind: 'full'; filtering: ConnectorFiltering[] }
  | { kind: 'draft'; rules?: FilteringRule[]; advanced_snippet?: AdvancedSnippet };

export function parseFiltering(body: unknown, now: string): FilteringRequest {
  const p = filteringParsers(now);
  const arr = (item: FieldParser): FieldParser => (v, f, pn) => {
    if (!Array.isArray(v)) throw errors.parse(`[${pn}] failed to parse field [${f}]`, { type: 'illegal_argument_exception', reason: `[${f}] expected an array` });
    return v.map((x) => item(x, f, pn));
  };
  const r = parseStrict('connector_update_filtering_request', body, {
    filtering: { parse: arr(p.filtering), nullable: true },
    rules: { parse: arr(p.rule), nullable: true },
    advanced_snippet: { parse: p.snippet, nullable: true },
  });
  const hasDraft = r.rules != null || r.advanced_snippet != null;
  if (r.filtering == null && !hasDraft) fail('[advanced_snippet] and [rules] cannot be both [null].');
  if (r.filtering != null && hasDraft) fail('If [filtering] is specified, [rules] and [advanced_snippet] should not be present in the request body.');
  if (r.filtering != null) return { kind: 'full', filtering: r.filtering as ConnectorFiltering[] };
  return {
    kind: 'draft',
    rules: (r.rules ?? undefined) as FilteringRule[] | undefined,
    advanced_snippet: (r.advanced_snippet ?? undefined) as AdvancedSnippet | undefined,
  };
}

export function parseFilteringValidation(body: unknown, now: string): ValidationInfo {
  const p = filteringParsers(now);
  const r = parseStrict('connector_update_filtering_validation_request', body, { validation: { parse: p.validation, required: true } });
  return r.validation as ValidationInfo;
}

export function parseError(body: unknown): string | null {
  const r = parseStrict('connector_update_error_request', body, { error: { parse: str, nullable: true, required: true } });
  return (r.error ?? null) as string | null;
}

export function parseStatus(body: unknown): ConnectorStatus {
  const r = parseStrict('connector_update_status_request', body, {
    status: { parse: enumOf(CONNECTOR_STATUSES, (v) => `Unknown ConnectorStatus: ${v}`), nullable: true },
  });
  if (r.status == null) fail('[status] cannot be [null].');
  return r.status as ConnectorStatus;
}

const syncStatus = enumOf(SYNC_STATUSES, (v) => `Unknown ConnectorSyncStatus [${v}].`);

/** `_last_sync`: only non-null fields are written (§6.17). */
export function parseLastSync(body: unknown): Record<string, unknown> {
  const r = parseStrict('connector_update_last_sync_stats_request', body, {
    last_access_control_sync_error: { parse: str, nullable: true },
    last_access_control_sync_scheduled_at: { parse: timestamp, nullable: true },
    last_access_control_sync_status: { parse: syncStatus, nullable: true },
    last_deleted_document_count: { parse: long, nullable: true },
    last_incremental_sync_scheduled_at: { parse: timestamp, nullable: true },
    last_indexed_document_count: { parse: long, nullable: true },
    last_seen: { parse: timestamp, nullable: true },
    last_sync_error: { parse: str, nullable: true },
    last_sync_scheduled_at: { parse: timestamp, nullable: true },
    last_sync_status: { parse: syncStatus, nullable: true },
    last_synced: { parse: timestamp, nullable: true },
    // declareObjectOrNull in Elasticsearch: a string, number or array is a 400.
    sync_cursor: { parse: object, nullable: true },
  });
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

const feature = nested('feature', { enabled: { parse: bool, required: true } });

export function parseFeatures(body: unknown): Record<string, unknown> {
  const r = parseStrict('connector_update_features_request', body, {
    features: {
      parse: nested('connector_features', {
        document_level_security: { parse: feature },
        incremental_sync: { parse: feature },
        native_connector_api_keys: { parse: feature },
        sync_rules: { parse: nested('sync_rules_features', { advanced: { parse: feature }, basic: { parse: feature } }) },
      }),
    },
  });
  // Elasticsearch answers 500 (a null pointer) here; Tributary answers 400 (compatibility.md).
  if (!isPlainObject(r.features)) fail('[features] cannot be [null].');
  return r.features as Record<string, unknown>;
}

export function parseApiKeyId(body: unknown): { api_key_id?: string; api_key_secret_id?: string } {
  const r = parseStrict('connector_update_api_key_id_request', body, {
    api_key_id: { parse: str, nullable: true },
    api_key_secret_id: { parse: str, nullable: true },
  });
  if (r.api_key_id == null && r.api_key_secret_id == null) {
    fail('[api_key_id] and [api_key_secret_id] cannot both be [null]. Please provide a value for at least one of them.');
  }
  const out: { api_key_id?: string; api_key_secret_id?: string } = {};
  if (r.api_key_id != null) out.api_key_id = r.api_key_id as string;
  if (r.api_key_secret_id != null) out.api_key_secret_id = r.api_key_secret_id as string;
  return out;
}
