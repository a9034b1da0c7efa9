/**
 * The sink port: where synced content goes (architecture.md `sink/`). Backends: the embedded
 * SQLite/FTS5 index (`sink/embedded/`), Elasticsearch and OpenSearch clusters. The runtime
 * writes batches bounded in bytes and count; a sink reports per-document failures instead of
 * throwing, and throws only when the whole batch could not be delivered (after its retries).
 */

export type BulkOperation =
  | { op: 'index'; index: string; id: string; doc: Record<string, unknown>; pipeline?: string }
  | { op: 'delete'; index: string; id: string };

export interface BulkItemFailure {
  id: string;
  op: BulkOperation['op'];
  status: number;
  reason: string;
}

export interface BulkResult {
  /** Operations the target acknowledged. */
  succeeded: number;
  failures: BulkItemFailure[];
}

export interface EnsureIndexOptions {
  /** Connector `language` (e.g. "en"), used to pick an analyser where the target has one. */
  language?: string | null;
}

export interface Sink {
  /** Creates the index if missing (idempotent). */
  ensureIndex(index: string, opts?: EnsureIndexOptions): Promise<void>;
  bulk(ops: BulkOperation[]): Promise<BulkResult>;
  /**
   * Mark and sweep: deletes documents of `index` whose `field` (the generation stamp) is
   * lower than `generation`; returns how many were deleted.
   */
  deleteOlderThan(index: string, field: string, generation: number): Promise<number>;
  /** Makes writes visible to search. */
  refresh(index: string): Promise<void>;
  close(): Promise<void>;
}
