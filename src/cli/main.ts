/** The `tributary` command line. Each command lives in its own file and holds no logic. */
import { Command } from 'commander';
import { serveCommand } from './serve.js';

const program = new Command();
program.name('tributary').description('Self-hosted connector platform, wire-compatible with the Elasticsearch Connector API');
serveCommand(program);
await program.parseAsync(process.argv);
