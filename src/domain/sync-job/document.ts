/**
 * The sync job document as Elasticsearch stores it in `.elastic-connectors-sync-jobs` and
 * returns it from `GET _connector/_sync_job/<id>` (connector-api.md §7.1), declared once for
 * the API, the stores and the worker. Field names are the wire's (snake_case).
 */
import type { Configuration, ConnectorPipeline } from '../connector/document.js';
import type { SyncJobType, SyncStatus, TriggerMethod } from '../connector/enums.js';
import type { ConnectorFiltering, FilteringRules } from '../connector/filtering.js';

/** The system index Elasticsearch keeps sync jobs in (written through `_update` by the connector service). */
export const SYNC_JOBS_INDEX = '.elastic-connectors-sync-jobs';

/** The copy of the connector a job is created with (`connector` field, §7.3). */
export interface ConnectorSnapshot {
  id: string;
  /**
   * The connector's active rules. Elasticsearch 9.x copies `filtering[0].active`; older
   * writers stored the whole filtering list, which readers still accept.
   */
  filtering?: FilteringRules | ConnectorFiltering[] | null;
  index_name?: string | null;
  language?: string | null;
  pipeline?: ConnectorPipeline | null;
  service_type?: string | null;
  configuration?: Configuration;
  sync_cursor?: Record<string, unknown> | null;
}

/**
 * The mark-and-sweep generation: every document a sync writes carries it in this field, and
 * a full sync that ran to its end deletes the documents of its index with a lower value.
 * The worker keeps a job's generation in `metadata.tributary.generation`, so a suspended
 * job resumes with the one it started with.
 */
export const GENERATION_FIELD = '_tributary_generation';

/** What Tributary's worker records under `metadata.tributary` (docs/runtime.md). */
export interface TributaryJobMetadata {
  generation?: number;
  indexed_bytes?: number;
  skipped_document_count?: number;
  failed_document_count?: number;
  failures?: { id: string; reason: string }[];
  failures_truncated?: boolean;
  docs_per_second?: number;
}

/** The stored document (`_source`); a response adds `id` (see `SyncJob`). */
export interface SyncJobDoc {
  cancelation_requested_at?: string | null;
  canceled_at?: string | null;
  completed_at?: string | null;
  connector: ConnectorSnapshot;
  created_at: string;
  deleted_document_count: number;
  error?: string | null;
  indexed_document_count: number;
  indexed_document_volume: number;
  job_type: SyncJobType;
  last_seen?: string | null;
  metadata: { tributary?: TributaryJobMetadata; [key: string]: unknown };
  started_at?: string | null;
  status: SyncStatus;
  total_document_count: number;
  trigger_method: TriggerMethod;
  worker_hostname?: string | null;
  /** Partial updates of the system index (`POST .elastic-connectors-sync-jobs/_update`) may add fields. */
  [key: string]: unknown;
}

/** The `_stats` body (connector-api.md §7.11): counters, and what the worker keeps in `metadata`. */
export type SyncJobStats = Pick<SyncJobDoc, 'deleted_document_count' | 'indexed_document_count' | 'indexed_document_volume'> &
  Partial<Pick<SyncJobDoc, 'total_document_count' | 'metadata'>> & { last_seen?: string };

/** A sync job as the API returns it: `id` first, then the stored document. */
export type SyncJob = SyncJobDoc & { id: string };
