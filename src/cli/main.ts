/** The `tributary` command line. Each command lives in its own file and holds no logic. */
import { Command } from 'commander';
import { packageVersion } from '../app/version.js';
import { secretsCommand } from './secrets.js';
import { serveCommand } from './serve.js';
import { syncCommand } from './sync.js';
import { usersCommand } from './users.js';
import { workerCommand } from './worker.js';

const program = new Command();
program
  .name('tributary')
  .description('Self-hosted connector platform, wire-compatible with the Elasticsearch Connector API')
  .version(packageVersion(), '-V, --version', 'print the version of tributary');
serveCommand(program);
workerCommand(program);
syncCommand(program);
usersCommand(program);
secretsCommand(program);
await program.parseAsync(process.argv);
