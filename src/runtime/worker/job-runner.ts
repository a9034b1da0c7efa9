/**
 * Runs one claimed sync job to a final status (runtime.md "Loops" 2–4): builds the source from
 * the job's connector snapshot, runs the pipeline (runtime/sync/pipeline.ts) and, alongside:
 *
 *   heartbeat (every heartbeatMs)  job `_check_in`, connector `_check_in`, `_stats`
 *   watch     (every cancelPollMs) job status: `canceling` → stop and flush → `canceled`;
 *             deleted or moved on by someone else (cleanup) → stop without writing
 *
 * and ends the job exactly once: completed | canceled | suspended (SIGTERM; the checkpointed
 * cursor stays on the job so the next claim resumes) | error with an actionable message, then
 * `_last_sync` (and `_error`) on the connector.
 */
import { withRetry, type Backoff } from '../../domain/shared/retry.js';
import { SourceError, type Source, type SourceFactory } from '../../sources/source.js';
import { sourceCheckMessage } from './bootstrap.js';
import { runSync, type SyncResult } from '../sync/pipeline.js';
import { nextWithin, STOPPED } from '../sync/source-reader.js';
import { SyncStats } from '../sync/stats.js';
import type { SyncJob } from '../../domain/sync-job/document.js';
import { reasonOf, statusOf, type ConnectorApi } from './api-client.js';
import { jobConfig, syncSpec } from './job-spec.js';
import type { JobOutcome } from './metrics.js';
import type { ResolvedOptions } from './options.js';

export type StopReason = 'cancel' | 'suspend' | 'lost';

/** Retries of a job's final status write: 0.5 s doubling to 4 s, about 12 s in all (8 to 16 with jitter). */
const FINAL_WRITE_RETRIES = 6;
const FINAL_WRITE_BACKOFF: Backoff = { initialDelayMs: 500, maxDelayMs: 4_000 };

function now(): string {
  return new Date().toISOString();
}

export class JobRunner {
  readonly stats = new SyncStats();
  private readonly stopCtl = new AbortController();
  private stopReason: StopReason | null = null;
  private lostWhy = '';
  private timers: NodeJS.Timeout[] = [];
  private beating = false;
  private watching = false;
  private lastStats = '';
  private factory: SourceFactory | undefined;
  /** How the run ended, for monitoring; stays `lost` unless a final status is written. */
  private outcome: JobOutcome = 'lost';
  /** Counters already reported to monitoring (a resumed job's earlier counts included). */
  private reported = { indexed: 0, deleted: 0, failed: 0, bytes: 0 };

  constructor(
    readonly job: SyncJob,
    private readonly o: ResolvedOptions,
  ) {}

  get id(): string {
    return this.job.id;
  }

  get connectorId(): string {
    return this.job.connector.id;
  }

  private get api(): ConnectorApi {
    return this.o.api;
  }

