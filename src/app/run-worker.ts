/**
 * The connector service as its own process (`tributary worker`, docs/runtime.md): settings from
 * the config file and flags, the API client, the content sink, the worker.
 */
import { pino } from 'pino';
import { openSink } from '../sink/registry.js';
import { loadFileSettings, sourcePolicy, WORKER_API_KEY_ENV, type WorkerSettings } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';
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
}

function csv(v: string | undefined): string[] | undefined {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

export async function runWorker(o: WorkerCliOptions): Promise<Worker> {
  const file = loadFileSettings(o.config);
  const settings: WorkerSettings = {
    ...file.worker,
    ...(csv(o.serviceTypes) ? { serviceTypes: csv(o.serviceTypes) } : {}),
    ...(csv(o.connectorIds) ? { connectorIds: csv(o.connectorIds) } : {}),
    ...(o.concurrency ? { concurrency: Number(o.concurrency) } : {}),
  };
  const apiKey = o.apiKey ?? process.env[WORKER_API_KEY_ENV] ?? settings.apiKey;
  // A server that is not there stops the worker at once, with the URL tried and what to do.
  const api = await connectToServer(locateServer(o), { apiKey, insecureTls: o.insecure });
  const log = pinoLog(pino({ level: o.logLevel }));
  const sink = await openSink(file.content, { server: api.client, log });
  const { apiKey: _key, ...opts } = settings;
  // A worker that authenticates talks to a server with security on: its directory connectors
  // read nothing until sources.directory.roots names folders (docs/security.md).
  return new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(file.sources, Boolean(apiKey)), log }).start();
}
