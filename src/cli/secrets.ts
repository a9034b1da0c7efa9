/**
 * `tributary secrets rotate-key|reencrypt`: rotates the key that encrypts connector secrets at
 * rest and re-encrypts the stored values (docs/security.md "Key rotation").
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openStore } from '../app/open-app.js';
import { reencryptSecrets, rotateSecretKey, type RotationResult } from '../security/key-rotation.js';
import { envDefault, environmentHelp } from '../config/environment.js';

interface Options {
  data: string;
  store?: string;
  keepOld?: boolean;
  prune?: boolean;
}

async function run(o: Options, fn: (dataDir: string, store: Awaited<ReturnType<typeof openStore>>) => Promise<RotationResult>) {
  const dataDir = resolve(o.data);
  let store;
  try {
    store = await openStore({ dataDir, storeUrl: o.store });
    const r = await fn(dataDir, store);
    process.stdout.write(`re-encrypted ${r.reencrypted} of ${r.total} secret values (connector secrets and sensitive configuration values); ${r.keysKept} key(s) in the keyring\n`);
  } catch (e) {
    process.stderr.write(`tributary secrets: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await store?.close();
  }
}

export function secretsCommand(program: Command): void {
  const secrets = program.command('secrets').description('Connector secret encryption keys').addHelpText('after', environmentHelp('secrets'));
  const common = (c: Command) =>
    c
      .option('--data <dir>', 'data directory (holds secret.key and the SQLite state)', envDefault('TRIBUTARY_DATA'))
      .option('--store <url>', 'state store URL (postgres://…); SQLite in --data when absent', envDefault('TRIBUTARY_STORE_URL'));
  common(secrets.command('rotate-key').description('new key in <data>/secret.key, re-encrypt every secret, drop the old key'))
    .option('--keep-old', 'keep the old key for decryption (while a server with the old key is still running)')
    .action((o: Options) => run(o, (d, s) => rotateSecretKey(d, s, { keepOld: o.keepOld })));
  common(secrets.command('reencrypt').description('re-encrypt secrets not under the current key'))
    .option('--prune', 'then drop every key but the current one from <data>/secret.key')
    .action((o: Options) => run(o, (d, s) => reencryptSecrets(d, s, { prune: o.prune })));
}