  /** Soft stop: the pipeline stops reading, writes what is queued, and the job ends per reason. */
  stop(reason: StopReason, why = ''): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.lostWhy = why;
    this.stopCtl.abort(reason);
  }

  async run(): Promise<void> {
    this.timers.push(setInterval(() => void this.heartbeat(), this.o.heartbeatMs));
    this.timers.push(setInterval(() => void this.watch(), this.o.cancelPollMs));
    let source: Source | undefined;
    try {
      const job = await this.api.getJob(this.id);
      if (!job) return this.stop('lost', 'the job was deleted');
      const type = job.connector.service_type ?? '';
      const factory = (this.factory = Object.hasOwn(this.o.sources, type) ? this.o.sources[type] : undefined);
      if (!factory) throw new Error(`This worker has no source for service type [${type}]`);
      const spec = syncSpec(job, factory);
      source = factory.create(jobConfig(job), this.o.sourcePolicy);
      if (spec.jobType === 'incremental' && !source.getDocsIncrementally) {
        throw new Error(`${factory.displayName} does not support incremental syncs: run a full sync or disable the incremental schedule`);
      }
      if (spec.jobType === 'access_control' && !source.getAccessControl) {
        throw new Error(`${factory.displayName} does not support document-level security: access-control syncs cannot run`);
      }
      await this.ping(source, factory);
      const generation = await this.generation(job);
      this.o.log.info(`job [${this.id}]: ${spec.jobType} sync of connector [${this.connectorId}] into [${spec.index}] started`);
      const result = await runSync({
        source, sink: this.o.sink, spec, limits: this.o.limits, generation, stats: this.stats,
        stop: this.stopCtl.signal, log: this.o.log,
        checkpoint: async (cursor) => {
          await this.api.updateJobDoc(this.id, { connector: { sync_cursor: null } });
          await this.api.updateJobDoc(this.id, { connector: { sync_cursor: cursor } });
        },
      });
      await this.finish(result);
    } catch (err) {
      await this.fail(err);
    } finally {
      for (const t of this.timers) clearInterval(t);
      await source?.close().catch((e) => this.o.log.warn(`job [${this.id}]: closing the source failed: ${reasonOf(e)}`));
      this.reportProgress();
      const seconds = (Date.now() - this.stats.startedAt) / 1000;
      this.o.metrics.jobFinished({ connectorId: this.connectorId, jobType: this.job.job_type ?? 'full', outcome: this.outcome, seconds });
    }
  }

  /** Hands monitoring what moved since the last report. */
  private reportProgress(): void {
    const { indexed, deleted, failed, indexedBytes: bytes } = this.stats;
    const r = this.reported;
    if (indexed === r.indexed && deleted === r.deleted && failed === r.failed && bytes === r.bytes) return;
    this.o.metrics.progress({
      connectorId: this.connectorId, indexed: indexed - r.indexed, deleted: deleted - r.deleted, failed: failed - r.failed, bytes: bytes - r.bytes,
    });
    this.reported = { indexed, deleted, failed, bytes };
  }

  /**
   * The mark-and-sweep generation. A resumed (once suspended) job keeps the one it started
   * with, stored in its metadata, so documents written before the suspension survive the
   * sweep; its counters carry on too.
   */
  private async generation(job: SyncJob): Promise<number> {
    // Read defensively: the metadata comes over the wire and may have been written by anyone.
    const meta = job.metadata?.tributary;
    if (typeof meta?.generation === 'number') {
      this.stats.resume({
        indexed: Number(job.indexed_document_count ?? 0),
        deleted: Number(job.deleted_document_count ?? 0),
        bytes: Number(meta.indexed_bytes ?? 0),
      });
      // The earlier attempt reported its own counts.
      this.reported = { indexed: this.stats.indexed, deleted: this.stats.deleted, failed: 0, bytes: this.stats.indexedBytes };
      return meta.generation;
    }
    const generation = Date.now();
    this.stats.generation = generation;
    await this.api.updateJobDoc(this.id, { metadata: { tributary: { generation } } });
    return generation;
  }

  private async ping(source: Source, f: SourceFactory): Promise<void> {
    const it = (async function* () {
      yield await source.ping();
    })();
    try {
      const r = await nextWithin(it, this.o.limits.sourceIdleTimeoutMs, this.stopCtl.signal, f.serviceType);
      if (r === STOPPED) return;
    } catch (err) {
      throw new SourceError(sourceCheckMessage(f, err));
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      this.reportProgress();
      if (!(await this.api.checkInJob(this.id))) return this.stop('lost', 'the job was deleted');
      await this.api.checkInConnector(this.connectorId);
      const key = this.stats.key();
      if (key !== this.lastStats) {
        await this.api.updateStats(this.id, this.stats.body());
        this.lastStats = key;
      }
    } catch (err) {
      this.o.log.warn(`job [${this.id}]: heartbeat failed: ${reasonOf(err)}`);
    } finally {
      this.beating = false;
    }
  }

  private async watch(): Promise<void> {
    if (this.watching || this.stopReason) return;
    this.watching = true;
    try {
      const job = await this.api.getJob(this.id);
      if (!job) this.stop('lost', 'the job was deleted');
      else if (job.status === 'canceling') this.stop('cancel');
      else if (job.status !== 'in_progress') this.stop('lost', `the job is now [${job.status}]${job.error ? ` (${job.error})` : ''}`);
    } catch (err) {
      this.o.log.warn(`job [${this.id}]: status check failed: ${reasonOf(err)}`);
    } finally {
      this.watching = false;
    }
  }

  private counts(): Record<string, unknown> {
    const { metadata, ...counts } = this.stats.body();
    return { ...counts, metadata, last_seen: now() };
  }

  private lastSyncFields(status: string, error?: string): Record<string, unknown> {
    const acl = this.job.job_type === 'access_control';
    const out: Record<string, unknown> = { [acl ? 'last_access_control_sync_status' : 'last_sync_status']: status };
    if (error) out[acl ? 'last_access_control_sync_error' : 'last_sync_error'] = error;
    return out;
  }

  /**
   * Writes the job's final status, retried with backoff (FINAL_WRITE_BACKOFF) when the API
   * fails (a full disk, a restart): a failure's cause must land on the job, not be replaced
   * later by the cleanup loop's "stopped sending heartbeats". Heartbeats go on meanwhile.
   */
  private async endJob(doc: Record<string, unknown>): Promise<boolean> {
    const ended = await withRetry(() => this.endJobOnce(doc), {
      retries: FINAL_WRITE_RETRIES,
      backoff: FINAL_WRITE_BACKOFF,
      classify: () => ({}),
      onRetry: (err, retry, wait) =>
        this.o.log.warn(`job [${this.id}]: could not write its final status [${doc.status}] (${reasonOf(err)}); retry ${retry}/${FINAL_WRITE_RETRIES} in ${wait} ms`),
    });
    if (ended && this.outcome === 'lost') this.outcome = doc.status as JobOutcome;
    return ended;
  }

  /** One attempt; false when the job moved on meanwhile (then it is left alone). */
  private async endJobOnce(doc: Record<string, unknown>): Promise<boolean> {
    try {
      await this.api.updateJobDoc(this.id, doc);
      return true;
    } catch (err) {
      if (statusOf(err) === 404) {
        this.o.log.warn(`job [${this.id}] of connector [${this.connectorId}]: could not end as [${doc.status}], the job no longer exists: ${reasonOf(err)}`);
        return false;
      }
      if (statusOf(err) !== 400) throw err;
      const job = await this.api.getJob(this.id);
      if (job?.status === 'canceling' && doc.status !== 'canceled' && doc.status !== 'error') {
        // Cancelled while finishing: honour the cancellation.
        const t = now();
        await this.api.updateJobDoc(this.id, { ...doc, status: 'canceled', canceled_at: t, completed_at: t });
        this.outcome = 'canceled';
        return true;
      }
      this.o.log.warn(`job [${this.id}]: could not end as [${doc.status}], it is [${job?.status ?? 'deleted'}]: ${reasonOf(err)}`);
      return false;
    }
  }

  private async finish(result: SyncResult): Promise<void> {
    const t = now();
    if (this.stopReason === 'lost') {
      this.o.log.warn(`job [${this.id}]: stopped without a final write: ${this.lostWhy}`);
      return;
    }
    if (this.stopReason === 'cancel') {
      await this.api.setLastSync(this.connectorId, this.lastSyncFields('canceled'));
      await this.endJob({ ...this.counts(), status: 'canceled', canceled_at: t, completed_at: t });
      this.o.log.info(`job [${this.id}]: canceled after ${this.stats.indexed} documents`);
      return;
    }
    if (this.stopReason === 'suspend') {
      await this.api.setLastSync(this.connectorId, this.lastSyncFields('suspended'));
      await this.endJob({ ...this.counts(), status: 'suspended' });
      this.o.log.info(`job [${this.id}]: suspended after ${this.stats.indexed} documents`);
      return;
    }
    // Failed documents never look like a clean success: every document failed → `error`
    // (like a sync that threw; nothing was swept); some failed → `completed` with `error`
    // saying how many (docs/sync-jobs.md "Failed documents").
    const problem = this.failedDocuments();
    if (problem && this.stats.indexed === 0) return this.fail(new Error(problem));
    // The connector's summary first: whoever sees the job completed also sees the connector updated.
    const acl = this.job.job_type === 'access_control';
    const connector = await this.api.getConnector(this.connectorId);
    if (connector) {
      const clear: Record<string, unknown> = {};
      if (result.cursor) clear.sync_cursor = null; // `_last_sync` deep-merges cursors; replace instead
      const errorField = acl ? 'last_access_control_sync_error' : 'last_sync_error';
      if (connector[errorField] && !problem) clear[errorField] = null;
      if (Object.keys(clear).length) await this.api.updateConnectorDoc(this.connectorId, clear);
      await this.api.setLastSync(this.connectorId, {
        ...this.lastSyncFields('completed', problem ?? undefined),
        ...(acl ? {} : { last_synced: t, last_indexed_document_count: this.stats.indexed, last_deleted_document_count: this.stats.deleted }),
        ...(result.cursor ? { sync_cursor: result.cursor } : {}),
      });
      if (connector.status === 'error') await this.api.setError(this.connectorId, null);
    }
    await this.endJob({ ...this.counts(), status: 'completed', completed_at: t, ...(problem ? { error: problem } : {}) });
    this.o.log.info(`job [${this.id}]: completed: ${this.stats.indexed} indexed, ${this.stats.deleted} deleted, ${this.stats.failed} failed`);
  }

  /** Null when no document failed, else what the job's `error` says about the failures. */
  private failedDocuments(): string | null {
    const { failed, indexed, failedButIndexed } = this.stats;
    if (failed === 0) return null;
    const first = this.stats.failures[0];
    const reason = first ? ` First: [${first.id}] ${first.reason.length > 300 ? first.reason.slice(0, 300) + '…' : first.reason}` : '';
    const dropped = failed - failedButIndexed;
    const how = [dropped ? `${dropped} not indexed` : '', failedButIndexed ? `${failedButIndexed} indexed without their content` : ''].filter(Boolean).join(', ');
    return `${failed} of ${indexed + dropped} documents failed (${how}; listed in metadata.tributary.failures).${reason}`;
  }

  private message(err: unknown): string {
    const m = (err as Error)?.message ?? String(err);
    if (err instanceof SourceError && this.factory && !m.includes(this.factory.displayName)) return `${this.factory.displayName} source: ${m}`;
    return m;
  }

  private async fail(err: unknown): Promise<void> {
    if (this.stopReason === 'lost') {
      this.o.log.warn(`job [${this.id}]: ${this.lostWhy}; last error: ${(err as Error)?.message}`);
      return;
    }
    const msg = this.message(err);
    this.o.log.warn(`job [${this.id}]: failed: ${msg}`);
    this.outcome = 'error';
    // The cause goes on the job first (retried), then on the connector: when the API is
    // failing too (a full disk), the job is what users and the cleanup loop look at.
    try {
      await this.endJob({ ...this.counts(), status: 'error', error: msg, completed_at: now() });
    } catch (e) {
      // The cleanup loop of a live worker ends the job once its heartbeat is stale.
      this.o.log.error(`job [${this.id}]: could not record the failure (${reasonOf(e)}): ${msg}`);
    }
    await this.api.setLastSync(this.connectorId, this.lastSyncFields('error', msg)).catch((e) =>
      this.o.log.warn(`job [${this.id}]: could not record the failure on connector [${this.connectorId}] (_last_sync): ${reasonOf(e)}`),
    );
    await this.api.setError(this.connectorId, msg).catch((e) =>
      this.o.log.warn(`job [${this.id}]: could not record the failure on connector [${this.connectorId}] (_error): ${reasonOf(e)}`),
    );
  }
}
