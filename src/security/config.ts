/**
 * The `security` section of the YAML config file (`tributary serve --config FILE`, issue 4,
 * docs/security.md): whether security is on, the users (scrypt `password_hash`, or `password`
 * hashed at load for tests and first setup) with their roles, the roles in Elasticsearch's
 * role-descriptor shape, the failed-login rate limit and the password-check queue. The file
 * is read, and its other sections checked, by src/config/ (one load for the whole file).
 */
import { availableParallelism } from 'node:os';
import { hashPassword, isPasswordHash } from './password.js';
import { builtinRoles, parseRoleDescriptor, type RoleDescriptor } from './roles.js';
import { parseTimeValue } from '../domain/shared/time-value.js';
import { isPlainObject } from '../domain/shared/json.js';

export interface UserEntry {
  passwordHash: string;
  roles: string[];
  /** What `_authenticate` shows and templated role queries read (`{{_user.metadata.*}}`). */
  metadata?: Record<string, unknown>;
  full_name?: string;
  email?: string;
}

export interface RateLimitConfig {
  /** Failed logins allowed per user and client address within `windowMs`. */
  maxFailures: number;
  windowMs: number;
}

/** Bounds on concurrent password hashing (scrypt, 32 MiB and ~50-100 ms of CPU each). */
export interface PasswordCheckConfig {
  /** Checks running at once (Elasticsearch's `security-crypto` pool: half the processors). */
  maxConcurrent: number;
  /** Checks waiting for a slot; one more is refused with 429 `es_rejected_execution_exception`. */
  maxQueued: number;
}

export interface SecurityConfig {
  enabled: boolean;
  passwordChecks: PasswordCheckConfig;
  users: Map<string, UserEntry>;
  /** Config roles plus the built-in ones. */
  roles: Map<string, RoleDescriptor>;
  rateLimit: RateLimitConfig;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { maxFailures: 10, windowMs: 60_000 };
const CHECK_SLOTS = Math.max(1, Math.ceil(availableParallelism() / 2));
/**
 * Eight waiting checks per slot: at scrypt's ~0.1-0.5 s per check the last one waits a few
 * seconds at most, rather than half a minute behind a queue of 64.
 */
export const DEFAULT_PASSWORD_CHECKS: PasswordCheckConfig = { maxConcurrent: CHECK_SLOTS, maxQueued: 8 * CHECK_SLOTS };

const USER_NAME = /^[\p{L}\p{N}_\-.@+]{1,507}$/u;

function fail(file: string, msg: string): never {
  throw new Error(`${file}: security: ${msg}`);
}

/** The keys of the section and of its subsections (src/config/schema.ts assembles them). */
export const SECURITY_KEYS = ['enabled', 'users', 'roles', 'login_rate_limit', 'password_checks'] as const;
export const USER_KEYS = ['password_hash', 'password', 'roles', 'metadata', 'full_name', 'email'] as const;
export const RATE_LIMIT_KEYS = ['max_failures', 'window'] as const;
export const PASSWORD_CHECK_KEYS = ['max_concurrent', 'max_queued'] as const;

export async function parseSecurityConfig(raw: unknown, file = 'config', opts: { hashCost?: number } = {}): Promise<SecurityConfig> {
  const out: SecurityConfig = {
    enabled: false,
    users: new Map(),
    roles: new Map(Object.entries(builtinRoles)),
    rateLimit: { ...DEFAULT_RATE_LIMIT },
    passwordChecks: { ...DEFAULT_PASSWORD_CHECKS },
  };
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) fail(file, 'expected a mapping');
  for (const key of Object.keys(raw)) if (!(SECURITY_KEYS as readonly string[]).includes(key)) fail(file, `unknown key [${key}]`);
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') fail(file, '[enabled] must be true or false');
  out.enabled = raw.enabled === true;

  if (raw.roles !== undefined && raw.roles !== null) {
    if (!isPlainObject(raw.roles)) fail(file, '[roles] must be a mapping of role name to role descriptor');
    for (const [name, desc] of Object.entries(raw.roles)) {
      if (builtinRoles[name]) fail(file, `role [${name}] is a built-in role and cannot be redefined`);
      try {
        out.roles.set(name, parseRoleDescriptor(name, desc));
      } catch (e) {
        fail(file, (e as Error).message);
      }
    }
  }

