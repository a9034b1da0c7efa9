/**
 * Encryption at rest for connector secrets (issue 4, docs/security.md "Secrets"): AES-256-GCM
 * with a random 96-bit IV per value. Keys come from `TRIBUTARY_SECRET_KEY` (base64, 32 bytes;
 * older keys for decryption only in `TRIBUTARY_SECRET_KEY_PREVIOUS`, comma-separated) or from
 * the key file `<data>/secret.key`, created with mode 0600 on first start, one base64 key per
 * line, the first encrypting and the others only decrypting (key rotation keeps old keys
 * until every value is re-encrypted: `tributary secrets rotate-key`).
 *
 * Stored form: `enc:v1:<key id>:<iv>:<ciphertext+tag>` (base64url); the key id is the first
 * 8 bytes of the key's SHA-256, so a value names the key it needs. Values without the prefix
 * were written before encryption and are read as they are (and encrypted on rotation).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretCodec {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export interface Keyring {
  /** The key new values are encrypted with. */
  current: Buffer;
  /** Every key, the current one first. */
  keys: Buffer[];
  source: 'env' | 'file' | 'memory';
  file?: string;
}

const PREFIX = 'enc:v1:';
export const KEY_FILE = 'secret.key';

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('base64url');
}

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text.trim())) {
    throw new Error(`${where}: a secret key must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)`);
  }
  return key;
}

export function newKey(): Buffer {
  return randomBytes(32);
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function createCodec(ring: Keyring): SecretCodec & { needsReencryption(stored: string): boolean } {
  const byId = new Map(ring.keys.map((k) => [keyId(k), k]));
  const currentId = keyId(ring.current);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', ring.current, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${currentId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
    },
    decrypt(stored) {
      if (!isEncrypted(stored)) return stored;
      const [id, iv, body] = stored.slice(PREFIX.length).split(':');
      const key = byId.get(id);
      if (!key) throw new Error(`secret was encrypted with key [${id}], which is not in the keyring (${ring.source}); see docs/security.md`);
      const data = Buffer.from(body ?? '', 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    },
    needsReencryption(stored) {
      return !isEncrypted(stored) || stored.slice(PREFIX.length).split(':')[0] !== currentId;
    },
  };
}

function readKeyFile(file: string): Buffer[] {
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new Error(`${file}: the secret key file is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    }
  }
  const keys = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l, i) => parseKey(l, `${file} line ${i + 1}`));
  if (!keys.length) throw new Error(`${file}: no key in the secret key file`);
  return keys;
}

/**
 * Writes the key file atomically with mode 0600 (temp file, then rename; or a hard link when
 * it must not replace an existing file, so two first starts cannot pick different keys).
 */
export function writeKeyFile(file: string, keys: Buffer[], opts: { replace: boolean }): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const text = [
    '# Tributary connector-secret keys (AES-256-GCM), base64. The first line encrypts; the others',
    '# only decrypt values written before a rotation. Keep this file private and backed up.',
    ...keys.map((k) => k.toString('base64')),
    '',
  ].join('\n');
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  if (opts.replace) {
    renameSync(tmp, file);
    return;
  }
  try {
    linkSync(tmp, file);
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * The keyring for a data directory: from the environment when `TRIBUTARY_SECRET_KEY` is set,
 * else from `<data>/secret.key` (created on first use). `:memory:` gets a throwaway key.
 */
export function loadKeyring(dataDir: string, env: NodeJS.ProcessEnv = process.env): Keyring {
  if (env.TRIBUTARY_SECRET_KEY) {
    const current = parseKey(env.TRIBUTARY_SECRET_KEY, 'TRIBUTARY_SECRET_KEY');
    const previous = (env.TRIBUTARY_SECRET_KEY_PREVIOUS ?? '')
      .split(',')
      .filter((s) => s.trim())
      .map((s, i) => parseKey(s, `TRIBUTARY_SECRET_KEY_PREVIOUS item ${i + 1}`));
    return { current, keys: [current, ...previous], source: 'env' };
  }
  if (dataDir === ':memory:') {
    const key = newKey();
    return { current: key, keys: [key], source: 'memory' };
  }
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    try {
      writeKeyFile(file, [newKey()], { replace: false });
    } catch (e) {
      // Another process created it first: use theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const keys = readKeyFile(file);
  return { current: keys[0], keys, source: 'file', file };
}
