/**
 * The `content` section of the configuration file for an external cluster (issue 8), and the
 * environment variables that complete or override it (secrets belong in the environment):
 *
 *   content:
 *     target: elasticsearch            # or opensearch (embedded needs none of the below)
 *     url: https://es1:9200            # or urls: [https://es1:9200, https://es2:9200]
 *     api_key: <encoded API key>       # Elasticsearch only; or username + password
 *     username: tributary
 *     password: …
 *     ca_file: /etc/tributary/ca.pem   # PEM of the CA that signed the cluster's certificate
 *     verify_certs: true
 *     compatible_with: 9               # Elasticsearch only: 8 for an 8.x cluster
 *     request_timeout_seconds: 60
 *     bulk:  { max_docs: 1000, max_bytes: 5mb, max_in_flight: 2 }
 *     retry: { budget_seconds: 300, initial_delay_ms: 500, max_delay_ms: 30000 }
 *
 *   TRIBUTARY_CONTENT_URL (comma-separated), TRIBUTARY_CONTENT_API_KEY,
 *   TRIBUTARY_CONTENT_USERNAME, TRIBUTARY_CONTENT_PASSWORD, TRIBUTARY_CONTENT_CA_FILE
 */
import { readFileSync } from 'node:fs';
import type { BulkLimits } from './batch.js';
import type { RetryPolicy } from './retry.js';

export type ClusterTarget = 'elasticsearch' | 'opensearch';

export interface ClusterConfig {
  target: ClusterTarget;
  urls: string[];
  auth?: { apiKey: string } | { username: string; password: string };
  caFile?: string;
  verifyCerts: boolean;
  /** Elasticsearch REST compatibility version sent in the vendored media types. */
  compatibleWith: 8 | 9;
  requestTimeoutMs: number;
  bulk: Partial<BulkLimits>;
  retry: Partial<RetryPolicy>;
}

export const CONTENT_ENV = {
  url: 'TRIBUTARY_CONTENT_URL',
  apiKey: 'TRIBUTARY_CONTENT_API_KEY',
  username: 'TRIBUTARY_CONTENT_USERNAME',
  password: 'TRIBUTARY_CONTENT_PASSWORD',
  caFile: 'TRIBUTARY_CONTENT_CA_FILE',
} as const;

/** The keys of `content` for a cluster target, and of its subsections (src/config/schema.ts). */
export const CLUSTER_KEYS = [
  'target', 'url', 'urls', 'api_key', 'username', 'password', 'ca_file', 'verify_certs', 'compatible_with',
  'request_timeout_seconds', 'bulk', 'retry',
] as const;
const KEYS = new Set<string>(CLUSTER_KEYS);

const BULK: Record<string, Parser> = {
  max_docs: (v, k) => ({ maxDocs: positiveInt(v, k) }),
  max_bytes: (v, k) => ({ maxBytes: byteSize(v, k) }),
  max_in_flight: (v, k) => ({ maxInFlight: positiveInt(v, k) }),
};
const RETRY: Record<string, Parser> = {
  budget_seconds: (v, k) => ({ budgetMs: nonNegative(v, k) * 1000 }),
  initial_delay_ms: (v, k) => ({ initialDelayMs: positiveInt(v, k) }),
  max_delay_ms: (v, k) => ({ maxDelayMs: positiveInt(v, k) }),
};
export const BULK_KEYS: readonly string[] = Object.keys(BULK);
export const RETRY_KEYS: readonly string[] = Object.keys(RETRY);

type Env = Record<string, string | undefined>;

