/** Memory and time bounds of one sync (runtime.md "Robustness"); the worker's options set them. */
export interface SyncLimits {
  /** Serialized bytes the queue between source and sink may hold. */
  queueBytes: number;
  /** One bulk request: at most this many operations … */
  batchDocs: number;
  /** … and about this many serialized bytes. */
  batchBytes: number;
  /** How long a partial batch waits for more documents before it is written. */
  batchLingerMs: number;
  /** A larger document is not indexed but recorded as a per-document failure. */
  maxDocumentBytes: number;
  /** A source that yields nothing for this long is considered hung: the job fails. */
  sourceIdleTimeoutMs: number;
}

export const DEFAULT_LIMITS: SyncLimits = {
  queueBytes: 8 * 1024 * 1024,
  batchDocs: 500,
  batchBytes: 8 * 1024 * 1024,
  batchLingerMs: 50,
  maxDocumentBytes: 20 * 1024 * 1024,
  sourceIdleTimeoutMs: 5 * 60_000,
};
