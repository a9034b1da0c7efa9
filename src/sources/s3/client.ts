/**
 * All I/O of the `s3` source (AWS SDK v3): bucket listing and regions, object listings page
 * by page (ListObjectsV2, continuation tokens, `page_size` keys a page), and downloads cut at
 * a byte limit. Every request:
 *
 * - goes to an address the operator's egress allow-list admits (the agents' `lookup` checks
 *   each host name with `resolveAllowed` and connects to the address it returns);
 * - carries the sync's abort signal (a cancelled job aborts requests in flight);
 * - is retried here, not by the SDK, on throttling and transient errors (503 SlowDown, 500,
 *   502, 504, 429, time-outs, dropped connections) with backoff, `max_attempts` in all;
 * - fails otherwise with a SourceError that says what to fix (credentials, bucket, permission).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import {
  GetBucketLocationCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { withRetry, type Transient } from '../../domain/shared/retry.js';
import { SourceError } from '../source.js';
import { resolveAllowed } from '../shared/egress.js';
import { readCapped } from '../shared/object-store-content.js';
import type { S3Settings } from './config.js';

export interface S3Object {
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
  storageClass: string | null;
  owner: string | null;
}

export interface Download {
  bytes: Buffer;
  serverSideEncryption: string | null;
  contentType: string | null;
}

const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'TooManyRequestsException', 'TimeoutError', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'AuthorizationHeaderMalformed', 'InvalidClientTokenId']);

interface AwsError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
}

function status(err: unknown): number | undefined {
  return (err as AwsError)?.$metadata?.httpStatusCode;
}

function errName(err: unknown): string {
  const e = err as AwsError;
  return e?.Code ?? e?.name ?? e?.code ?? '';
}

/** Whether another attempt may succeed; a `Retry-After` the server sent is honoured. */
export function transient(err: unknown): Transient | null {
  if (err instanceof SourceError) return null;
  const s = status(err);
  const name = errName(err);
  const code = (err as AwsError)?.code ?? '';
  if (THROTTLE_CODES.has(name) || NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) return {};
  if (s === 429 || s === 500 || s === 502 || s === 503 || s === 504) {
    const after = Number((err as AwsError).$response?.headers?.['retry-after']);
    return Number.isFinite(after) && after >= 0 && after <= 120 ? { retryAfterMs: after * 1000 } : {};
  }
  return null;
}

/** The S3 error turned into what the user should do. */
export function explain(err: unknown, what: string, where: string): SourceError {
  if (err instanceof SourceError) return err;
  const name = errName(err);
  const s = status(err);
  const msg = (err as AwsError)?.message ?? String(err);
  if (CREDENTIAL_CODES.has(name)) {
    return new SourceError(`${where} rejected the credentials (${name}) while ${what}: check [aws_access_key_id] and [aws_secret_access_key]`, { cause: err });
  }
  if (name === 'NoSuchBucket') {
    return new SourceError(`${where}: bucket not found while ${what}: fix [buckets] (or the advanced rules) to name an existing bucket`, { cause: err });
  }
  if (name === 'AccessDenied' || s === 403) {
    return new SourceError(
      `${where} denied access while ${what} (${name || s}): grant the key s3:ListAllMyBuckets, s3:GetBucketLocation, s3:ListBucket and s3:GetObject (docs/sources/s3.md "Permissions")`,
      { cause: err },
    );
  }
  if (transient(err)) {
    return new SourceError(`Cannot reach ${where} while ${what} (${name || s || 'no answer'}: ${msg.slice(0, 200)}); retried [max_attempts] times: check [endpoint] and the network`, { transient: true, cause: err });
  }
  return new SourceError(`${where} failed while ${what}: ${name || s} ${msg.slice(0, 200)}`, { cause: err });
}

