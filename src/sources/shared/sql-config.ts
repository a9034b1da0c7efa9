/**
 * Configuration of the database sources (issue 7): the schema registered on connectors, in
 * Elasticsearch's configuration-entry format with Elastic's field names (host, port,
 * username / user, password, database, schema, tables, fetch_size, retry_count, ssl_enabled,
 * ssl_ca) so existing configurations carry over, plus Tributary's `timestamp_column` and
 * `binary_handling`; and the parsing of the values into typed settings.
 */
import type { ConfigEntry, Configuration } from '../../domain/connector/document.js';
import { SourceConfigError, type ConfigValues } from '../source.js';
import { boolValue as bool, boundedString as bounded, configEntry, intValue as int, stringValue as str } from './config-values.js';

export const DEFAULT_FETCH_SIZE = 1000;
export const DEFAULT_RETRY_COUNT = 3;
export const DEFAULT_RETRY_INTERVAL_MS = 1000;
export const WILDCARD = '*';

/**
 * Server-side bounds of every size and count setting (docs/sources/postgresql.md "Limits"): a
 * connector manager's configuration cannot make a sync hold unbounded rows, retry for ever or
 * list unbounded tables.
 */
export const SQL_LIMITS = {
  fetchSize: 10_000,
  retryCount: 10,
  retryIntervalMs: 60_000,
  tables: 1_000,
  /** Characters of a name setting (host, user, database, schema, table, column). */
  nameChars: 1_024,
  passwordChars: 4_096,
  sslCaChars: 65_536,
} as const;

export interface SqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** PostgreSQL schema; for MySQL the database. */
  schema: string;
  /** Table names, or ['*'] for every readable table. */
  tables: string[];
  fetchSize: number;
  retryCount: number;
  /** First retry delay (not in the schema; tests lower it). */
  retryIntervalMs: number;
  sslEnabled: boolean;
  sslCa: string;
  timestampColumn: string | null;
  binary: 'base64' | 'skip';
}

export interface SqlSchemaOptions {
  /** Elastic's key for the user name: `username` (PostgreSQL) or `user` (MySQL). */
  userKey: 'username' | 'user';
  defaultPort: number;
  /** PostgreSQL only: adds the `schema` entry. */
  withSchema: boolean;
}

const entry = (e: ConfigEntry): ConfigEntry => configEntry(e, { required: true });

/** The configuration schema; `order` follows Elastic's connectors. */
export function sqlConfigSchema(o: SqlSchemaOptions): Configuration {
  let order = 0;
  const next = () => ++order;
  const s: Configuration = {
    host: entry({ label: 'Host', display: 'text', type: 'str', order: next() }),
    port: entry({
      label: 'Port', display: 'numeric', type: 'int', order: next(), default_value: o.defaultPort,
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 65536 }],
    }),
    [o.userKey]: entry({ label: 'Username', display: 'text', type: 'str', order: next() }),
    password: entry({ label: 'Password', display: 'text', type: 'str', order: next(), sensitive: true, required: false }),
    database: entry({ label: 'Database', display: 'text', type: 'str', order: next() }),
  };
  if (o.withSchema) {
    s.schema = entry({ label: 'Schema', display: 'text', type: 'str', order: next(), default_value: 'public' });
  }
  s.tables = entry({
    label: 'Comma-separated list of tables', display: 'textarea', type: 'list', order: next(), default_value: WILDCARD,
    tooltip: `Use * for every table the user can read (at most ${SQL_LIMITS.tables} names). Ignored when advanced sync rules (custom queries) are active.`,
  });
  s.fetch_size = entry({
    label: 'Rows fetched per request', display: 'numeric', type: 'int', order: next(), required: false,
    default_value: DEFAULT_FETCH_SIZE, ui_restrictions: ['advanced'],
    validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: SQL_LIMITS.fetchSize + 1 }],
  });
  s.retry_count = entry({
    label: 'Retries per request', display: 'numeric', type: 'int', order: next(), required: false,
    default_value: DEFAULT_RETRY_COUNT, ui_restrictions: ['advanced'],
    validations: [{ type: 'greater_than', constraint: -1 }, { type: 'less_than', constraint: SQL_LIMITS.retryCount + 1 }],
  });
  s.ssl_enabled = entry({
    label: o.withSchema ? 'Enable SSL verification' : 'Enable SSL', display: 'toggle', type: 'bool', order: next(),
    required: false, default_value: false,
  });
  s.ssl_ca = entry({
    label: 'SSL certificate', display: 'textarea', type: 'str', order: next(), required: false,
    depends_on: [{ field: 'ssl_enabled', value: true }],
    tooltip: 'PEM certificate of the CA that signed the server certificate; empty to use the system CAs.',
  });
  s.timestamp_column = entry({
    label: 'Last-update column', display: 'text', type: 'str', order: next(), required: false,
    tooltip: 'Column holding each row\'s last update time (e.g. updated_at). Sets _timestamp and enables incremental syncs, which fetch rows whose value grew since the last sync.',
  });
  s.binary_handling = entry({
    label: 'Binary columns', display: 'dropdown', type: 'str', order: next(), required: false, default_value: 'base64',
    options: [{ label: 'Index as base64', value: 'base64' }, { label: 'Skip', value: 'skip' }],
    ui_restrictions: ['advanced'],
  });
  return s;
}

