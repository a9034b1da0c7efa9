/**
 * The sync job status state machine (connector-api.md §7.2), used by `_cancel`, `_error` and —
 * unlike Elasticsearch, which lets any status be claimed — by `_claim` (§7.10, §9.1).
 */
import { errors } from '../errors.js';
import type { SyncStatus } from '../connector/enums.js';

const NEXT: Record<SyncStatus, readonly SyncStatus[]> = {
  pending: ['in_progress', 'canceled'],
  in_progress: ['canceling', 'completed', 'suspended', 'error'],
  suspended: ['in_progress', 'canceled'],
  canceling: ['canceled', 'error'],
  completed: [],
  canceled: [],
  error: [],
};

export function isValidSyncTransition(from: SyncStatus, to: SyncStatus): boolean {
  return NEXT[from]?.includes(to) ?? false;
}

export function invalidSyncTransition(from: string, to: string) {
  const reason = `Invalid transition attempt from [${from}] to [${to}]. Such a ConnectorSyncStatus transition is not supported by the Connector Protocol.`;
  return errors.status(reason, { type: 'connector_sync_job_invalid_status_transition_exception', reason });
}

export function assertSyncTransition(from: SyncStatus, to: SyncStatus): void {
  if (!isValidSyncTransition(from, to)) throw invalidSyncTransition(from, to);
}

/**
 * The status stored when a connector service finishes a job through the system index `_update`
 * (connector-api.md §7.12). Elasticsearch stores any status written there; Tributary checks §7.2,
 * with two moves a service makes when a cancel arrives while it is finishing, both allowed:
 * - `canceling` → `completed`: the sync finished before the service saw the cancel (Elastic's
 *   service checks for a cancel between batches). The work is done, so the job is `completed`, as
 *   Elasticsearch stores it.
 * - `canceling` → `suspended`: the service was stopped while canceling. Elasticsearch stores
 *   `suspended`, and the next service start would run the canceled job again; Tributary stores
 *   `canceled`, so the cancel is never lost.
 * Every other move must be allowed by §7.2 (400 otherwise).
 */
export function statusWrittenByService(from: SyncStatus, to: SyncStatus): SyncStatus {
  if (from === 'canceling' && to === 'completed') return 'completed';
  if (from === 'canceling' && to === 'suspended') return 'canceled';
  assertSyncTransition(from, to);
  return to;
}

/** Statuses a worker may claim: only waiting jobs (Elasticsearch lets any status be claimed). */
export const CLAIMABLE: readonly SyncStatus[] = ['pending', 'suspended'];