export function parseClusterConfig(target: ClusterTarget, raw: Record<string, unknown>, file = 'config', env: Env = process.env): ClusterConfig {
  const where = (k: string) => `${file}: content.${k}`;
  for (const k of Object.keys(raw)) {
    if (!KEYS.has(k)) throw new Error(`${where(k)}: unknown key; expected one of ${[...KEYS].join(', ')}`);
  }
  const str = (k: string, envName?: string): string | undefined => {
    const fromEnv = envName ? env[envName] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v === '') throw new Error(`${where(k)}: expected a non-empty string`);
    return v;
  };

  let urls: string[];
  const envUrl = env[CONTENT_ENV.url];
  if (envUrl) urls = envUrl.split(',').map((u) => u.trim()).filter(Boolean);
  else if (raw.url !== undefined && raw.urls !== undefined) throw new Error(`${where('url')}: give url or urls, not both`);
  else if (Array.isArray(raw.urls)) urls = raw.urls.map((u) => String(u));
  else if (raw.urls !== undefined) throw new Error(`${where('urls')}: expected a list of URLs`);
  else urls = raw.url === undefined ? [] : [String(raw.url)];
  if (urls.length === 0) {
    throw new Error(`${where('url')} is required for content.target: ${target} (e.g. https://localhost:9200), or set ${CONTENT_ENV.url}`);
  }
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new Error(`${where('url')}: [${u}] is not a URL (e.g. https://localhost:9200)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${where('url')}: [${u}] must be http:// or https://`);
  }

  const apiKey = str('api_key', CONTENT_ENV.apiKey);
  const username = str('username', CONTENT_ENV.username);
  const password = str('password', CONTENT_ENV.password);
  let auth: ClusterConfig['auth'];
  if (apiKey !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new Error(`${where('api_key')}: give an API key or a username and password, not both (file or ${CONTENT_ENV.apiKey} / ${CONTENT_ENV.username})`);
    }
    if (target === 'opensearch') {
      throw new Error(`${where('api_key')}: OpenSearch has no API keys; use content.username and content.password`);
    }
    auth = { apiKey };
  } else if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined) {
      throw new Error(`${where(username === undefined ? 'username' : 'password')} is missing: basic authentication needs both username and password`);
    }
    auth = { username, password };
  }

  const caFile = str('ca_file', CONTENT_ENV.caFile);
  const verifyCerts = raw.verify_certs ?? true;
  if (typeof verifyCerts !== 'boolean') throw new Error(`${where('verify_certs')}: expected true or false`);
  const compat = raw.compatible_with ?? 9;
  if (compat !== 8 && compat !== 9) throw new Error(`${where('compatible_with')}: expected 8 or 9`);
  if (raw.compatible_with !== undefined && target === 'opensearch') {
    throw new Error(`${where('compatible_with')}: applies to Elasticsearch only`);
  }

  const bulk = section(raw.bulk, 'bulk', file, BULK) as Partial<BulkLimits>;
  const retry = section(raw.retry, 'retry', file, RETRY) as Partial<RetryPolicy>;
  const timeout = raw.request_timeout_seconds === undefined ? 60 : nonNegative(raw.request_timeout_seconds, where('request_timeout_seconds'));

  return {
    target, urls, ...(auth ? { auth } : {}), ...(caFile ? { caFile } : {}),
    verifyCerts, compatibleWith: compat, requestTimeoutMs: timeout * 1000, bulk, retry,
  };
}

/** The CA certificate, read when the sink opens (a missing file names the setting). */
export function readCa(cfg: ClusterConfig): Buffer | undefined {
  if (!cfg.caFile) return undefined;
  try {
    return readFileSync(cfg.caFile);
  } catch (err) {
    throw new Error(`content.ca_file: cannot read [${cfg.caFile}]: ${(err as Error).message}`);
  }
}

type Parser = (v: unknown, key: string) => Record<string, number>;

function section(raw: unknown, name: string, file: string, parsers: Record<string, Parser>): Record<string, number> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: content.${name}: expected a mapping`);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const p = parsers[k];
    if (!p) throw new Error(`${file}: content.${name}.${k}: unknown key; expected one of ${Object.keys(parsers).join(', ')}`);
    Object.assign(out, p(v, `${file}: content.${name}.${k}`));
  }
  return out;
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${where}: expected a whole number of at least 1`);
  return v;
}

function nonNegative(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}: expected a number of at least 0`);
  return v;
}

/** 5242880, "5mb", "512kb", "5 MiB". */
export function byteSize(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(v) : null;
  if (!m) throw new Error(`${where}: expected a size such as 5242880, 512kb or 5mb`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  const n = Math.floor(Number(m[1]) * mult);
  if (n < 1) throw new Error(`${where}: must be at least 1 byte`);
  return n;
}
