/**
 * What the connector service reports to monitoring (docs/operations.md): a small port the job
 * runner calls, so the runtime does not depend on a metrics library. The composition
 * (`src/app/metrics.ts`) implements it over Prometheus; the default does nothing.
 */

/** How a job run ended here. `lost`: deleted or ended by someone else meanwhile (no final write). */
export type JobOutcome = 'completed' | 'error' | 'canceled' | 'suspended' | 'lost';

/** Counters of a running job since its last report (deltas, never totals). */
export interface SyncProgress {
  connectorId: string;
  indexed: number;
  deleted: number;
  failed: number;
  bytes: number;
}

export interface SyncMetrics {
  /** Called on every heartbeat of a running job and once more when it ends. */
  progress(p: SyncProgress): void;
  /** Called once per job run, after its final status was written (or given up on). */
  jobFinished(o: { connectorId: string; jobType: string; outcome: JobOutcome; seconds: number }): void;
}

export const noSyncMetrics: SyncMetrics = {
  progress() {},
  jobFinished() {},
};
