/**
 * `tributary sync <connector_id> [--type full|incremental|access_control] [--wait]`: flags into
 * `SyncOptions`; `src/app/run-sync.ts` does the rest.
 */
import { Option, type Command } from 'commander';
import { JOB_TYPES, runSync, type SyncOptions } from '../app/run-sync.js';
import { reasonOf } from '../runtime/worker/api-client.js';
import { envDefault, environmentHelp } from '../config/environment.js';
import { positiveInteger } from './arguments.js';

export function syncCommand(program: Command): void {
  program
    .command('sync <connector_id>')
    .description('Start a sync job for a connector; with --wait, follow it with a progress bar')
    .addHelpText('after', environmentHelp('sync'))
    .addOption(new Option('--type <type>', 'job type').choices(JOB_TYPES).default('full'))
    .option('--wait', 'follow the job until it ends (exit code 1 unless it completes)')
    .option('--url <url>', 'Connector API base URL (default: the one tributary serve recorded in <data>/server.json, else http://127.0.0.1:9200)', envDefault('TRIBUTARY_URL'))
    .option('--data <dir>', "the server's data folder, to find its URL without --url", envDefault('TRIBUTARY_DATA'))
    .option('--api-key <key>', 'encoded API key (or TRIBUTARY_API_KEY)', envDefault('TRIBUTARY_API_KEY'))
    .option('--insecure', 'accept a self-signed TLS certificate')
    .option('--interval <ms>', 'progress poll interval', positiveInteger, '500')
    .action(async (connectorId: string, o: SyncOptions) => {
      try {
        process.exitCode = await runSync(connectorId, o);
      } catch (e) {
        process.stderr.write(`tributary sync: ${reasonOf(e)}\n`);
        process.exitCode = 1;
      }
    });
}
