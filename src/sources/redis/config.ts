/**
 * Configuration of the `redis` source (docs/sources/redis.md): Elastic's field names and order
 * (host, port, username, password, database, ssl_enabled, mutual_tls_enabled, tls_certfile,
 * tls_keyfile) so existing configurations carry over, plus Tributary's `ssl_ca`, `page_size`,
 * `max_value_size` and the two timeouts; and the parsing of the values into typed settings,
 * every size, count and time bounded.
 */
import type { ConfigEntry, Configuration } from '../../domain/connector/document.js';
import { SourceConfigError, type ConfigValues } from '../source.js';
import { boolValue as bool, boundedString as bounded, configEntry, intRange, intValue as int, stringValue as str } from '../shared/config-values.js';

export const WILDCARD = '*';

export const REDIS_DEFAULTS = {
  port: 6379,
  /** SCAN's COUNT hint, Elastic's PAGE_SIZE. */
  pageSize: 1000,
  /** Bytes of a key's value read per document; beyond it the value is truncated. */
  maxValueSize: 1024 * 1024,
  connectTimeoutS: 10,
  readTimeoutS: 30,
} as const;

/** Server-side bounds: a configuration cannot make a sync hold or wait without limit. */
export const REDIS_LIMITS = {
  pageSize: 10_000,
  maxValueSize: 64 * 1024 * 1024,
  timeoutS: 600,
  databases: 1_000,
  /** Database numbers (Redis' `databases` setting is a 32-bit int; no real server has more). */
  databaseNumber: 1_000_000,
  nameChars: 1_024,
  passwordChars: 4_096,
  pemChars: 65_536,
} as const;

export interface RedisSettings {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Database numbers, or null for every database that holds keys (`*`). */
  databases: number[] | null;
  sslEnabled: boolean;
  mutualTls: boolean;
  sslCa: string;
  tlsCert: string;
  tlsKey: string;
  pageSize: number;
  maxValueSize: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

const entry = (e: ConfigEntry): ConfigEntry => configEntry(e, { display: 'text', type: 'str', required: true });

/** The configuration schema; keys and `order` 1–9 are Elastic's. */
export function redisConfigSchema(): Configuration {
  return {
    host: entry({ label: 'Host', order: 1 }),
    port: entry({ label: 'Port', display: 'numeric', type: 'int', order: 2, default_value: REDIS_DEFAULTS.port, validations: intRange(1, 65_535) }),
    username: entry({ label: 'Username', order: 3, required: false }),
    password: entry({ label: 'Password', order: 4, required: false, sensitive: true }),
    database: entry({
      label: 'Comma-separated list of databases', display: 'textarea', type: 'list', order: 5, default_value: WILDCARD,
      tooltip: 'Database numbers, or * for every database that holds keys. Databases are ignored when advanced sync rules are used.',
    }),
    ssl_enabled: entry({
      label: 'SSL/TLS Connection', display: 'toggle', type: 'bool', order: 6, required: false, default_value: false,
      tooltip: 'Connect with TLS (the server certificate is verified). The Redis server must accept TLS connections on this port.',
    }),
    mutual_tls_enabled: entry({
      label: 'Mutual SSL/TLS Connection', display: 'toggle', type: 'bool', order: 7, required: false, default_value: false,
      depends_on: [{ field: 'ssl_enabled', value: true }],
      tooltip: 'Also present a client certificate (tls-auth-clients on the server).',
    }),
    tls_certfile: entry({
      label: 'client certificate file for SSL/TLS', display: 'textarea', order: 8, required: false,
      depends_on: [{ field: 'mutual_tls_enabled', value: true }], tooltip: 'The client certificate, PEM text.',
    }),
    tls_keyfile: entry({
      label: 'client private key file for SSL/TLS', display: 'textarea', order: 9, required: false, sensitive: true,
      depends_on: [{ field: 'mutual_tls_enabled', value: true }], tooltip: 'The client private key, PEM text.',
    }),
    ssl_ca: entry({
      label: 'SSL certificate authority', display: 'textarea', order: 10, required: false,
      depends_on: [{ field: 'ssl_enabled', value: true }],
      tooltip: 'PEM certificate of the CA that signed the server certificate; empty to use the system CAs.',
    }),
    page_size: entry({
      label: 'Keys per SCAN page', display: 'numeric', type: 'int', order: 11, required: false, default_value: REDIS_DEFAULTS.pageSize,
      ui_restrictions: ['advanced'], validations: intRange(1, REDIS_LIMITS.pageSize),
      tooltip: 'The COUNT hint of SCAN: keys examined per round trip.',
    }),
    max_value_size: entry({
      label: 'Maximum value size (bytes)', display: 'numeric', type: 'int', order: 12, required: false, default_value: REDIS_DEFAULTS.maxValueSize,
      ui_restrictions: ['advanced'], validations: intRange(1024, REDIS_LIMITS.maxValueSize),
      tooltip: 'Bytes of a value read per key. A larger value is indexed truncated, and the job lists the key with the reason.',
    }),
    connect_timeout: entry({
      label: 'Connect timeout (seconds)', display: 'numeric', type: 'int', order: 13, required: false, default_value: REDIS_DEFAULTS.connectTimeoutS,
      ui_restrictions: ['advanced'], validations: intRange(1, REDIS_LIMITS.timeoutS),
    }),
    read_timeout: entry({
      label: 'Command timeout (seconds)', display: 'numeric', type: 'int', order: 14, required: false, default_value: REDIS_DEFAULTS.readTimeoutS,
      ui_restrictions: ['advanced'], validations: intRange(1, REDIS_LIMITS.timeoutS),
    }),
  };
}

/**
 * `database`: a list or a comma-separated string of database numbers; `*` (alone or anywhere)
 * means every database that holds keys. Elastic rejects names that are not non-negative
 * integers; so does this, naming them.
 */
export function parseDatabases(v: unknown): number[] | null {
  const items: string[] = [];
  const add = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(add);
    else if (typeof x === 'number') items.push(String(x));
    else if (typeof x === 'string') items.push(...x.split(',').map((s) => s.trim()).filter(Boolean));
    else if (x !== null && x !== undefined) items.push(JSON.stringify(x) ?? String(x));
  };
  add(v);
  if (items.length === 0 || items.includes(WILDCARD)) return null;
  const bad = items.filter((s) => !/^\d{1,7}$/.test(s) || Number(s) > REDIS_LIMITS.databaseNumber);
  if (bad.length) {
    const shown = bad.slice(0, 5).map((s) => (s.length > 20 ? `${s.slice(0, 20)}…` : s));
    throw new SourceConfigError(`Configuration field [database] must list database numbers (0, 1, …) or *; not: ${shown.join(', ')}.`);
  }
  const dbs = [...new Set(items.map(Number))];
  if (dbs.length > REDIS_LIMITS.databases) {
    throw new SourceConfigError(`Configuration field [database] lists ${dbs.length} databases; at most ${REDIS_LIMITS.databases} are allowed (use * for all).`);
  }
  return dbs;
}

