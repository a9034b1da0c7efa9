/**
 * Connector-secret key rotation (issue 4, docs/security.md "Key rotation"), behind
 * `tributary secrets rotate-key` and `tributary secrets reencrypt`:
 * - rotate-key: a new key goes first in `<data>/secret.key` (older keys stay, decrypt-only),
 *   every stored value is re-encrypted with it, then the old keys are dropped unless
 *   `keepOld` (use it while a server that still holds the old keyring is running);
 * - reencrypt: re-encrypts values not under the current key (after changing
 *   `TRIBUTARY_SECRET_KEY`, or after a `keepOld` rotation), optionally pruning the old keys.
 */
import type { Doc, ListResult, Store } from '../store/store.js';
import { createCodec, loadKeyring, newKey, writeKeyFile, type Keyring } from './secret-codec.js';
import { mapDocConfiguration, mayHoldSensitive, reencryptConfiguration, unsealed, type Shape } from './sensitive-config.js';

const PAGE = 200;
/** Passes over the configurations until one finds nothing left to re-encrypt. */
const MAX_PASSES = 5;

export interface RotationResult {
  reencrypted: number;
  total: number;
  keysKept: number;
}

async function reencryptAll(store: Store, ring: Keyring): Promise<{ reencrypted: number; total: number }> {
  const codec = createCodec(ring);
  const ids = await store.secrets.ids();
  let reencrypted = 0;
  for (const id of ids) {
    const stored = await store.secrets.get(id);
    if (stored === null || !codec.needsReencryption(stored)) continue;
    await store.secrets.put(id, codec.encrypt(codec.decrypt(stored)));
    reencrypted++;
  }
  const config = await reencryptConfigurations(store, codec);
  return { reencrypted: reencrypted + config.reencrypted, total: ids.length + config.total };
}

/**
 * Sensitive configuration values (sensitive-config.ts) of every connector, soft-deleted ones
 * included, and of every sync job's connector snapshot. Pages by offset while jobs may come
 * and go, so passes repeat until one rewrites nothing.
 */
async function reencryptConfigurations(sealed: Store, codec: ReturnType<typeof createCodec>): Promise<{ reencrypted: number; total: number }> {
  // The documents as stored: the ciphertexts themselves are rewritten.
  const store = unsealed(sealed);
  // Rewrites a document whatever its type: the configuration is found by `shape`.
  type Rewrite = <T extends Doc>(doc: T) => T;
  const lists: [Shape, (from: number) => Promise<ListResult>, (id: string, rewrite: Rewrite) => Promise<unknown>][] = [
    ['connector', (from) => store.connectors.list({ from, size: PAGE, includeDeleted: true }), (id, rewrite) => store.connectors.update(id, rewrite)],
    ['sync_job', (from) => store.syncJobs.list({ from, size: PAGE }), (id, rewrite) => store.syncJobs.update(id, rewrite)],
  ];
  let reencrypted = 0;
  let total = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let rewritten = 0;
    let seen = 0;
    for (const [shape, list, update] of lists) {
      for (let from = 0; ; from += PAGE) {
        const page = await list(from);
        for (const json of page.results) {
          if (!mayHoldSensitive(json)) continue;
          const id = (JSON.parse(json) as { id: string }).id;
          await update(id, (doc) =>
            mapDocConfiguration(shape, doc, (c) =>
              reencryptConfiguration(codec, c, (stale) => {
                seen++;
                if (stale) rewritten++;
              }),
            ),
          );
        }
        if (page.results.length < PAGE) break;
      }
    }
    if (pass === 0) total = seen;
    reencrypted += rewritten;
    if (rewritten === 0) return { reencrypted, total };
  }
  throw new Error(`sensitive configuration values were still being written under an old key after ${MAX_PASSES} passes; run the command again`);
}

export async function rotateSecretKey(dataDir: string, store: Store, opts: { keepOld?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RotationResult> {
  const ring = loadKeyring(dataDir, opts.env);
  if (ring.source !== 'file') {
    throw new Error(
      'TRIBUTARY_SECRET_KEY is set: rotate by putting the new key in TRIBUTARY_SECRET_KEY and the old one in TRIBUTARY_SECRET_KEY_PREVIOUS, then run `tributary secrets reencrypt`',
    );
  }
  const key = newKey();
  const rotated: Keyring = { ...ring, current: key, keys: [key, ...ring.keys] };
  writeKeyFile(ring.file!, rotated.keys, { replace: true });
  const r = await reencryptAll(store, rotated);
  if (!opts.keepOld) writeKeyFile(ring.file!, [key], { replace: true });
  return { ...r, keysKept: opts.keepOld ? rotated.keys.length : 1 };
}

export async function reencryptSecrets(dataDir: string, store: Store, opts: { prune?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RotationResult> {
  const ring = loadKeyring(dataDir, opts.env);
  const r = await reencryptAll(store, ring);
  if (opts.prune && ring.source === 'file') {
    writeKeyFile(ring.file!, [ring.current], { replace: true });
    return { ...r, keysKept: 1 };
  }
  return { ...r, keysKept: ring.keys.length };
}
