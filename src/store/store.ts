/**
 * The state store port (architecture.md `store/`): connectors, sync jobs, connector
 * secrets, API keys and ingest pipelines, split by aggregate. Backends (`store/sqlite/`, `store/postgres/`) have the same
 * files and pass one shared suite (`store.case.ts`).
 *
 * Every conditional write is atomic: `update` runs the pure `mutate` function inside one
 * transaction holding the row (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SELECT … FOR UPDATE`),
 * so a check made in `mutate` (a state transition, a claim) cannot race another writer.
 *
 * Every write to a connector or sync job, whatever its path, advances the document's
 * sequence numbers (domain/shared/seq-no.ts): `_seq_no` from a per-index counter that never
 * goes back (deletes consume one too), `_version` +1. They live in columns beside the
 * document, never in its JSON, so the Connector API's answers do not show them.
 */

import type { ConnectorDoc } from '../domain/connector/document.js';
import type { SyncJobDoc } from '../domain/sync-job/document.js';
import type { SeqNo } from '../domain/shared/seq-no.js';
import type { ApiKeyStore } from './api-key-store.js';
import type { PipelineStore } from './pipeline-store.js';

/** Any stored document: what the backends' shared code (mutation.ts) works on. */
export type Doc = Record<string, unknown>;

export interface Stored<T> {
  id: string;
  doc: T;
  /** The document's `_seq_no`, `_primary_term` and `_version`. */
  seq: SeqNo;
}

/**
 * Returns the new document, or throws to abort (the error reaches the caller unchanged).
 * Must be pure and synchronous: it may run again if the backend retries a transaction.
 * `seq` is the stored document's current numbers, for compare-and-write (`checkSeqNo`).
 */
export type Mutator<T> = (doc: T, seq: SeqNo) => T;

export interface UpdateOptions {
  /** Treat a soft-deleted connector as missing (handlers that pre-GET, connector-api.md §9.2). */
  skipDeleted?: boolean;
  /** Report `updated` even when nothing changed (scripted updates, check-ins). */
  alwaysUpdated?: boolean;
}

export interface UpdateResult<T> {
  result: 'updated' | 'noop';
  doc: T;
  /** The numbers after the write: new ones when `updated`, the unchanged ones on a `noop`. */
  seq: SeqNo;
}

export interface ConnectorQuery {
  from: number;
  size: number;
  indexNames?: string[];
  names?: string[];
  serviceTypes?: string[];
  /** Connector `status` values (the system index's `term`/`terms` on `status`, api/system-index/list-pushdown.ts). */
  statuses?: string[];
  query?: string;
  includeDeleted?: boolean;
}

export interface ListResult {
  count: number;
  /** Each result as a JSON string `{"id":…,…}`, ready to splice into a response. */
  results: string[];
}

export interface ConnectorStore {
  get(id: string): Promise<Stored<ConnectorDoc> | null>;
  /** The GET response body `{"id":…, …source}` as JSON, or null when missing. */
  getJson(id: string, includeDeleted: boolean): Promise<string | null>;
  /**
   * Creates or overwrites. Throws 400 `status_exception` when another live connector holds
   * the same `index_name` (checked atomically by a unique index, not a search).
   */
  put(id: string, doc: ConnectorDoc): Promise<'created' | 'updated'>;
  /** Null when missing (or soft-deleted with `skipDeleted`). Index-name clashes throw as in put. */
  update(id: string, mutate: Mutator<ConnectorDoc>, opts?: UpdateOptions): Promise<UpdateResult<ConnectorDoc> | null>;
  delete(id: string): Promise<boolean>;
  list(q: ConnectorQuery): Promise<ListResult>;
  /**
   * Up to `limit` connectors with ids after `afterId` (null: from the first), in id order,
   * soft-deleted ones included, with their sequence numbers: the system index's `_search`
   * walks the store with it (api/system-index/search.ts).
   */
  scan(afterId: string | null, limit: number): Promise<Stored<ConnectorDoc>[]>;
  /**
   * Up to `limit` connectors whose `_seq_no` is above `afterSeqNo` (-1: all), in `_seq_no`
   * order, soft-deleted ones included: a change cursor. Every write takes a new `_seq_no`, so
   * a reader that remembers the last one it saw learns each later write without re-reading
   * the rest (a hard delete leaves nothing behind to see). `count`: all such connectors,
   * capped at 10000.
   */
  changedSince(afterSeqNo: number, limit: number): Promise<{ count: number; results: Stored<ConnectorDoc>[] }>;
  /** Ids of connectors, for the worker's scheduling loop (live ones only). */
  listAll(opts?: { serviceTypes?: string[] }): Promise<Stored<ConnectorDoc>[]>;
}

export interface SyncJobQuery {
  from: number;
  size: number;
  connectorId?: string;
  statuses?: string[];
  jobTypes?: string[];
}

export interface SyncJobStore {
  create(id: string, doc: SyncJobDoc): Promise<void>;
  get(id: string): Promise<Stored<SyncJobDoc> | null>;
  getJson(id: string): Promise<string | null>;
  update(id: string, mutate: Mutator<SyncJobDoc>, opts?: UpdateOptions): Promise<UpdateResult<SyncJobDoc> | null>;
  delete(id: string): Promise<boolean>;
  deleteByConnector(connectorId: string): Promise<number>;
  list(q: SyncJobQuery): Promise<ListResult>;
  /** Up to `limit` jobs with ids after `afterId`, in id order, with their sequence numbers (as ConnectorStore.scan). */
  scan(afterId: string | null, limit: number): Promise<Stored<SyncJobDoc>[]>;
}

export interface SecretStore {
  /** Stored values are opaque here (the caller encrypts them). */
  get(id: string): Promise<string | null>;
  put(id: string, value: string): Promise<'created' | 'updated'>;
  delete(id: string): Promise<boolean>;
  /** Every secret id (for re-encryption on key rotation, `tributary secrets rotate-key`). */
  ids(): Promise<string[]>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  connectors: ConnectorStore;
  syncJobs: SyncJobStore;
  secrets: SecretStore;
  /** API keys (store/api-key-store.ts). */
  apiKeys: ApiKeyStore;
  /** Ingest pipelines (store/pipeline-store.ts). */
  pipelines: PipelineStore;
  /** Resolves when the store answers; rejects with the reason otherwise (health checks). */
  ping(): Promise<void>;
  /** Bytes the store takes on disk (SQLite files, PostgreSQL `pg_database_size`), for monitoring. */
  sizeBytes?(): Promise<number>;
  close(): Promise<void>;
}

/** The uniqueness violation message (connector-api.md §6.1, §10.3). */
export function indexNameInUse(name: string): string {
  return `Index name [${name}] is used by another connector.`;
}
