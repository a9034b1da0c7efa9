/**
 * Request bodies of the sync job endpoints (connector-api.md §7), parsed as Elasticsearch's
 * ConstructingObjectParsers do: `declareString`/`declareLong`/`declareObject` fields reject
 * JSON `null` (400 `x_content_parse_exception`), a missing constructor argument is
 * `Required [k]`, and the `validate()` messages cover what parsing lets through (empty strings,
 * negative counts).
 */
import { errors } from '../errors.js';
import { SYNC_JOB_TYPES, TRIGGER_METHODS, type SyncJobType, type TriggerMethod } from '../connector/enums.js';
import { enumOf, long, object, parseStrict, str, timestamp, type FieldParser } from '../shared/parse.js';

/** `declareString` first (a number or object is a type error), then the enum's `fromString`. */
function stringEnum(values: readonly string[], unknown: (v: string) => string): FieldParser {
  const toEnum = enumOf(values, unknown);
  return (v, field, parser) => toEnum(str(v, field, parser), field, parser);
}

export function parsePost(body: unknown): { id: string; jobType: SyncJobType; triggerMethod: TriggerMethod } {
  const r = parseStrict('connector_sync_job_post_request', body, {
    id: { parse: str, required: true },
    job_type: { parse: stringEnum(SYNC_JOB_TYPES, (v) => `Unknown ConnectorSyncJobType [${v}].`) },
    trigger_method: { parse: stringEnum(TRIGGER_METHODS, (v) => `Unknown ConnectorSyncJobTriggerMethod [${v}].`) },
  });
  if (!r.id) throw errors.validation(['[id] of the connector cannot be null or empty']);
  return {
    id: r.id as string,
    jobType: (r.job_type ?? 'full') as SyncJobType,
    triggerMethod: (r.trigger_method ?? 'on_demand') as TriggerMethod,
  };
}

export function parseError(body: unknown): string {
  const r = parseStrict('connector_sync_job_error_request', body, { error: { parse: str, required: true } });
  if (!r.error) throw errors.validation(['[error] of the connector sync job cannot be null or empty']);
  return r.error as string;
}

export function parseClaim(body: unknown): { workerHostname: string; syncCursor?: Record<string, unknown> } {
  const r = parseStrict('claim_connector_sync_job', body, {
    worker_hostname: { parse: str, required: true },
    sync_cursor: { parse: object },
  });
  if (r.worker_hostname == null) throw errors.validation(['[worker_hostname] of the connector sync job cannot be null.']);
  return { workerHostname: r.worker_hostname as string, syncCursor: (r.sync_cursor ?? undefined) as Record<string, unknown> | undefined };
}

export interface StatsRequest {
  deleted_document_count: number;
  indexed_document_count: number;
  indexed_document_volume: number;
  total_document_count?: number;
  last_seen?: string;
  metadata?: Record<string, unknown>;
}

export function parseStats(body: unknown): StatsRequest {
  const r = parseStrict('connector_sync_job_update_ingestion_stats', body, {
    deleted_document_count: { parse: long, required: true },
    indexed_document_count: { parse: long, required: true },
    indexed_document_volume: { parse: long, required: true },
    total_document_count: { parse: long },
    last_seen: { parse: timestamp },
    metadata: { parse: object },
  });
  const msgs: string[] = [];
  for (const k of ['deleted_document_count', 'indexed_document_count', 'indexed_document_volume', 'total_document_count']) {
    if (typeof r[k] === 'number' && (r[k] as number) < 0) msgs.push(`[${k}] cannot be negative.`);
  }
  if (msgs.length) throw errors.validation(msgs);
  const out: StatsRequest = {
    deleted_document_count: r.deleted_document_count as number,
    indexed_document_count: r.indexed_document_count as number,
    indexed_document_volume: r.indexed_document_volume as number,
  };
  if (r.total_document_count != null) out.total_document_count = r.total_document_count as number;
  if (r.last_seen != null) out.last_seen = r.last_seen as string;
  if (r.metadata != null) out.metadata = r.metadata as Record<string, unknown>;
  return out;
}
