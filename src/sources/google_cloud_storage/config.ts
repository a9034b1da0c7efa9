/**
 * Configuration of the `google_cloud_storage` source (docs/sources/google_cloud_storage.md):
 * Elastic's field names (`buckets`, `service_account_credentials`, `retry_count`,
 * `use_text_extraction_service`) and Tributary's additions (`endpoint`, `page_size`,
 * `read_timeout`, `concurrent_downloads`, `max_file_size`). Errors name the field to fix;
 * the service-account key is checked here (JSON, `client_email`, an RSA `private_key`, a URL
 * `token_uri`) so a broken key fails before any request.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Configuration } from '../../domain/connector/document.js';
import { bucketList } from '../shared/object-store-config.js';
import { configEntry, intValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

export const DEFAULT_ENDPOINT = 'https://storage.googleapis.com';
export const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
export { MAX_BODY_CHARS } from '../shared/object-store-content.js';
/** A service-account key file is about 2.3 kB; anything far larger is not one. */
export const MAX_KEY_CHARS = 64 * 1024;

export interface ServiceAccount {
  clientEmail: string;
  privateKey: KeyObject;
  privateKeyId: string | null;
  tokenUri: URL;
  projectId: string | null;
}

export interface GcsSettings {
  /** Bucket names, or ['*'] for every bucket of the key's project. */
  buckets: string[];
  account: ServiceAccount;
  /** Retries after the first attempt (Elastic's `retry_count`). */
  retryCount: number;
  endpoint: URL;
  pageSize: number;
  readTimeoutMs: number;
  concurrentDownloads: number;
  maxFileSize: number;
}

export function gcsConfigSchema(): Configuration {
  return {
    buckets: configEntry({
      label: 'Google Cloud Storage buckets', display: 'textarea', type: 'list', order: 1, required: true,
      tooltip: 'Comma-separated bucket names, or * for every bucket of the service account\'s project.',
    }),
    service_account_credentials: configEntry({
      label: 'Google Cloud service account JSON', display: 'textarea', type: 'str', order: 2, required: true, sensitive: true,
      tooltip: 'The JSON key file of a service account with roles/storage.objectViewer.',
    }),
    retry_count: configEntry({
      label: 'Maximum retries for failed requests', display: 'numeric', type: 'int', order: 4, default_value: 3, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: -1 }], tooltip: 'Retries on throttling (429) and server errors (5xx), with backoff.',
    }),
    use_text_extraction_service: configEntry({
      label: 'Use text extraction service', display: 'toggle', type: 'bool', order: 3, default_value: false, value: false, ui_restrictions: ['advanced'],
      tooltip: 'Accepted for compatibility with Elastic\'s connector; Tributary always extracts text in its own extraction threads.',
    }),
    endpoint: configEntry({
      label: 'API endpoint', display: 'text', type: 'str', order: 5, default_value: DEFAULT_ENDPOINT, ui_restrictions: ['advanced'],
      tooltip: 'Tributary extension: root URL of the Cloud Storage JSON API (a private endpoint, an emulator). Empty = https://storage.googleapis.com.',
    }),
    page_size: configEntry({
      label: 'Objects per listing page', display: 'numeric', type: 'int', order: 6, default_value: 1000, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 1001 }], tooltip: 'Tributary extension: maxResults of a listing request (1–1000).',
    }),
    read_timeout: configEntry({
      label: 'Read timeout', display: 'numeric', type: 'int', order: 7, default_value: 90, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }], tooltip: 'Tributary extension: seconds a response may stay silent.',
    }),
    concurrent_downloads: configEntry({
      label: 'Concurrent downloads', display: 'numeric', type: 'int', order: 8, default_value: 8, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 65 }], tooltip: 'Tributary extension: objects downloaded at once (1–64).',
    }),
    max_file_size: configEntry({
      label: 'Maximum file size for extraction (bytes)', display: 'numeric', type: 'int', order: 9, default_value: DEFAULT_MAX_FILE_SIZE, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }],
      tooltip: 'Tributary extension: larger objects are indexed with their metadata only and reported as per-document failures (at most 64 MiB).',
    }),
  };
}

/** A bucket name as Cloud Storage allows it (3–63 characters, or up to 222 with dots). */
export function bucketNameProblem(b: string): string | null {
  if (b.length < 3 || b.length > 222) return 'must have 3 to 222 characters';
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(b)) return 'may hold only lower-case letters, digits, dots, hyphens and underscores, and start and end with a letter or digit';
  return null;
}

