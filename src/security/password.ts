/**
 * Password hashing for the users of the config file (issue 4): scrypt from node:crypto, salted,
 * with its cost parameters in the hash so they can be raised later without breaking old
 * hashes. Format: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt b64>$<hash b64>`.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LEN = 32;
const DEFAULT = { ln: 15, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function options(ln: number, r: number, p: number): ScryptOptions {
  const N = 2 ** ln;
  return { N, r, p, maxmem: 256 * N * r * p };
}

/** Hashes a password with a fresh 16-byte salt. `ln` is exposed for tests (cheaper hashes). */
export async function hashPassword(password: string, cost: { ln?: number } = {}): Promise<string> {
  const { r, p } = DEFAULT;
  const ln = cost.ln ?? DEFAULT.ln;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, options(ln, r, p));
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface Parsed {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(hash: string): Parsed | null {
  const m = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return null;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || p < 1) return null;
  return { ln, r, p, salt: Buffer.from(m[4], 'base64'), key: Buffer.from(m[5], 'base64') };
}

/** True when `hash` is a hash this module can verify (config validation). */
export function isPasswordHash(hash: string): boolean {
  return parse(hash) !== null;
}

/** Constant-time verification; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const h = parse(hash);
  if (!h) return false;
  const key = await scrypt(password, h.salt, options(h.ln, h.r, h.p));
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/**
 * A hash to verify against when the user does not exist, with the cost of `like` (a real
 * user's hash), so an unknown user name costs the same time as a wrong password (no user
 * enumeration by timing).
 */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(like?: string): Promise<string> {
  const ln = (like && parse(like)?.ln) || DEFAULT.ln;
  let d = decoys.get(ln);
  if (!d) {
    d = hashPassword(randomBytes(16).toString('hex'), { ln });
    decoys.set(ln, d);
  }
  return d;
}
