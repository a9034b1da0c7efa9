/**
 * Worker options and their defaults (docs/runtime.md "Options"). Every interval is
 * configurable so tests run in seconds; the defaults suit a quick start and a production
 * worker alike.
 */
import { hostname } from 'node:os';
import type { Sink } from '../../sink/sink.js';
import { sources as registry } from '../../sources/registry.js';
import { OPEN_POLICY, type SourceFactory, type SourcePolicy } from '../../sources/source.js';
import { DEFAULT_LIMITS, type SyncLimits } from '../sync/limits.js';
import { silentLogger, type Logger } from '../../domain/shared/logger.js';
import type { ConnectorApi } from './api-client.js';
import { DEFAULT_CONNECTOR_TIMEOUT_MS } from './bootstrap.js';
import { noSyncMetrics, type SyncMetrics } from './metrics.js';

/** Default of the worker's `check_in_interval`. */
export const DEFAULT_CHECK_IN_INTERVAL_MS = 5 * 60_000;

export interface WorkerOptions {
  api: ConnectorApi;
  sink: Sink;
  /** service_type → factory; defaults to sources/registry.ts. */
  sources?: Readonly<Record<string, SourceFactory>>;
  /** What sources may reach (directory roots, allowed hosts); default OPEN_POLICY. */
  sourcePolicy?: SourcePolicy;
  /** Served service types (default: every source known). */
  serviceTypes?: string[];
  /**
   * Service types not served even when `serviceTypes` names them or it is absent: those another
   * connector service runs (Elastic's, for the `mysql` and `postgresql` it shares names with).
   */
  excludeServiceTypes?: string[];
  /** Serve only these connectors (default: all of the served types). */
  connectorIds?: string[];
  /** Sync jobs run at the same time by this worker. */
  concurrency?: number;
  /** Connector loop (bootstrap, draft filtering, scheduling, `sync_now`). */
  pollIntervalMs?: number;
  /** Connectors handled at the same time by the connector loop (default 8). */
  connectorConcurrency?: number;
  /** How long one source check of the connector loop (ping, rule validation) may take (default 30 s). */
  connectorTimeoutMs?: number;
  /**
   * How often the connector loop checks in (`_check_in`, `last_seen`) a connector it serves that
   * has nothing else to do (default 5 min, as Elastic's connector service's heartbeat).
   */
  checkInIntervalMs?: number;
  /** How often pending jobs are looked for. */
  jobPollIntervalMs?: number;
  /** Job and connector `_check_in` and `_stats` while a job runs. */
  heartbeatMs?: number;
  /** A job whose last heartbeat is older is taken as orphaned (default 1.5 × heartbeat). */
  staleAfterMs?: number;
  /** Cleanup loop interval (default heartbeat / 2: orphans end within two heartbeats). */
  cleanupIntervalMs?: number;
  /** How often a running job checks whether it was cancelled. */
  cancelPollMs?: number;
  /** On stop: how long running jobs get to flush and suspend. */
  shutdownTimeoutMs?: number;
  limits?: Partial<SyncLimits>;
  /** `worker_hostname` written on claimed jobs. */
  workerName?: string;
  log?: Logger;
  /** Job outcomes and document counters for monitoring (docs/operations.md); default: none. */
  metrics?: SyncMetrics;
}

export type ResolvedOptions = Required<Omit<WorkerOptions, 'connectorIds' | 'limits' | 'log' | 'excludeServiceTypes'>> & {
  connectorIds: string[] | null;
  limits: SyncLimits;
  log: Logger;
};

export function resolveOptions(o: WorkerOptions): ResolvedOptions {
  const sources = o.sources ?? registry;
  const heartbeatMs = o.heartbeatMs ?? 10_000;
  const listed = o.serviceTypes?.length ? o.serviceTypes : Object.keys(sources);
  const excluded = o.excludeServiceTypes ?? [];
  const unknown = [...listed, ...excluded].filter((t) => !Object.hasOwn(sources, t));
  if (unknown.length) throw new Error(`Unknown service type(s) [${unknown.join(', ')}]; known: ${Object.keys(sources).sort().join(', ')}`);
  const serviceTypes = listed.filter((t) => !excluded.includes(t));
  if (serviceTypes.length === 0) {
    throw new Error(`This worker would serve no service type: [${listed.join(', ')}] are all in exclude_service_types; run it with --no-worker instead`);
  }
  const concurrency = o.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${o.concurrency}`);
  const connectorConcurrency = o.connectorConcurrency ?? 8;
  if (!Number.isInteger(connectorConcurrency) || connectorConcurrency < 1 || connectorConcurrency > 256) {
    throw new Error(`connector_concurrency must be an integer from 1 to 256, got ${o.connectorConcurrency}`);
  }
  const connectorTimeoutMs = o.connectorTimeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS;
  if (!(connectorTimeoutMs >= 100 && connectorTimeoutMs <= 3_600_000)) throw new Error(`connector_timeout must be from 100ms to 1h, got ${o.connectorTimeoutMs}`);
  return {
    api: o.api,
    sink: o.sink,
    sources,
    sourcePolicy: o.sourcePolicy ?? OPEN_POLICY,
    serviceTypes,
    connectorIds: o.connectorIds?.length ? o.connectorIds : null,
    concurrency,
    pollIntervalMs: o.pollIntervalMs ?? 10_000,
    connectorConcurrency,
    connectorTimeoutMs,
    checkInIntervalMs: o.checkInIntervalMs ?? DEFAULT_CHECK_IN_INTERVAL_MS,
    jobPollIntervalMs: o.jobPollIntervalMs ?? 2_000,
    heartbeatMs,
    staleAfterMs: o.staleAfterMs ?? Math.round(heartbeatMs * 1.5),
    cleanupIntervalMs: o.cleanupIntervalMs ?? Math.max(100, Math.round(heartbeatMs / 2)),
    cancelPollMs: o.cancelPollMs ?? 1_000,
    shutdownTimeoutMs: o.shutdownTimeoutMs ?? 20_000,
    limits: { ...DEFAULT_LIMITS, ...(o.limits ?? {}) },
    workerName: o.workerName ?? `${hostname()}:${process.pid}`,
    log: o.log ?? silentLogger,
    metrics: o.metrics ?? noSyncMetrics,
  };
}
