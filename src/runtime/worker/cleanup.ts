/**
 * The cleanup loop (runtime.md "Loops" 3): no job stays `in_progress` without a live worker.
 * A running job of a served service type whose last heartbeat (`last_seen`) is older than
 * `staleAfterMs`, or whose connector is gone, ends `error` with a reason naming the worker
 * host and the last heartbeat; its connector gets `_last_sync` error. A `canceling` job
 * nobody finishes ends `canceled`. Jobs this worker runs itself are skipped.
 */
import type { SyncJob } from '../../domain/sync-job/document.js';
import { reasonOf, type ConnectorApi } from './api-client.js';
import type { ResolvedOptions } from './options.js';

export class Cleanup {
  constructor(
    private readonly o: ResolvedOptions,
    private readonly ownJobs: () => ReadonlySet<string>,
  ) {}

  private get api(): ConnectorApi {
    return this.o.api;
  }

  async tick(): Promise<void> {
    const mine = this.ownJobs();
    const exists = new Map<string, boolean>();
    const connectorExists = async (id: string) => {
      if (!exists.has(id)) exists.set(id, (await this.api.getConnector(id)) !== null);
      return exists.get(id)!;
    };
    for (const status of ['in_progress', 'canceling'] as const) {
      for (const job of await this.api.listJobs({ status })) {
        if (mine.has(job.id) || !this.o.serviceTypes.includes(job.connector?.service_type ?? '')) continue;
        const seen = Date.parse(job.last_seen ?? job.created_at);
        const age = Date.now() - seen;
        const stale = Number.isNaN(seen) || age > this.o.staleAfterMs;
        const gone = !(await connectorExists(job.connector.id));
        if (!stale && !gone) continue;
        if (status === 'canceling') await this.cancel(job);
        else await this.fail(job, this.keepCause(job, gone ? this.goneReason(job) : this.staleReason(job, age)));
      }
    }
  }

  private staleReason(job: SyncJob, age: number): string {
    return (
      `Worker [${job.worker_hostname ?? 'unknown'}] stopped sending heartbeats: the last one was at [${job.last_seen}], ` +
      `${(age / 1000).toFixed(1)} s ago (limit ${(this.o.staleAfterMs / 1000).toFixed(1)} s). ` +
      `Marked as failed by worker [${this.o.workerName}]; the next sync starts over.`
    );
  }

  /**
   * A cause the job's worker managed to record (its `error`, e.g. `database or disk is full`)
   * stays first: the missing heartbeat is a consequence, not the reason the sync failed.
   */
  private keepCause(job: SyncJob, why: string): string {
    const cause = typeof job.error === 'string' ? job.error.trim() : '';
    return cause ? `${cause} (then: ${why})` : why;
  }

  private goneReason(job: SyncJob): string {
    return `Connector [${job.connector.id}] no longer exists; the job run by worker [${job.worker_hostname ?? 'unknown'}] was marked as failed by worker [${this.o.workerName}].`;
  }

  private async fail(job: SyncJob, error: string): Promise<void> {
    try {
      await this.api.updateJobDoc(job.id, { status: 'error', error, completed_at: new Date().toISOString() });
    } catch (e) {
      // it moved on meanwhile (finished, or another worker cleaned it), or the API fails: next tick
      this.o.log.warn(`job [${job.id}] of connector [${job.connector.id}]: could not mark it as failed, retried next tick: ${reasonOf(e)}`);
      return;
    }
    this.o.log.warn(`job [${job.id}]: ${error}`);
    const acl = job.job_type === 'access_control';
    await this.api
      .setLastSync(job.connector.id, acl ? { last_access_control_sync_status: 'error', last_access_control_sync_error: error } : { last_sync_status: 'error', last_sync_error: error })
      .catch((e) => this.o.log.warn(`job [${job.id}]: could not record the failure on connector [${job.connector.id}]: ${reasonOf(e)}`));
  }

  private async cancel(job: SyncJob): Promise<void> {
    const t = new Date().toISOString();
    try {
      await this.api.updateJobDoc(job.id, { status: 'canceled', canceled_at: t, completed_at: t });
    } catch (e) {
      this.o.log.warn(`job [${job.id}] of connector [${job.connector.id}]: could not mark it as canceled, retried next tick: ${reasonOf(e)}`);
      return;
    }
    this.o.log.info(`job [${job.id}]: canceled (its worker [${job.worker_hostname ?? 'unknown'}] is gone)`);
    await this.api
      .setLastSync(job.connector.id, job.job_type === 'access_control' ? { last_access_control_sync_status: 'canceled' } : { last_sync_status: 'canceled' })
      .catch((e) => this.o.log.warn(`job [${job.id}]: could not record the cancellation on connector [${job.connector.id}]: ${reasonOf(e)}`));
  }
}
