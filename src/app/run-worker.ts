/**
 * The connector service as its own process (`tributary worker`, docs/runtime.md): settings from
 * the config file (src/config/, read and checked once) and flags, the API client, the content
 * sink, the worker.
 */
import { pino } from 'pino';
import { openSink } from '../sink/registry.js';
import { loadSettings } from '../config/settings.js';
import { sourcePolicy, type WorkerSettings } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';
import { ProcessMetrics } from './metrics.js';
import { listenMetrics, METRICS_HOST, parseMetricsPort } from './metrics-listener.js';
import { connectToServer, locateServer } from './find-server.js';

export interface WorkerCliOptions {
  /** `--url` (or TRIBUTARY_URL); absent: the data folder's server.json, else the default. */
  url?: string;
  /** Data folder whose server.json names the server. */
  data?: string;
  apiKey?: string;
  serviceTypes?: string;
  connectorIds?: string;
  concurrency?: string;
  config?: string;
  insecure?: boolean;
  logLevel: string;
  /** Serve Prometheus metrics on 127.0.0.1:<port> (docs/operations.md). */
  metricsPort?: string;
}

function csv(v: string | undefined): string[] | undefined {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

export async function runWorker(o: WorkerCliOptions): Promise<Worker> {
  const file = await loadSettings(o.config);
  const settings: WorkerSettings = {
    ...file.worker,
    ...(csv(o.serviceTypes) ? { serviceTypes: csv(o.serviceTypes) } : {}),
    ...(csv(o.connectorIds) ? { connectorIds: csv(o.connectorIds) } : {}),
    ...(o.concurrency ? { concurrency: Number(o.concurrency) } : {}),
  };
  // The file's worker.api_key, or TRIBUTARY_WORKER_API_KEY over it (src/config/settings.ts).
  const apiKey = o.apiKey ?? settings.apiKey;
  const metricsPort = o.metricsPort === undefined ? undefined : parseMetricsPort(o.metricsPort);
  // A server that is not there stops the worker at once, with the URL tried and what to do.
  const api = await connectToServer(locateServer(o), { apiKey, insecureTls: o.insecure });
  const log = pinoLog(pino({ level: o.logLevel }));
  const sink = await openSink(file.content, { server: api.client, log });
  const { apiKey: _key, ...opts } = settings;
  // A worker that authenticates talks to a server with security on: its directory connectors
  // read nothing until sources.directory.roots names folders (docs/security.md).
  const metrics = metricsPort === undefined ? undefined : new ProcessMetrics({ defaultMetrics: true });
  // Listening first: a port in use stops the worker before it claims anything.
  const listener = metrics ? await listenMetrics(metrics, metricsPort!) : undefined;
  const worker = new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(file.sources, Boolean(apiKey)), log, metrics: metrics?.sync });
  if (metrics && listener) {
    metrics.watchWorker(worker);
    // Does not keep the process alive: the worker's own loops and the CLI's signal handlers do.
    listener.server.unref();
    log.info(`metrics on http://${METRICS_HOST}:${listener.port}/metrics`);
  }
  return worker.start();
}
