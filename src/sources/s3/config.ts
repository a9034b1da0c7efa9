/**
 * Configuration of the `s3` source (docs/sources/s3.md): Elastic's field names (`buckets`,
 * `aws_access_key_id`, `aws_secret_access_key`, `read_timeout`, `connect_timeout`,
 * `max_attempts`, `page_size`, `use_text_extraction_service`) and Tributary's additions for
 * S3-compatible stores and bounds (`endpoint`, `region`, `force_path_style`,
 * `concurrent_downloads`, `max_file_size`). Errors name the field to fix.
 */
import type { Configuration } from '../../domain/connector/document.js';
import { bucketList } from '../shared/object-store-config.js';
import { configEntry, intValue } from '../shared/config-values.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

/** Elastic's default bound on what text is extracted from (bytes). */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Upper bound of `max_file_size`: a download is held in memory whole for extraction. */
export const MAX_FILE_SIZE_LIMIT = 64 * 1024 * 1024;
export { MAX_BODY_CHARS } from '../shared/object-store-content.js';

export interface S3Settings {
  /** Bucket names, or ['*'] for every bucket the credentials list. */
  buckets: string[];
  accessKeyId: string;
  secretAccessKey: string;
  readTimeoutMs: number;
  connectTimeoutMs: number;
  maxAttempts: number;
  pageSize: number;
  /** S3-compatible endpoint (MinIO, Ceph, a test server); null = AWS. */
  endpoint: URL | null;
  region: string;
  forcePathStyle: boolean;
  concurrentDownloads: number;
  maxFileSize: number;
}

export function s3ConfigSchema(): Configuration {
  return {
    buckets: configEntry({
      label: 'AWS Buckets', display: 'textarea', type: 'list', order: 1, required: true,
      tooltip: 'Comma-separated bucket names, or * for every bucket the credentials can list. Ignored when advanced sync rules are set.',
    }),
    aws_access_key_id: configEntry({ label: 'AWS Access Key Id', display: 'text', type: 'str', order: 2, required: true }),
    aws_secret_access_key: configEntry({ label: 'AWS Secret Key', display: 'text', type: 'str', order: 3, required: true, sensitive: true }),
    read_timeout: configEntry({
      label: 'Read timeout', display: 'numeric', type: 'int', order: 4, default_value: 90, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }], tooltip: 'Seconds a response may stay silent.',
    }),
    connect_timeout: configEntry({
      label: 'Connection timeout', display: 'numeric', type: 'int', order: 5, default_value: 90, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }], tooltip: 'Seconds to establish a connection.',
    }),
    max_attempts: configEntry({
      label: 'Maximum retry attempts', display: 'numeric', type: 'int', order: 6, default_value: 5, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }], tooltip: 'Attempts per request (the first included) on throttling and transient errors.',
    }),
    page_size: configEntry({
      label: 'Maximum size of page', display: 'numeric', type: 'int', order: 7, default_value: 100, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 1001 }], tooltip: 'Objects per listing request (1–1000).',
    }),
    use_text_extraction_service: configEntry({
      label: 'Use text extraction service', display: 'toggle', type: 'bool', order: 8, default_value: false, value: false, ui_restrictions: ['advanced'],
      tooltip: 'Accepted for compatibility with Elastic\'s connector; Tributary always extracts text in its own extraction threads.',
    }),
    endpoint: configEntry({
      label: 'Endpoint URL', display: 'text', type: 'str', order: 9, ui_restrictions: ['advanced'],
      tooltip: 'Tributary extension: URL of an S3-compatible store (MinIO, Ceph, …). Empty = Amazon S3.',
    }),
    region: configEntry({
      label: 'Region', display: 'text', type: 'str', order: 10, default_value: 'us-east-1', ui_restrictions: ['advanced'],
      tooltip: 'Tributary extension: region used to sign requests before a bucket\'s own region is known.',
    }),
    force_path_style: configEntry({
      label: 'Path-style addressing', display: 'toggle', type: 'bool', order: 11, default_value: false, value: false, ui_restrictions: ['advanced'],
      tooltip: 'Tributary extension: address buckets as <endpoint>/<bucket> (most S3-compatible stores need it). Always on when an endpoint is set.',
    }),
    concurrent_downloads: configEntry({
      label: 'Concurrent downloads', display: 'numeric', type: 'int', order: 12, default_value: 8, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 65 }], tooltip: 'Tributary extension: objects downloaded at once (1–64).',
    }),
    max_file_size: configEntry({
      label: 'Maximum file size for extraction (bytes)', display: 'numeric', type: 'int', order: 13, default_value: DEFAULT_MAX_FILE_SIZE, ui_restrictions: ['advanced'],
      validations: [{ type: 'greater_than', constraint: 0 }],
      tooltip: 'Larger objects are indexed with their metadata only and reported as per-document failures (at most 64 MiB).',
    }),
  };
}

function boolValue(v: unknown): boolean {
  return v === true || v === 'true';
}

function strValue(c: ConfigValues, field: string): string {
  const v = c[field];
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') throw new SourceConfigError(`Configuration field [${field}] must be a string`);
  return v.trim();
}

/** A bucket name as S3 allows it (3–63 characters; lower case, digits, dots, hyphens). */
export function bucketNameProblem(b: string): string | null {
  if (b.length < 3 || b.length > 63) return 'must have 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(b)) return 'may hold only lower-case letters, digits, dots and hyphens, and start and end with a letter or digit';
  return null;
}

export function readS3Settings(c: ConfigValues): S3Settings {
  const buckets = bucketList(c.buckets, bucketNameProblem);
  const accessKeyId = strValue(c, 'aws_access_key_id');
  const secretAccessKey = typeof c.aws_secret_access_key === 'string' ? c.aws_secret_access_key : '';
  if (!accessKeyId) throw new SourceConfigError('Configuration field [aws_access_key_id] is required: set the access key id of an IAM user or role');
  if (!secretAccessKey) throw new SourceConfigError('Configuration field [aws_secret_access_key] is required: set the secret of the access key');
  const rawEndpoint = strValue(c, 'endpoint');
  let endpoint: URL | null = null;
  if (rawEndpoint) {
    try {
      endpoint = new URL(rawEndpoint);
    } catch {
      throw new SourceConfigError(`Configuration field [endpoint] must be a URL such as https://minio.example.com:9000, got [${rawEndpoint.slice(0, 100)}]`);
    }
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new SourceConfigError('Configuration field [endpoint] must be an http:// or https:// URL');
    if (endpoint.username || endpoint.password) throw new SourceConfigError('Configuration field [endpoint] must not hold credentials: use [aws_access_key_id] and [aws_secret_access_key]');
  }
  const region = strValue(c, 'region') || 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) throw new SourceConfigError(`Configuration field [region] must be a region name such as eu-west-1, got [${region.slice(0, 50)}]`);
  return {
    buckets,
    accessKeyId,
    secretAccessKey,
    readTimeoutMs: intValue(c, 'read_timeout', 90, 1, 3600) * 1000,
    connectTimeoutMs: intValue(c, 'connect_timeout', 90, 1, 3600) * 1000,
    maxAttempts: intValue(c, 'max_attempts', 5, 1, 20),
    pageSize: intValue(c, 'page_size', 100, 1, 1000),
    endpoint,
    region,
    forcePathStyle: endpoint !== null || boolValue(c.force_path_style),
    concurrentDownloads: intValue(c, 'concurrent_downloads', 8, 1, 64),
    maxFileSize: intValue(c, 'max_file_size', DEFAULT_MAX_FILE_SIZE, 1, MAX_FILE_SIZE_LIMIT),
  };
}
