/**
 * The connector service (runtime.md): three loops over the Connector API and a sink.
 *
 *   connector loop (pollIntervalMs)     bootstrap, draft filtering, cron + sync_now → jobs
 *   job loop       (jobPollIntervalMs)  claim waiting jobs, run ≤ concurrency (job-runner.ts)
 *   cleanup loop   (cleanupIntervalMs)  orphaned running jobs → error, stuck canceling → canceled
 *
 * `stop()` (SIGTERM) stops the loops and suspends running jobs: they stop reading, write what
 * is queued, and end `suspended` with their checkpoint, so another worker resumes them.
 */
import { Cleanup } from './cleanup.js';
import { ConnectorLoop } from './connector-loop.js';
import { JobLoop } from './job-loop.js';
import type { JobRunner } from './job-runner.js';
import { Loop } from './loop.js';
import { resolveOptions, type ResolvedOptions, type WorkerOptions } from './options.js';

export class Worker {
  readonly options: ResolvedOptions;
  private readonly jobs: JobLoop;
  private readonly loops: Loop[];
  private readonly connectors: ConnectorLoop;
  private stopping: Promise<void> | null = null;

  constructor(opts: WorkerOptions) {
    const o = (this.options = resolveOptions(opts));
    this.jobs = new JobLoop(o);
    const onError = (name: string, err: unknown) => o.log.warn(`${name} loop: ${(err as Error)?.message ?? String(err)}`);
    const jobLoop = new Loop('job', o.jobPollIntervalMs, () => this.jobs.tick(), onError);
    this.jobs.onFinished = () => jobLoop.wake();
    const connectors = (this.connectors = new ConnectorLoop(o, () => jobLoop.wake()));
    const cleanup = new Cleanup(o, () => new Set(this.jobs.running.keys()));
    this.loops = [
      new Loop('connector', o.pollIntervalMs, () => connectors.tick(), onError),
      jobLoop,
      new Loop('cleanup', o.cleanupIntervalMs, () => cleanup.tick(), onError),
    ];
  }

  start(): this {
    for (const l of this.loops) l.start();
    this.options.log.info(`worker [${this.options.workerName}] serving ${this.options.serviceTypes.join(', ')} (concurrency ${this.options.concurrency})`);
    return this;
  }

  /** Jobs running in this worker now. */
  get runningJobs(): JobRunner[] {
    return [...this.jobs.running.values()];
  }

  /** Stops the loops; running jobs end `suspended` (resumable by any worker). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(this.loops.map((l) => l.stop()));
      const [ok, idle] = await Promise.all([
        this.jobs.stop('suspend', this.options.shutdownTimeoutMs),
        this.connectors.stop(5_000),
      ]);
      if (!idle) this.options.log.warn('some connector checks did not end in time');
      if (!ok) this.options.log.warn('some jobs did not stop in time; the cleanup loop of another worker ends them');
      this.options.log.info(`worker [${this.options.workerName}] stopped`);
    })();
    return this.stopping;
  }
}
