/**
 * The Prometheus metrics of one process (docs/operations.md), over prom-client (Apache-2.0):
 * one registry per process (never prom-client's global one: tests open many apps in one
 * process), implementing the HTTP server's port (`api/server-metrics.ts`) and the connector
 * service's (`runtime/worker/metrics.ts`). Gauges that need I/O (store size, content-index
 * size and document counts, sync jobs by status) are computed at scrape time, at most every
 * few seconds, and a scrape waits a bounded time for them: a slow store answers the previous
 * values rather than stalling the scrape or the event loop.
 */
import { statSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../api/app-context.js';
import type { RouteRecorder, ServerMetrics } from '../api/server-metrics.js';
import type { SyncMetrics } from '../runtime/worker/metrics.js';
import type { Worker } from '../runtime/worker/worker.js';
import { HttpMetrics } from './http-metrics.js';

/** Distinct connector ids used as label values; later ones are counted under `OTHER_LABEL`. */
export const DEFAULT_MAX_CONNECTOR_LABELS = 100;
/** Content indices reported one by one; beyond, they are left out (`tributary_content_index_omitted`). */
export const MAX_INDEX_LABELS = 100;
export const OTHER_LABEL = '_other';
/** Scrape-time values are reused this long. */
export const SNAPSHOT_TTL_MS = 5_000;
/** A scrape waits this long for fresh scrape-time values, then answers the previous ones. */
export const SNAPSHOT_WAIT_MS = 2_000;
/** Sync job statuses counted from the store (the ones that mean waiting or working). */
const JOB_STATUSES = ['pending', 'in_progress', 'canceling', 'suspended'] as const;

const JOB_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600];

export interface ProcessMetricsOptions {
  /** prom-client's default process and Node.js metrics (`process_*`, `nodejs_*`, event-loop lag). */
  defaultMetrics?: boolean;
  maxConnectorLabels?: number;
}

/** The first `max` distinct values pass as themselves, later ones as `OTHER_LABEL`. */
class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}

interface Snapshot {
  storeBytes: number | null;
  jobs: Partial<Record<(typeof JOB_STATUSES)[number], number>>;
  indexDocs: Map<string, number>;
  indexOmitted: number;
  indexBytes: number | null;
}

function fileBytes(path: string): number {
  return [path, `${path}-wal`].reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
}

