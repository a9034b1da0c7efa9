/**
 * The job loop (runtime.md "Loops" 2): finds waiting jobs (pending, or suspended by a worker
 * that shut down) of the served service types, oldest first, and claims them atomically —
 * `_claim` lets exactly one worker win — while fewer than `concurrency` jobs run here. A
 * connector never runs two jobs at once (a full sync's sweep would race the other's writes).
 */
import type { SyncJob } from '../../domain/sync-job/document.js';
import { reasonOf } from './api-client.js';
import { JobRunner, type StopReason } from './job-runner.js';
import type { ResolvedOptions } from './options.js';

export class JobLoop {
  readonly running = new Map<string, JobRunner>();
  private readonly done = new Map<string, Promise<void>>();
  private accepting = true;

  constructor(private readonly o: ResolvedOptions) {}

  private serves(j: SyncJob): boolean {
    const t = j.connector?.service_type ?? '';
    return this.o.serviceTypes.includes(t) && (!this.o.connectorIds || this.o.connectorIds.includes(j.connector.id));
  }

  private busyConnector(id: string): boolean {
    for (const r of this.running.values()) if (r.connectorId === id) return true;
    return false;
  }

  async tick(): Promise<void> {
    if (!this.accepting || this.running.size >= this.o.concurrency) return;
    const api = this.o.api;
    const waiting = [...(await api.listJobs({ status: 'pending' })), ...(await api.listJobs({ status: 'suspended' }))]
      .filter((j) => this.serves(j))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const job of waiting) {
      if (!this.accepting || this.running.size >= this.o.concurrency) return;
      if (this.busyConnector(job.connector.id)) continue;
      const active = [...(await api.listJobs({ status: 'in_progress', connectorId: job.connector.id })), ...(await api.listJobs({ status: 'canceling', connectorId: job.connector.id }))];
      if (active.length > 0) continue;
      const connector = await api.getConnector(job.connector.id);
      if (!connector) {
        await this.orphan(job);
        continue;
      }
      // A resumed (suspended) job keeps its checkpoint; a new one starts from the connector's cursor.
      const cursor = job.status === 'suspended' ? undefined : connector.sync_cursor;
      if (!(await api.claimJob(job.id, this.o.workerName, cursor))) continue;
      this.start(job);
    }
  }

  private start(job: SyncJob): void {
    const runner = new JobRunner(job, this.o);
    this.running.set(job.id, runner);
    const p = runner
      .run()
      .catch((err) => this.o.log.error(`job [${job.id}] of connector [${job.connector.id}] failed: ${reasonOf(err)}`))
      .finally(() => {
        this.running.delete(job.id);
        this.done.delete(job.id);
        this.onFinished?.();
      });
    this.done.set(job.id, p);
  }

  /** Called when a job ends (the worker wakes this loop to pick up the next). */
  onFinished: (() => void) | null = null;

  /** A waiting job whose connector is gone can never run. */
  private async orphan(job: SyncJob): Promise<void> {
    const t = new Date().toISOString();
    const error = `Connector [${job.connector.id}] no longer exists; the job was canceled by worker [${this.o.workerName}]`;
    await this.o.api
      .updateJobDoc(job.id, { status: 'canceled', error, canceled_at: t, cancelation_requested_at: t, completed_at: t })
      .catch((e) => this.o.log.warn(`job [${job.id}]: could not cancel it (its connector [${job.connector.id}] is gone): ${reasonOf(e)}`));
  }

  /** Stops claiming; asks running jobs to stop; waits up to `timeoutMs` for them to end. */
  async stop(reason: StopReason, timeoutMs: number): Promise<boolean> {
    this.accepting = false;
    for (const r of this.running.values()) r.stop(reason);
    const all = Promise.all([...this.done.values()]).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((res) => (timer = setTimeout(() => res(false), timeoutMs)));
    const ok = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return ok;
  }
}
