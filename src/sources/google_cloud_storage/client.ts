/**
 * The subset of the Cloud Storage JSON API v1 the `google_cloud_storage` source uses, over
 * plain HTTP (http.ts) with a service-account token (auth.ts). No SDK: the official
 * @google-cloud/storage pulls a large dependency tree for three documented GET requests:
 *
 *   buckets.list   GET /storage/v1/b?project=<p>&maxResults&pageToken
 *   objects.list   GET /storage/v1/b/<bucket>/o?maxResults&pageToken&prefix
 *   objects.get    GET /storage/v1/b/<bucket>/o/<object>?alt=media
 *
 * Every request is retried on 429, 5xx, dropped connections and time-outs with backoff
 * (`retry_count` retries, `Retry-After` honoured), once more after a 401 with a fresh token,
 * and otherwise fails with a SourceError saying what to fix (key, bucket name, IAM role).
 */
import { withRetry, type Transient } from '../../domain/shared/retry.js';
import { SourceError } from '../source.js';
import { TokenRefused, TokenSource } from './auth.js';
import type { GcsSettings } from './config.js';
import { Http, NetworkError, type HttpResponse } from '../shared/http.js';

export interface GcsObject {
  id: string;
  name: string;
  bucket: string;
  size: number;
  updated: Date;
  generation: string;
  timeCreated: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  contentLanguage: string | null;
  componentCount: number | null;
  storageClass: string | null;
  etag: string | null;
  metadata: Record<string, string> | null;
}

/** A listing page is a few hundred kB at 1000 objects; bound what is read. */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;
const DOC_PATH = 'docs/sources/google_cloud_storage.md';

/** An HTTP answer that is not a success, with Google's error `reason` when it gave one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly retryAfterMs: number | undefined) {
    super(message);
  }
}

function retryAfter(v: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isFinite(n) && n >= 0 && n <= 120 ? n * 1000 : undefined;
}

function apiError(r: HttpResponse): ApiError {
  let reason = '';
  let message = `HTTP ${r.status}`;
  try {
    const e = (JSON.parse(r.body.toString('utf8')) as { error?: { message?: string; errors?: { reason?: string }[] } }).error;
    if (e?.message) message = String(e.message).slice(0, 300);
    reason = String(e?.errors?.[0]?.reason ?? '');
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(r.status, reason, message, retryAfter(r.headers['retry-after']));
}

/** Whether another attempt may succeed. */
export function transient(err: unknown): Transient | null {
  if (err instanceof NetworkError) return {};
  if (err instanceof ApiError || err instanceof TokenRefused) {
    if (err.status === 429 || err.status >= 500) return err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs };
  }
  return null;
}

export class GcsApi {
  private readonly http: Http;
  private readonly tokens: TokenSource;
  readonly where: string;

  constructor(
    private readonly s: GcsSettings,
    allowedHosts: readonly string[] | null,
  ) {
    this.where = s.endpoint.origin === 'https://storage.googleapis.com' ? 'Google Cloud Storage' : `The Cloud Storage endpoint ${s.endpoint.origin}`;
    this.http = new Http(allowedHosts, this.where, s.readTimeoutMs, Math.max(16, s.concurrentDownloads * 2));
    this.tokens = new TokenSource(s.account, this.http);
  }

