/**
 * `tributary worker [--url http://… | --data DIR] [--api-key …] [--service-types a,b] [--concurrency N]`: the
 * connector service as its own process (docs/runtime.md), against a Tributary server or an
 * Elasticsearch 9.x cluster. SIGTERM / SIGINT suspend running jobs (resumable) and exit.
 */
import type { Command } from 'commander';
import { runWorker, type WorkerCliOptions } from '../app/run-worker.js';
import { envDefault, environmentHelp } from '../config/environment.js';
import { positiveInteger } from './arguments.js';

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the connector service against a Tributary server (or Elasticsearch)')
    .addHelpText('after', environmentHelp('worker'))
    .option('--url <url>', 'Connector API base URL (default: the one tributary serve recorded in <data>/server.json, else http://127.0.0.1:9200)', envDefault('TRIBUTARY_URL'))
    .option('--data <dir>', "the server's data folder, to find its URL without --url", envDefault('TRIBUTARY_DATA'))
    .option('--api-key <key>', 'encoded API key (or TRIBUTARY_WORKER_API_KEY)')
    .option('--service-types <list>', 'comma-separated service types to serve (default: all)')
    .option('--connector-ids <list>', 'comma-separated connector ids to serve (default: all)')
    .option('--concurrency <n>', 'sync jobs run at the same time', positiveInteger)
    .option('--config <file>', 'YAML configuration file (worker and content sections)', envDefault('TRIBUTARY_CONFIG'))
    .option('--insecure', 'accept a self-signed TLS certificate')
    .option('--log-level <level>', 'log level', envDefault('TRIBUTARY_LOG_LEVEL'))
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
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