function httpUrl(raw: string, field: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SourceConfigError(`Configuration field [${field}] must be a URL, got [${raw.slice(0, 100)}]`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SourceConfigError(`Configuration field [${field}] must be an http:// or https:// URL`);
  if (u.username || u.password) throw new SourceConfigError(`Configuration field [${field}] must not hold credentials`);
  return u;
}

const KEY_FIELD = 'service_account_credentials';

/** The service-account key (Google's JSON key file format). */
export function readServiceAccount(v: unknown): ServiceAccount {
  if (typeof v !== 'string' && (v === null || typeof v !== 'object')) {
    throw new SourceConfigError(`Configuration field [${KEY_FIELD}] is required: paste the JSON key file of a service account`);
  }
  let key: Record<string, unknown>;
  if (typeof v === 'string') {
    if (v.trim() === '') throw new SourceConfigError(`Configuration field [${KEY_FIELD}] is required: paste the JSON key file of a service account`);
    if (v.length > MAX_KEY_CHARS) throw new SourceConfigError(`Configuration field [${KEY_FIELD}] is over ${MAX_KEY_CHARS} characters: it is not a service-account key file`);
    try {
      key = JSON.parse(v) as Record<string, unknown>;
    } catch {
      throw new SourceConfigError(`Configuration field [${KEY_FIELD}] is not valid JSON: paste the whole key file downloaded from the Google Cloud console`);
    }
    if (key === null || typeof key !== 'object' || Array.isArray(key)) throw new SourceConfigError(`Configuration field [${KEY_FIELD}] must be a JSON object (the key file)`);
  } else key = v as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account') {
    throw new SourceConfigError(`Configuration field [${KEY_FIELD}] holds a key of type [${String(key.type).slice(0, 40)}]: a service_account key is needed`);
  }
  const email = typeof key.client_email === 'string' ? key.client_email.trim() : '';
  if (!email || email.length > 320) throw new SourceConfigError(`Configuration field [${KEY_FIELD}] has no [client_email]: use the key file of a service account`);
  if (typeof key.private_key !== 'string' || key.private_key.trim() === '') throw new SourceConfigError(`Configuration field [${KEY_FIELD}] has no [private_key]`);
  let privateKey: KeyObject;
  try {
    // A key pasted through a one-line input may have lost its line breaks as "\n" text.
    privateKey = createPrivateKey(key.private_key.includes('\n') ? key.private_key : key.private_key.replace(/\\n/g, '\n'));
  } catch {
    throw new SourceConfigError(`Configuration field [${KEY_FIELD}]: [private_key] is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new SourceConfigError(`Configuration field [${KEY_FIELD}]: [private_key] must be an RSA key`);
  const tokenUri = httpUrl(typeof key.token_uri === 'string' && key.token_uri.trim() ? key.token_uri.trim() : DEFAULT_TOKEN_URI, `${KEY_FIELD}.token_uri`);
  const projectId = typeof key.project_id === 'string' && key.project_id.trim() ? key.project_id.trim() : null;
  return { clientEmail: email, privateKey, privateKeyId: typeof key.private_key_id === 'string' ? key.private_key_id : null, tokenUri, projectId };
}

export function readGcsSettings(c: ConfigValues): GcsSettings {
  const buckets = bucketList(c.buckets, bucketNameProblem);
  const account = readServiceAccount(c[KEY_FIELD]);
  if (buckets[0] === '*' && !account.projectId) {
    throw new SourceConfigError(`Configuration field [buckets] is *, but [${KEY_FIELD}] has no [project_id] whose buckets to list: name the buckets`);
  }
  const rawEndpoint = typeof c.endpoint === 'string' ? c.endpoint.trim() : '';
  const endpoint = httpUrl(rawEndpoint || DEFAULT_ENDPOINT, 'endpoint');
  return {
    buckets,
    account,
    retryCount: intValue(c, 'retry_count', 3, 0, 20),
    endpoint,
    pageSize: intValue(c, 'page_size', 1000, 1, 1000),
    readTimeoutMs: intValue(c, 'read_timeout', 90, 1, 3600) * 1000,
    concurrentDownloads: intValue(c, 'concurrent_downloads', 8, 1, 64),
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, MAX_FILE_SIZE_LIMIT),
  };
}
