/**
 * Counters of one sync job, reported during the job through `_stats` and at the end through
 * `_last_sync` (connector-api.md §7.11, §6.17), and the per-document failures: counted in
 * full, listed with their reasons in the job's `metadata` up to a bound.
 */

import type { SyncJobStats, TributaryJobMetadata } from '../../domain/sync-job/document.js';

export const MIB = 1024 * 1024;

export interface DocumentFailure {
  id: string;
  reason: string;
}

export class SyncStats {
  indexed = 0;
  deleted = 0;
  indexedBytes = 0;
  /** Documents the sync rules excluded. */
  skipped = 0;
  failed = 0;
  readonly failures: DocumentFailure[] = [];
  readonly startedAt = Date.now();
  /** Documents in the index after the sync, when known (full syncs). */
  total: number | null = null;
  /** Mark-and-sweep generation of the job (kept in metadata so a resumed job reuses it). */
  generation: number | null = null;
  /** A resumed job's counters include the earlier attempt's; the total is then unknown. */
  resumed = false;
  /** The running sync's producer/consumer queue (read by monitoring); null when none runs. */
  queue: { readonly bytes: number } | null = null;

  constructor(readonly maxListedFailures = 100) {}

  resume(before: { indexed: number; deleted: number; bytes: number }): void {
    this.indexed = before.indexed;
    this.deleted = before.deleted;
    this.indexedBytes = before.bytes;
    this.resumed = true;
  }

  /**
   * Of `failed`: documents the source reported but still yielded (a file over its size limit, a
   * PDF without text), indexed with their metadata; the others were not indexed at all.
   */
  failedButIndexed = 0;

  fail(id: string, reason: string, opts: { indexed?: boolean } = {}): void {
    this.failed++;
    if (opts.indexed) this.failedButIndexed++;
    if (this.failures.length < this.maxListedFailures) this.failures.push({ id, reason });
  }

  /** Documents per second since the job started. */
  rate(now = Date.now()): number {
    const s = (now - this.startedAt) / 1000;
    return s > 0 ? Math.round((this.indexed / s) * 10) / 10 : 0;
  }

  /** The `_stats` request body (volume in whole MiB, like Elastic's connectors). */
  body(): SyncJobStats {
    const out: SyncJobStats = {
      indexed_document_count: this.indexed,
      deleted_document_count: this.deleted,
      indexed_document_volume: Math.round(this.indexedBytes / MIB),
      metadata: this.metadata(),
    };
    if (this.total !== null) out.total_document_count = this.total;
    return out;
  }

  metadata(): { tributary: TributaryJobMetadata } {
    return {
      tributary: {
        indexed_bytes: this.indexedBytes,
        skipped_document_count: this.skipped,
        failed_document_count: this.failed,
        failures: this.failures,
        failures_truncated: this.failed > this.failures.length,
        docs_per_second: this.rate(),
        ...(this.generation !== null ? { generation: this.generation } : {}),
      },
    };
  }

  /** A fingerprint to skip `_stats` calls when nothing moved. */
  key(): string {
    return `${this.indexed}/${this.deleted}/${this.failed}/${this.skipped}/${this.total}`;
  }
}