/** Typed settings from configuration values; a SourceConfigError names the first bad field. */
export function readRedisSettings(c: ConfigValues): RedisSettings {
  const host = bounded('host', str(c.host), REDIS_LIMITS.nameChars);
  if (!host) throw new SourceConfigError('Configuration field [host] is required.');
  const sslEnabled = bool(c.ssl_enabled);
  const mutualTls = sslEnabled && bool(c.mutual_tls_enabled);
  const tlsCert = bounded('tls_certfile', str(c.tls_certfile), REDIS_LIMITS.pemChars);
  const tlsKey = bounded('tls_keyfile', str(c.tls_keyfile), REDIS_LIMITS.pemChars);
  if (mutualTls && (!tlsCert || !tlsKey)) {
    throw new SourceConfigError('Mutual TLS needs both [tls_certfile] (client certificate) and [tls_keyfile] (client private key), as PEM text.');
  }
  return {
    host,
    port: int(c, 'port', REDIS_DEFAULTS.port, 1, 65_535),
    username: bounded('username', str(c.username), REDIS_LIMITS.nameChars),
    // Not trimmed: a password may end in spaces.
    password: bounded('password', c.password === null || c.password === undefined ? '' : String(c.password), REDIS_LIMITS.passwordChars),
    databases: parseDatabases(c.database ?? WILDCARD),
    sslEnabled,
    mutualTls,
    sslCa: bounded('ssl_ca', str(c.ssl_ca), REDIS_LIMITS.pemChars),
    tlsCert,
    tlsKey,
    pageSize: int(c, 'page_size', REDIS_DEFAULTS.pageSize, 1, REDIS_LIMITS.pageSize),
    maxValueSize: int(c, 'max_value_size', REDIS_DEFAULTS.maxValueSize, 1024, REDIS_LIMITS.maxValueSize),
    connectTimeoutMs: int(c, 'connect_timeout', REDIS_DEFAULTS.connectTimeoutS, 1, REDIS_LIMITS.timeoutS) * 1000,
    readTimeoutMs: int(c, 'read_timeout', REDIS_DEFAULTS.readTimeoutS, 1, REDIS_LIMITS.timeoutS) * 1000,
  };
}
