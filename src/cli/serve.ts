/**
 * `tributary serve`: flags (and their TRIBUTARY_* environment variables) into `ServeOptions`;
 * `src/app/serve.ts` does the rest.
 */
import type { Command } from 'commander';
import { applyNpmFlags } from '../app/npm-flags.js';
import { serve, type ServeOptions } from '../app/serve.js';
import { bytes, port } from './arguments.js';
import { startDebugGc } from './debug-gc.js';
import { envDefault, environmentHelp } from '../config/environment.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the Elasticsearch-compatible Connector API')
    .addHelpText('after', environmentHelp('serve'))
    .option('--port <port>', 'port to listen on (0: any free port)', port, envDefault('TRIBUTARY_PORT'))
    .option('--host <host>', 'address to bind', envDefault('TRIBUTARY_HOST'))
    .option('--data <dir>', 'data directory (SQLite state, content index)', envDefault('TRIBUTARY_DATA'))
    .option('--store <url>', 'state store URL (postgres://…); SQLite in --data when absent', envDefault('TRIBUTARY_STORE_URL'))
    .option('--config <file>', 'YAML configuration file', envDefault('TRIBUTARY_CONFIG'))
    .option('--tls-cert <file>', 'TLS certificate (PEM)', envDefault('TRIBUTARY_TLS_CERT'))
    .option('--tls-key <file>', 'TLS private key (PEM)', envDefault('TRIBUTARY_TLS_KEY'))
    .option('--max-body <bytes>', 'largest request body accepted (413 above)', bytes, envDefault('TRIBUTARY_MAX_BODY'))
    .option('--max-in-flight-body <bytes>', 'request body bytes received or handled at once over the process (429 circuit_breaking_exception above; default twice --max-body)', bytes, envDefault('TRIBUTARY_MAX_IN_FLIGHT_BODY'))
    .option('--log-level <level>', 'log level', envDefault('TRIBUTARY_LOG_LEVEL'))
    .option('--no-worker', 'do not run the connector service in this process')
    .action(async (o: ServeOptions, cmd: Command) => {
      try {
        for (const n of applyNpmFlags(o, (name) => cmd.getOptionValueSource(name) === 'cli')) process.stderr.write(`tributary: ${n}\n`);
        const stop = await serve(o);
        startDebugGc();
        const shutdown = () => {
          stop().then(() => process.exit(0), () => process.exit(1));
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      } catch (e) {
        process.stderr.write(`tributary: ${(e as Error).message}\n`);
        process.exit(1);
      }
    });
}
