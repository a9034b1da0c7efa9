/**
 * `tributary worker --url http://… [--api-key …] [--service-types a,b] [--concurrency N]`: the
 * connector service as its own process (docs/runtime.md), against a Tributary server or an
 * Elasticsearch 9.x cluster. SIGTERM / SIGINT suspend running jobs (resumable) and exit.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { openSink } from '../sink/registry.js';
import { ConnectorApi } from '../runtime/worker/api-client.js';
import { loadFileSettings, sourcePolicy, WORKER_API_KEY_ENV, type WorkerSettings } from '../runtime/worker/config.js';
import { pinoLog } from '../runtime/worker/logger.js';
import { Worker } from '../runtime/worker/worker.js';

interface WorkerCliOptions {
  url: string;
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
  const api = ConnectorApi.connect({ url: o.url, apiKey, insecureTls: o.insecure });
  const log = pinoLog(pino({ level: o.logLevel }));
  const sink = await openSink(file.content, { server: api.client, log });
  const { apiKey: _key, ...opts } = settings;
  // A worker that authenticates talks to a server with security on: its directory connectors
  // read nothing until sources.directory.roots names folders (docs/security.md).
  return new Worker({ ...opts, api, sink, sourcePolicy: sourcePolicy(file.sources, Boolean(apiKey)), log }).start();
}

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the connector service against a Tributary server (or Elasticsearch)')
    .option('--url <url>', 'Connector API base URL', process.env.TRIBUTARY_URL ?? 'http://127.0.0.1:9200')
    .option('--api-key <key>', `encoded API key (or ${WORKER_API_KEY_ENV})`)
    .option('--service-types <list>', 'comma-separated service types to serve (default: all)')
    .option('--connector-ids <list>', 'comma-separated connector ids to serve (default: all)')
    .option('--concurrency <n>', 'sync jobs run at the same time')
    .option('--config <file>', 'YAML configuration file (worker and content sections)', process.env.TRIBUTARY_CONFIG)
    .option('--insecure', 'accept a self-signed TLS certificate')
    .option('--log-level <level>', 'log level', process.env.TRIBUTARY_LOG_LEVEL ?? 'info')
    .action(async (o: WorkerCliOptions) => {
      try {
        const worker = await runWorker(o);
        const shutdown = () => {
          worker.stop().then(() => process.exit(0), () => process.exit(1));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      } catch (e) {
        process.stderr.write(`tributary worker: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