function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class ProcessMetrics implements ServerMetrics {
  readonly registry = new Registry();
  private readonly connectors: BoundedLabel;
  private readonly http: HttpMetrics;
  private readonly jobsFinished: Counter<'connector' | 'job_type' | 'outcome'>;
  private readonly jobDuration: Histogram<'job_type'>;
  private readonly docsIndexed: Counter<'connector'>;
  private readonly bytesIndexed: Counter<'connector'>;
  private readonly docsDeleted: Counter<'connector'>;
  private readonly docsFailed: Counter<'connector'>;
  private readonly workers: Worker[] = [];
  private app: AppContext | null = null;
  private snapshot: Snapshot | null = null;
  private snapshotAt = 0;
  private refreshing: Promise<Snapshot> | null = null;

  /** The connector service's port: job outcomes and document counters. */
  readonly sync: SyncMetrics;

  constructor(o: ProcessMetricsOptions = {}) {
    const registers = [this.registry];
    this.connectors = new BoundedLabel(o.maxConnectorLabels ?? DEFAULT_MAX_CONNECTOR_LABELS);
    if (o.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.http = new HttpMetrics(this.registry);
    this.jobsFinished = new Counter({
      name: 'tributary_sync_jobs_finished_total', help: 'Sync job runs ended by this process, by connector, job type and outcome',
      labelNames: ['connector', 'job_type', 'outcome'], registers,
    });
    this.jobDuration = new Histogram({
      name: 'tributary_sync_job_duration_seconds', help: 'Duration of sync job runs (claim to final status), by job type',
      labelNames: ['job_type'], buckets: JOB_BUCKETS, registers,
    });
    const perConnector = (name: string, help: string) => new Counter({ name, help, labelNames: ['connector'] as const, registers });
    this.docsIndexed = perConnector('tributary_sync_documents_indexed_total', 'Documents written to the content target by syncs, by connector');
    this.bytesIndexed = perConnector('tributary_sync_indexed_bytes_total', 'Serialized bytes of the documents written by syncs, by connector');
    this.docsDeleted = perConnector('tributary_sync_documents_deleted_total', 'Documents deleted from the content target by syncs, by connector');
    this.docsFailed = perConnector('tributary_sync_documents_failed_total', 'Documents a sync could not index (too large, rejected), by connector');
    this.sync = {
      progress: (p) => {
        const connector = this.connectors.of(p.connectorId);
        if (p.indexed > 0) this.docsIndexed.inc({ connector }, p.indexed);
        if (p.bytes > 0) this.bytesIndexed.inc({ connector }, p.bytes);
        if (p.deleted > 0) this.docsDeleted.inc({ connector }, p.deleted);
        if (p.failed > 0) this.docsFailed.inc({ connector }, p.failed);
      },
      jobFinished: (j) => {
        this.jobsFinished.inc({ connector: this.connectors.of(j.connectorId), job_type: j.jobType, outcome: j.outcome });
        this.jobDuration.observe({ job_type: j.jobType }, j.seconds);
      },
    };
  }

  route(name: string): RouteRecorder {
    return this.http.route(name);
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Scrape-time gauges of the serving process: store, sync jobs by status, content index. */
  watchApp(app: AppContext): void {
    if (this.app) throw new Error('metrics already watch an application context');
    this.app = app;
    const registers = [this.registry];
    const snap = () => this.current();
    new Gauge({
      name: 'tributary_store_size_bytes', help: 'Bytes the state store takes on disk (SQLite files; PostgreSQL pg_database_size)',
      labelNames: ['store'], registers,
      async collect() {
        const s = await snap();
        if (s.storeBytes !== null) this.set({ store: app.store.kind }, s.storeBytes);
      },
    });
    new Gauge({
      name: 'tributary_sync_jobs', help: 'Sync jobs in the store by status (waiting and working ones)', labelNames: ['status'], registers,
      async collect() {
        const s = await snap();
        for (const status of JOB_STATUSES) if (s.jobs[status] !== undefined) this.set({ status }, s.jobs[status]!);
      },
    });
    if (!app.contentIndex) return;
    const index = app.contentIndex;
    new Gauge({
      name: 'tributary_content_index_documents', help: 'Documents in each index of the embedded content index', labelNames: ['index'], registers,
      async collect() {
        this.reset();
        for (const [name, n] of (await snap()).indexDocs) this.set({ index: name }, n);
      },
    });
    new Gauge({
      name: 'tributary_content_index_omitted', help: `Indices of the embedded content index not listed one by one (over ${MAX_INDEX_LABELS})`, registers,
      async collect() {
        this.set((await snap()).indexOmitted);
      },
    });
    new Gauge({
      name: 'tributary_content_index_size_bytes', help: 'Bytes of the embedded content index file (with its write-ahead log)', registers,
      async collect() {
        const s = await snap();
        if (s.indexBytes !== null) this.set(s.indexBytes);
      },
    });
    new Gauge({
      name: 'tributary_search_queue_depth', help: 'Searches waiting for a search thread of the embedded content index', registers,
      collect() {
        this.set(index.searchQueueDepth());
      },
    });
  }

  /** Scrape-time gauges of a connector service running in this process. */
  watchWorker(worker: Worker): void {
    this.workers.push(worker);
    if (this.workers.length > 1) return;
    const registers = [this.registry];
    const workers = this.workers;
    const runners = () => workers.flatMap((w) => w.runningJobs);
    new Gauge({
      name: 'tributary_worker_jobs_running', help: 'Sync jobs running in this process', registers,
      collect() {
        this.set(runners().length);
      },
    });
    new Gauge({
      name: 'tributary_worker_job_slots', help: 'Sync jobs this process runs at most at once (worker concurrency)', registers,
      collect() {
        this.set(workers.reduce((n, w) => n + w.options.concurrency, 0));
      },
    });
    new Gauge({
      name: 'tributary_sync_queue_bytes', help: 'Serialized document bytes queued between sources and the content target, over running syncs', registers,
      collect() {
        this.set(runners().reduce((n, r) => n + (r.stats.queue?.bytes ?? 0), 0));
      },
    });
    new Gauge({
      name: 'tributary_worker_oldest_job_seconds', help: 'Age of the oldest sync job running in this process (0 when none)', registers,
      collect() {
        const oldest = runners().reduce((t, r) => Math.min(t, r.stats.startedAt), Date.now());
        this.set((Date.now() - oldest) / 1000);
      },
    });
  }

  /** The scrape-time values: fresh within the TTL, else refreshed (once at a time) within a wait bound. */
  private async current(): Promise<Snapshot> {
    if (this.snapshot && Date.now() - this.snapshotAt < SNAPSHOT_TTL_MS) return this.snapshot;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = null));
    const fresh = await within(this.refreshing, SNAPSHOT_WAIT_MS);
    return fresh ?? this.snapshot ?? { storeBytes: null, jobs: {}, indexDocs: new Map(), indexOmitted: 0, indexBytes: null };
  }

  private async refresh(): Promise<Snapshot> {
    const app = this.app!;
    const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
    const [storeBytes, jobs, index] = await Promise.all([
      quiet(app.store.sizeBytes?.() ?? Promise.resolve(undefined)),
      Promise.all(JOB_STATUSES.map((s) => quiet(app.store.syncJobs.list({ from: 0, size: 0, statuses: [s] })).then((r) => [s, r?.count] as const))),
      this.indexStats(),
    ]);
    const snapshot: Snapshot = {
      storeBytes: storeBytes ?? null,
      jobs: Object.fromEntries(jobs.filter(([, n]) => n !== undefined)),
      ...index,
    };
    this.snapshot = snapshot;
    this.snapshotAt = Date.now();
    return snapshot;
  }

  /** Counts run on the search threads (`_count`), not on the event loop that serves requests. */
  private async indexStats(): Promise<Pick<Snapshot, 'indexDocs' | 'indexOmitted' | 'indexBytes'>> {
    const ci = this.app?.contentIndex;
    if (!ci || !ci.db.open) return { indexDocs: new Map(), indexOmitted: 0, indexBytes: null };
    const names = ci.listIndices().sort();
    const listed = names.slice(0, MAX_INDEX_LABELS);
    const previous = this.snapshot?.indexDocs;
    const counts = await Promise.all(
      listed.map(async (name) => {
        try {
          return [name, Number((await ci.countAsync(name)).count)] as const;
        } catch {
          return [name, previous?.get(name)] as const; // busy search threads: the last known count
        }
      }),
    );
    const indexDocs = new Map<string, number>();
    for (const [name, n] of counts) if (n !== undefined && Number.isFinite(n)) indexDocs.set(name, n);
    return { indexDocs, indexOmitted: names.length - listed.length, indexBytes: ci.path === ':memory:' ? null : fileBytes(ci.path) };
  }
}