  private explain(err: unknown, what: string): SourceError {
    if (err instanceof SourceError) return err;
    const key = '[service_account_credentials]';
    if (err instanceof TokenRefused) {
      if (transient(err)) return new SourceError(`The token endpoint ${this.s.account.tokenUri.origin} kept failing while ${what} (${err.message}); retried [retry_count] times`, { transient: true, cause: err });
      return new SourceError(`The token endpoint ${this.s.account.tokenUri.origin} refused the service-account key while ${what} (${err.message}): check ${key} (a current key of an existing, enabled service account)`, { cause: err });
    }
    if (err instanceof ApiError) {
      if (err.status === 401) return new SourceError(`${this.where} rejected the access token while ${what} (${err.message}): check ${key}`, { cause: err });
      if (err.status === 404) {
        const fix = what.startsWith('listing the buckets') ? `check [project_id] in ${key}` : 'fix [buckets] to name an existing bucket';
        return new SourceError(`${this.where}: not found while ${what} (${err.message}): ${fix}`, { cause: err });
      }
      if (err.status === 403) {
        return new SourceError(
          `${this.where} denied access while ${what} (${err.message}): grant the service account roles/storage.objectViewer on the bucket (and storage.buckets.list on the project for buckets = *), see ${DOC_PATH} "Permissions"`,
          { cause: err },
        );
      }
      if (transient(err)) return new SourceError(`${this.where} kept failing while ${what} (HTTP ${err.status}: ${err.message}); retried [retry_count] times`, { transient: true, cause: err });
      return new SourceError(`${this.where} failed while ${what}: HTTP ${err.status} ${err.message}`, { cause: err });
    }
    if (err instanceof NetworkError) {
      return new SourceError(`Cannot reach ${this.where} while ${what} (${err.code}: ${err.message.slice(0, 200)}); retried [retry_count] times: check [endpoint] and the network`, { transient: true, cause: err });
    }
    return new SourceError(`${this.where} failed while ${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  /** One authorised GET, retried; 'too-big' past `maxBytes`. */
  private get(url: URL, what: string, maxBytes: number, signal: AbortSignal): Promise<HttpResponse | 'too-big'> {
    let refreshed = false;
    return withRetry(
      async () => {
        const token = await this.tokens.get(signal);
        const r = await this.http.send({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, signal, maxBytes });
        if (r === 'too-big' || (r.status >= 200 && r.status < 300)) return r;
        if (r.status === 401 && !refreshed) {
          // An expired or revoked token: one more try with a fresh one.
          refreshed = true;
          this.tokens.invalidate();
          const again = await this.http.send({ method: 'GET', url, headers: { authorization: `Bearer ${await this.tokens.get(signal)}` }, signal, maxBytes });
          if (again === 'too-big' || (again.status >= 200 && again.status < 300)) return again;
          throw apiError(again);
        }
        throw apiError(r);
      },
      { backoff: { initialDelayMs: 200, maxDelayMs: 10_000 }, retries: this.s.retryCount, signal, classify: transient },
    ).catch((err: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw this.explain(err, what);
    });
  }

  private url(path: string, query: Record<string, string | undefined>): URL {
    const u = new URL(this.s.endpoint.href.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, v);
    return u;
  }

  private async json(url: URL, what: string, signal: AbortSignal): Promise<Record<string, unknown>> {
    const r = await this.get(url, what, MAX_PAGE_BYTES, signal);
    if (r === 'too-big') throw new SourceError(`${this.where} answered more than ${MAX_PAGE_BYTES} bytes while ${what}: lower [page_size]`);
    try {
      return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new SourceError(`${this.where} answered something other than JSON while ${what}: check [endpoint]`);
    }
  }

  /** Every bucket of the key's project, page by page. */
  async *listBuckets(project: string, signal: AbortSignal): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.json(this.url('/storage/v1/b', { project, maxResults: String(this.s.pageSize), pageToken: token, fields: 'items(name),nextPageToken' }), `listing the buckets of project [${project}]`, signal);
      for (const b of Array.isArray(page.items) ? page.items : []) if (typeof b?.name === 'string') yield b.name;
      token = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
    } while (token);
  }

  /** Pages of objects below `prefix`, in name order; one request in flight, one page held. */
  async *listObjects(bucket: string, prefix: string, signal: AbortSignal, maxResults = this.s.pageSize): AsyncGenerator<GcsObject[]> {
    let token: string | undefined;
    do {
      const page = await this.json(this.url(`/storage/v1/b/${encodeURIComponent(bucket)}/o`, { maxResults: String(maxResults), pageToken: token, prefix }), `listing bucket [${bucket}]`, signal);
      const items = Array.isArray(page.items) ? (page.items as Record<string, unknown>[]) : [];
      yield items.filter((o) => typeof o?.name === 'string' && !(o.name as string).endsWith('/')).map((o) => toObject(o, bucket));
      token = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
    } while (token);
  }

  /** The object's bytes (of the listed generation), or 'too-big' past `maxBytes`. */
  async download(o: GcsObject, maxBytes: number, signal: AbortSignal): Promise<Buffer | 'too-big'> {
    const url = this.url(`/storage/v1/b/${encodeURIComponent(o.bucket)}/o/${encodeURIComponent(o.name)}`, { alt: 'media', generation: o.generation || undefined });
    const r = await this.get(url, `downloading [${o.name}] from bucket [${o.bucket}]`, maxBytes, signal);
    return r === 'too-big' ? r : r.body;
  }

  close(): void {
    this.http.close();
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function toObject(o: Record<string, unknown>, bucket: string): GcsObject {
  const updated = new Date(str(o.updated) ?? 0);
  const meta = o.metadata !== null && typeof o.metadata === 'object' && !Array.isArray(o.metadata) ? (o.metadata as Record<string, string>) : null;
  return {
    id: str(o.id) ?? `${bucket}/${o.name as string}/${str(o.generation) ?? ''}`,
    name: o.name as string,
    bucket: str(o.bucket) ?? bucket,
    size: Number(o.size ?? 0) || 0,
    updated: Number.isNaN(updated.getTime()) ? new Date(0) : updated,
    generation: str(o.generation) ?? '',
    timeCreated: str(o.timeCreated),
    contentType: str(o.contentType),
    contentEncoding: str(o.contentEncoding),
    contentLanguage: str(o.contentLanguage),
    componentCount: typeof o.componentCount === 'number' ? o.componentCount : null,
    storageClass: str(o.storageClass),
    etag: str(o.etag),
    metadata: meta,
  };
}