type LookupCb = (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/** A `lookup` that admits only hosts the allow-list covers, and connects to the checked address. */
function allowedLookup(allowed: readonly string[], where: string) {
  return (host: string, options: { all?: boolean } | LookupCb, cb?: LookupCb): void => {
    const callback = (typeof options === 'function' ? options : cb) as LookupCb;
    const all = typeof options === 'object' && options?.all === true;
    resolveAllowed(host, allowed, where).then(
      (t) => {
        const family = isIP(t.address) || 4;
        if (all) callback(null, [{ address: t.address, family }]);
        else callback(null, t.address, family);
      },
      (err: Error) => callback(Object.assign(err, { code: (err as NodeJS.ErrnoException).code ?? 'EACCES' }), '', 4),
    );
  };
}

export class S3Api {
  private readonly clients = new Map<string, S3Client>();
  /** The endpoint's check against the allow-list (an address literal never reaches `lookup`). */
  private endpointChecked: Promise<unknown> | null = null;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  readonly where: string;

  constructor(
    private readonly s: S3Settings,
    private readonly allowedHosts: readonly string[] | null,
  ) {
    this.where = s.endpoint ? `The S3 endpoint ${s.endpoint.origin}` : 'Amazon S3';
    const lookup = allowedHosts === null ? undefined : allowedLookup(allowedHosts, this.where);
    const opts = { keepAlive: true, maxSockets: Math.max(16, s.concurrentDownloads * 2), ...(lookup ? { lookup } : {}) };
    this.httpAgent = new HttpAgent(opts as never);
    this.httpsAgent = new HttpsAgent(opts as never);
  }

  private client(region: string): S3Client {
    let c = this.clients.get(region);
    if (!c) {
      c = new S3Client({
        region,
        endpoint: this.s.endpoint?.href,
        forcePathStyle: this.s.forcePathStyle,
        credentials: { accessKeyId: this.s.accessKeyId, secretAccessKey: this.s.secretAccessKey },
        maxAttempts: 1, // retried in retry() below: max_attempts, backoff, abort
        requestHandler: {
          connectionTimeout: this.s.connectTimeoutMs,
          requestTimeout: this.s.readTimeoutMs,
          httpAgent: this.httpAgent,
          httpsAgent: this.httpsAgent,
        },
      });
      this.clients.set(region, c);
    }
    return c;
  }

  private checkEndpoint(): Promise<unknown> {
    if (this.allowedHosts === null || this.s.endpoint === null) return Promise.resolve();
    this.endpointChecked ??= resolveAllowed(this.s.endpoint.hostname, this.allowedHosts, this.where);
    return this.endpointChecked;
  }

  private async retry<T>(fn: () => Promise<T>, what: string, signal: AbortSignal): Promise<T> {
    await this.checkEndpoint();
    return withRetry(fn, {
      backoff: { initialDelayMs: 200, maxDelayMs: 10_000 },
      retries: this.s.maxAttempts - 1,
      signal,
      classify: transient,
    }).catch((err: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw explain(err, what, this.where);
    });
  }

  async listBuckets(signal: AbortSignal): Promise<string[]> {
    const r = await this.retry(() => this.client(this.s.region).send(new ListBucketsCommand({}), { abortSignal: signal }), 'listing buckets', signal);
    return (r.Buckets ?? []).map((b) => b.Name ?? '').filter((n) => n !== '');
  }

  /** The bucket's region (GetBucketLocation; empty means us-east-1, `EU` eu-west-1). */
  async bucketRegion(bucket: string, signal: AbortSignal): Promise<string> {
    let r;
    try {
      r = await this.retry(
        () => this.client(this.s.region).send(new GetBucketLocationCommand({ Bucket: bucket }), { abortSignal: signal }),
        `reading the region of bucket [${bucket}]`,
        signal,
      );
    } catch (err) {
      // Without s3:GetBucketLocation the configured region is the best guess (as Elastic's
      // connector, which then goes on without one); the listing says whether it was right.
      if (err instanceof SourceError && errName(err.options.cause) === 'AccessDenied') return this.s.region;
      throw err;
    }
    const c = r.LocationConstraint as string | undefined;
    if (!c) return this.s.endpoint ? this.s.region : 'us-east-1';
    return c === 'EU' ? 'eu-west-1' : c;
  }

  /** Pages of objects below `prefix`, in key order; one request in flight, one page held. */
  async *listObjects(bucket: string, region: string, prefix: string, signal: AbortSignal): AsyncGenerator<S3Object[]> {
    let token: string | undefined;
    do {
      const cmd = new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, MaxKeys: this.s.pageSize, ContinuationToken: token, FetchOwner: true });
      const r = await this.retry(() => this.client(region).send(cmd, { abortSignal: signal }), `listing bucket [${bucket}]`, signal);
      yield (r.Contents ?? []).filter((o: _Object) => o.Key !== undefined && !o.Key.endsWith('/')).map((o: _Object) => ({
        key: o.Key!,
        size: o.Size ?? 0,
        lastModified: o.LastModified ?? new Date(0),
        etag: o.ETag ?? '',
        storageClass: o.StorageClass ?? null,
        owner: o.Owner?.DisplayName ?? null,
      }));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /** The object's bytes, or 'too-big' past `maxBytes` (the transfer is then stopped). */
  download(bucket: string, region: string, key: string, maxBytes: number, signal: AbortSignal): Promise<Download | 'too-big'> {
    return this.retry(
      async () => {
        const r = await this.client(region).send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        const body = r.Body as Readable | undefined;
        const meta = { serverSideEncryption: r.ServerSideEncryption ?? null, contentType: r.ContentType ?? null };
        if (!body) return { bytes: Buffer.alloc(0), ...meta };
        if ((r.ContentLength ?? 0) > maxBytes) {
          body.destroy();
          return 'too-big' as const;
        }
        const bytes = await readCapped(body, maxBytes, signal);
        return bytes === 'too-big' ? bytes : { bytes, ...meta };
      },
      `downloading [${key}] from bucket [${bucket}]`,
      signal,
    );
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