/**
 * Splits a `tables` value: a list, or a comma-separated string in which names may be quoted
 * with "…" or `…` (to hold commas). Empty → []. "*" anywhere → ['*'].
 */
export function parseTables(v: unknown): string[] {
  const items: string[] = [];
  if (Array.isArray(v)) {
    for (const x of v) items.push(...parseTables(x));
  } else if (typeof v === 'string') {
    const re = /\s*(?:"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([^,]*))\s*(?:,|$)/gy;
    let m: RegExpExecArray | null;
    while (re.lastIndex < v.length && (m = re.exec(v))) {
      const name = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2] !== undefined ? m[2].replace(/``/g, '`') : m[3].trim();
      if (name) items.push(name);
      if (m[0] === '') break;
    }
  }
  return items.includes(WILDCARD) ? [WILDCARD] : [...new Set(items)];
}

/** Typed settings from configuration values; a SourceConfigError names the first bad field. */
export function readSqlSettings(c: ConfigValues, o: SqlSchemaOptions): SqlSettings {
  const otherKey = o.userKey === 'user' ? 'username' : 'user';
  const required = (key: string, v: string) => {
    if (!v) throw new SourceConfigError(`Configuration field [${key}] is required.`);
    return v;
  };
  const binary = str(c.binary_handling) || 'base64';
  if (binary !== 'base64' && binary !== 'skip') {
    throw new SourceConfigError(`Configuration field [binary_handling] must be "base64" or "skip"; got ${JSON.stringify(binary)}.`);
  }
  const name = (key: string, v: unknown) => bounded(key, str(v), SQL_LIMITS.nameChars);
  const database = required('database', name('database', c.database));
  const tables = parseTables(c.tables ?? WILDCARD);
  if (tables.length > SQL_LIMITS.tables) {
    throw new SourceConfigError(`Configuration field [tables] lists ${tables.length} tables; at most ${SQL_LIMITS.tables} are allowed (use * for every table).`);
  }
  for (const t of tables) bounded('tables', t, SQL_LIMITS.nameChars);
  return {
    host: required('host', name('host', c.host)),
    port: int(c, 'port', o.defaultPort, 1, 65_535),
    // Accept the other engine's key too, so a configuration copied across still works.
    user: required(o.userKey, name(o.userKey, c[o.userKey]) || name(otherKey, c[otherKey])),
    password: bounded('password', str(c.password), SQL_LIMITS.passwordChars),
    database,
    schema: o.withSchema ? name('schema', c.schema) || 'public' : database,
    tables: tables.length ? tables : [WILDCARD],
    fetchSize: int(c, 'fetch_size', DEFAULT_FETCH_SIZE, 1, SQL_LIMITS.fetchSize),
    retryCount: int(c, 'retry_count', DEFAULT_RETRY_COUNT, 0, SQL_LIMITS.retryCount),
    retryIntervalMs: int(c, 'retry_interval_ms', DEFAULT_RETRY_INTERVAL_MS, 0, SQL_LIMITS.retryIntervalMs),
    sslEnabled: bool(c.ssl_enabled),
    sslCa: bounded('ssl_ca', str(c.ssl_ca), SQL_LIMITS.sslCaChars),
    timestampColumn: name('timestamp_column', c.timestamp_column) || null,
    binary,
  };
}

/**
 * A PEM certificate as pasted in a single-line text field (newlines lost) back in PEM shape.
 */
export function normalizePem(pem: string): string {
  const s = pem.trim();
  if (s.includes('\n')) return s;
  return s.replace(/(-----BEGIN [A-Z ]+-----)\s*([\s\S]*?)\s*(-----END [A-Z ]+-----)/g, (_m, begin: string, body: string, end: string) =>
    `${begin}\n${body.replace(/\s+/g, '\n')}\n${end}`);
}
