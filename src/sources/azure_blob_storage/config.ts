/**
 * Configuration of the `azure_blob_storage` source (docs/sources/azure_blob_storage.md):
 * Elastic's field names and defaults (`account_name`, `account_key`, `blob_endpoint`,
 * `containers`, `retry_count` 3, `concurrent_downloads` 100, `use_text_extraction_service`)
 * and Tributary's additions for bounds (`page_size`, `read_timeout`, `max_file_size`). Errors
 * name the field to fix; the account key is checked to be base64 here so a mangled key fails
 * before any request.
 */
import type { Configuration } from '../../domain/connector/document.js';
import { bucketList, httpUrl } from '../shared/object-store-config.js';
import { configEntry, intValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
/** Elastic's default and upper bound of `concurrent_downloads`. */
export const MAX_CONCURRENT_DOWNLOADS = 100;
/** Azure answers at most 5000 blobs per listing request. */
export const MAX_PAGE_SIZE = 5000;
/** An account key is 64 bytes (88 base64 characters); anything far longer is not one. */
const MAX_KEY_CHARS = 1024;

export interface AzureSettings {
  accountName: string;
  accountKey: string;
  /** The blob service URL: `https://<account>.blob.core.windows.net`, or an emulator's `http://host:10000/<account>`. */
  endpoint: URL;
  /** Container names, or ['*'] for every container of the account. */
  containers: string[];
  /** Retries after the first attempt (Elastic's `retry_count`). */
  retryCount: number;
  concurrentDownloads: number;
  pageSize: number;
  readTimeoutMs: number;
  maxFileSize: number;
}

export function azureConfigSchema(): Configuration {
  return {
    account_name: configEntry({ label: 'Azure Blob Storage account name', display: 'text', type: 'str', order: 1, required: true }),
    account_key: configEntry({ label: 'Azure Blob Storage account key', display: 'text', type: 'str', order: 2, required: true, sensitive: true }),
    blob_endpoint: configEntry({
      label: 'Azure Blob Storage blob endpoint', display: 'text', type: 'str', order: 3, required: true,
      tooltip: 'https://<account>.blob.core.windows.net, or an emulator\'s URL such as http://127.0.0.1:10000/devstoreaccount1.',
    }),
    containers: configEntry({
      label: 'Azure Blob Storage containers', display: 'textarea', type: 'list', order: 4, required: true,
      tooltip: 'Comma-separated container names, or * for every container of the account.',
    }),
    retry_count: configEntry({
      label: 'Retries per request', display: 'numeric', type: 'int', order: 5, default_value: 3, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: -1 }], tooltip: 'Retries on throttling (503 ServerBusy, 429) and transient errors, with backoff (0–20).',
    }),
    concurrent_downloads: configEntry({
      label: 'Maximum concurrent downloads', display: 'numeric', type: 'int', order: 6, default_value: MAX_CONCURRENT_DOWNLOADS, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: MAX_CONCURRENT_DOWNLOADS + 1 }],
    }),
    use_text_extraction_service: configEntry({
      label: 'Use text extraction service', display: 'toggle', type: 'bool', order: 7, default_value: false, value: false, ui_restrictions: ['advanced'],
      tooltip: 'Accepted for compatibility with Elastic\'s connector; Tributary always extracts text in its own extraction threads.',
    }),
    page_size: configEntry({
      label: 'Blobs per listing page', display: 'numeric', type: 'int', order: 8, default_value: 1000, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: MAX_PAGE_SIZE + 1 }],
      tooltip: 'Tributary extension: maxresults of a listing request (1–5000).',
    }),
    read_timeout: configEntry({
      label: 'Read timeout', display: 'numeric', type: 'int', order: 9, default_value: 90, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }], tooltip: 'Tributary extension: seconds one request may take to answer.',
    }),
    max_file_size: configEntry({
      label: 'Maximum file size for extraction (bytes)', display: 'numeric', type: 'int', order: 10, default_value: DEFAULT_MAX_FILE_SIZE, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }],
      tooltip: 'Tributary extension: larger blobs are indexed with their metadata only and reported as per-document failures (at most 64 MiB).',
    }),
  };
}

/** A container name as Azure allows it (3–63 lower-case letters, digits and single hyphens), or `$root`, `$web`, `$logs`. */
export function containerNameProblem(c: string): string | null {
  if (c === '$root' || c === '$web' || c === '$logs') return null;
  if (c.length < 3 || c.length > 63) return 'must have 3 to 63 characters';
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$/.test(c)) return 'may hold only lower-case letters, digits and single hyphens, and start and end with a letter or digit';
  return null;
}

function str(c: ConfigValues, field: string): string {
  const v = c[field];
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') throw new SourceConfigError(`Configuration field [${field}] must be a string`);
  return v.trim();
}

export function readAzureSettings(c: ConfigValues): AzureSettings {
  const accountName = str(c, 'account_name');
  if (!accountName) throw new SourceConfigError('Configuration field [account_name] is required: set the storage account name');
  if (!/^[a-z0-9]{3,24}$/.test(accountName)) throw new SourceConfigError(`Configuration field [account_name] must be 3 to 24 lower-case letters and digits, got [${accountName.slice(0, 40)}]`);
  const accountKey = str(c, 'account_key');
  if (!accountKey) throw new SourceConfigError('Configuration field [account_key] is required: set one of the storage account\'s access keys');
  if (accountKey.length > MAX_KEY_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(accountKey) || accountKey.length % 4 !== 0) {
    throw new SourceConfigError('Configuration field [account_key] is not a storage account key (base64): copy key1 or key2 from the account\'s "Access keys" page');
  }
  const rawEndpoint = str(c, 'blob_endpoint');
  const endpoint = httpUrl(rawEndpoint || `https://${accountName}.blob.core.windows.net`, 'blob_endpoint');
  if (endpoint.search || endpoint.hash) throw new SourceConfigError('Configuration field [blob_endpoint] must not hold a query (a SAS token) or fragment: use [account_key]');
  return {
    accountName,
    accountKey,
    endpoint,
    containers: bucketList(c.containers, containerNameProblem, { field: 'containers', noun: 'container' }),
    retryCount: intValue(c, 'retry_count', 3, 0, 20),
    concurrentDownloads: intValue(c, 'concurrent_downloads', MAX_CONCURRENT_DOWNLOADS, 1, MAX_CONCURRENT_DOWNLOADS),
    pageSize: intValue(c, 'page_size', 1000, 1, MAX_PAGE_SIZE),
    readTimeoutMs: intValue(c, 'read_timeout', 90, 1, 3600) * 1000,
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, MAX_FILE_SIZE_LIMIT),
  };
}
