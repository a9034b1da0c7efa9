/**
 * The `security` section of the YAML config file (`tributary serve --config FILE`, issue 4,
 * docs/security.md): whether security is on, the users (scrypt `password_hash`, or `password`
 * hashed at load for tests and first setup) with their roles, the roles in Elasticsearch's
 * role-descriptor shape, and the failed-login rate limit. Other top-level sections of the
 * file belong to other parts of Tributary and are ignored here.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { hashPassword, isPasswordHash } from './password.js';
import { builtinRoles, parseRoleDescriptor, type RoleDescriptor } from './roles.js';
import { parseTimeValue } from '../domain/shared/time-value.js';

export interface UserEntry {
  passwordHash: string;
  roles: string[];
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(file: string, msg: string): never {
  throw new Error(`${file}: security: ${msg}`);
}

/** Reads the YAML file and returns its security section (disabled when absent). */
export async function loadSecurityConfig(file: string, opts: { hashCost?: number } = {}): Promise<SecurityConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the config file: ${(e as Error).message}`);
  }
  if (doc !== null && doc !== undefined && !isObject(doc)) throw new Error(`${file}: the config file must hold a mapping`);
  return parseSecurityConfig(isObject(doc) ? doc.security : undefined, file, opts);
}

export async function parseSecurityConfig(raw: unknown, file = 'config', opts: { hashCost?: number } = {}): Promise<SecurityConfig> {
  const out: SecurityConfig = {
    enabled: false,
    users: new Map(),
    roles: new Map(Object.entries(builtinRoles)),
    rateLimit: { ...DEFAULT_RATE_LIMIT },
    passwordChecks: { ...DEFAULT_PASSWORD_CHECKS },
  };
  if (raw === undefined || raw === null) return out;
  if (!isObject(raw)) fail(file, 'expected a mapping');
  for (const key of Object.keys(raw)) {
    if (!['enabled', 'users', 'roles', 'login_rate_limit', 'password_checks'].includes(key)) fail(file, `unknown key [${key}]`);
  }
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') fail(file, '[enabled] must be true or false');
  out.enabled = raw.enabled === true;

  if (raw.roles !== undefined && raw.roles !== null) {
    if (!isObject(raw.roles)) fail(file, '[roles] must be a mapping of role name to role descriptor');
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
    if (!isObject(raw.users)) fail(file, '[users] must be a mapping of user name to {password_hash, roles}');
    for (const [name, entry] of Object.entries(raw.users)) {
      if (!USER_NAME.test(name)) fail(file, `invalid user name [${name}]`);
      out.users.set(name, await parseUser(file, name, entry, out.roles, opts.hashCost));
    }
  }

  if (raw.login_rate_limit !== undefined) {
    const r = raw.login_rate_limit;
    if (!isObject(r)) fail(file, '[login_rate_limit] must be a mapping {max_failures, window}');
    for (const key of Object.keys(r)) if (!['max_failures', 'window'].includes(key)) fail(file, `[login_rate_limit] unknown key [${key}]`);
    if (r.max_failures !== undefined) {
      if (!Number.isInteger(r.max_failures) || (r.max_failures as number) < 1) fail(file, '[login_rate_limit.max_failures] must be a positive integer');
      out.rateLimit.maxFailures = r.max_failures as number;
    }
    if (r.window !== undefined) {
      try {
        out.rateLimit.windowMs = parseTimeValue(String(r.window), 'security.login_rate_limit.window');
      } catch (e) {
        fail(file, (e as Error).message);
      }
    }
  }
  if (raw.password_checks !== undefined) {
    const r = raw.password_checks;
    if (!isObject(r)) fail(file, '[password_checks] must be a mapping {max_concurrent, max_queued}');
    for (const key of Object.keys(r)) if (!['max_concurrent', 'max_queued'].includes(key)) fail(file, `[password_checks] unknown key [${key}]`);
    if (r.max_concurrent !== undefined) {
      if (!Number.isInteger(r.max_concurrent) || (r.max_concurrent as number) < 1) fail(file, '[password_checks.max_concurrent] must be a positive integer');
      out.passwordChecks.maxConcurrent = r.max_concurrent as number;
    }
    if (r.max_queued !== undefined) {
      if (!Number.isInteger(r.max_queued) || (r.max_queued as number) < 0) fail(file, '[password_checks.max_queued] must be a non-negative integer');
      out.passwordChecks.maxQueued = r.max_queued as number;
    }
  }
  if (out.enabled && out.users.size === 0) fail(file, 'security is enabled but no user is declared under [users]');
  return out;
}

async function parseUser(file: string, name: string, entry: unknown, roles: Map<string, RoleDescriptor>, hashCost?: number): Promise<UserEntry> {
  if (!isObject(entry)) fail(file, `user [${name}]: expected {password_hash, roles}`);
  for (const key of Object.keys(entry)) {
    if (!['password_hash', 'password', 'roles'].includes(key)) fail(file, `user [${name}]: unknown key [${key}]`);
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
  return { passwordHash, roles: list as string[] };
}