  if (raw.users !== undefined && raw.users !== null) {
    if (!isPlainObject(raw.users)) fail(file, '[users] must be a mapping of user name to {password_hash, roles}');
    for (const [name, entry] of Object.entries(raw.users)) {
      if (!USER_NAME.test(name)) fail(file, `invalid user name [${name}]`);
      out.users.set(name, await parseUser(file, name, entry, out.roles, opts.hashCost));
    }
  }

  const rate = subsection(file, raw, 'login_rate_limit', RATE_LIMIT_KEYS);
  if (rate.max_failures !== undefined) out.rateLimit.maxFailures = wholeNumber(file, rate, 'login_rate_limit', 'max_failures', 1);
  if (rate.window !== undefined) {
    try {
      out.rateLimit.windowMs = parseTimeValue(String(rate.window), 'security.login_rate_limit.window');
    } catch (e) {
      fail(file, (e as Error).message);
    }
  }
  const checks = subsection(file, raw, 'password_checks', PASSWORD_CHECK_KEYS);
  if (checks.max_concurrent !== undefined) out.passwordChecks.maxConcurrent = wholeNumber(file, checks, 'password_checks', 'max_concurrent', 1);
  if (checks.max_queued !== undefined) out.passwordChecks.maxQueued = wholeNumber(file, checks, 'password_checks', 'max_queued', 0);
  if (out.enabled && out.users.size === 0) fail(file, 'security is enabled but no user is declared under [users]');
  return out;
}

/** `login_rate_limit` and `password_checks`: a mapping of known keys, or absent. */
function subsection(file: string, raw: Record<string, unknown>, name: string, keys: readonly string[]): Record<string, unknown> {
  const r = raw[name];
  if (r === undefined) return {};
  if (!isPlainObject(r)) fail(file, `[${name}] must be a mapping {${keys.join(', ')}}`);
  for (const key of Object.keys(r)) if (!keys.includes(key)) fail(file, `[${name}] unknown key [${key}]`);
  return r;
}

function wholeNumber(file: string, r: Record<string, unknown>, section: string, key: string, min: 0 | 1): number {
  const v = r[key];
  if (!Number.isInteger(v) || (v as number) < min) fail(file, `[${section}.${key}] must be a ${min ? 'positive' : 'non-negative'} integer`);
  return v as number;
}

async function parseUser(file: string, name: string, entry: unknown, roles: Map<string, RoleDescriptor>, hashCost?: number): Promise<UserEntry> {
  if (!isPlainObject(entry)) fail(file, `user [${name}]: expected {password_hash, roles}`);
  for (const key of Object.keys(entry)) {
    if (!(USER_KEYS as readonly string[]).includes(key)) fail(file, `user [${name}]: unknown key [${key}]`);
  }
  const { password_hash: hash, password } = entry;
  if (hash !== undefined && password !== undefined) fail(file, `user [${name}]: give either [password_hash] or [password], not both`);
  let passwordHash: string;
  if (hash !== undefined) {
    if (typeof hash !== 'string' || !isPasswordHash(hash)) {
      fail(file, `user [${name}]: [password_hash] is not a Tributary scrypt hash (create one with \`tributary users add\`)`);
    }
    passwordHash = hash;
  } else if (password !== undefined) {
    if (typeof password !== 'string' || password.length < 6) fail(file, `user [${name}]: [password] must be a string of at least 6 characters`);
    passwordHash = await hashPassword(password, { ln: hashCost });
  } else {
    fail(file, `user [${name}]: [password_hash] is required`);
  }
  const list = entry.roles ?? [];
  if (!Array.isArray(list) || list.some((r) => typeof r !== 'string')) fail(file, `user [${name}]: [roles] must be a list of role names`);
  for (const r of list as string[]) if (!roles.has(r)) fail(file, `user [${name}]: unknown role [${r}]`);
  const out: UserEntry = { passwordHash, roles: list as string[] };
  if (entry.metadata !== undefined) {
    if (!isPlainObject(entry.metadata) || JSON.stringify(entry.metadata).length > 64 * 1024) {
      fail(file, `user [${name}]: [metadata] must be a mapping (at most 64 KiB as JSON)`);
    }
    out.metadata = entry.metadata;
  }
  for (const k of ['full_name', 'email'] as const) {
    const v = entry[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 1024) fail(file, `user [${name}]: [${k}] must be a string`);
    out[k] = v;
  }
  return out;
}
