/**
 * `tributary users add|passwd|remove NAME --config FILE`: manages the users of the config
 * file (docs/security.md). Passwords are read from a hidden prompt, or from stdin when it is
 * not a terminal (`printf %s "$PW" | tributary users add …`); never from the command line,
 * where other users of the machine could see them.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { changeUser, type UserChange } from '../security/users-file.js';
import { envDefault, environmentHelp } from '../config/environment.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const first = await prompt('Password: ');
  const second = await prompt('Repeat password: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

function roleList(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

async function run(change: Omit<UserChange, 'password'>, config: string | undefined, needsPassword: boolean): Promise<void> {
  try {
    if (!config) throw new Error('--config FILE is required');
    const password = needsPassword ? await readPassword() : undefined;
    process.stdout.write((await changeUser(config, { ...change, password })) + '\n');
  } catch (e) {
    process.stderr.write(`tributary users: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

export function usersCommand(program: Command): void {
  const users = program.command('users').description('Manage the users of the config file (security.users)').addHelpText('after', environmentHelp('users'));
  const config = (c: Command) => c.requiredOption('--config <file>', 'YAML configuration file', envDefault('TRIBUTARY_CONFIG'));
  config(users.command('add <name>').description('add a user (password from a prompt or stdin)'))
    .requiredOption('--roles <roles>', 'comma-separated role names, e.g. superuser')
    .action((name: string, o: { config?: string; roles: string }) => run({ action: 'add', username: name, roles: roleList(o.roles) }, o.config, true));
  config(users.command('passwd <name>').description("change a user's password (and roles with --roles)"))
    .option('--roles <roles>', 'replace the roles too')
    .action((name: string, o: { config?: string; roles?: string }) => run({ action: 'passwd', username: name, roles: roleList(o.roles) }, o.config, true));
  config(users.command('remove <name>').description('remove a user'))
    .action((name: string, o: { config?: string }) => run({ action: 'remove', username: name }, o.config, false));
}
