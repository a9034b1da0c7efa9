/**
 * The REST call of the Atlassian sources (`jira`, `confluence`): basic authentication with the
 * credentials of the configured deployment (Cloud: account email + API token; Server / Data
 * Center: user name + password), over the one egress-checked, abortable, bounded Http
 * (../http.ts), retried with backoff and jitter on 429, 5xx, dropped connections and time-outs
 * (`Retry-After` honoured, ../rate-limit.ts; `retry_count` retries), and otherwise failed with a
 * SourceError that says what to fix:
 *
 *   401 → the credential fields of the deployment ([account_email] and [api_token], …);
 *   403 → the permission the caller names (`fix.forbidden`), else the docs' "Permissions";
 *   404 → the caller's `fix.notFound`, else the site URL field;
 *   certificate errors → [ssl_enabled] and [ssl_ca].
 *
 * Paging comes in the two styles the products use: offset pages (`startAt` / `maxResults`, with
 * `isLast` or `total`, or a plain array that ends short: Jira, Confluence Server's `start` /
 * `limit`) and link pages (`_links.next`, Confluence; a `nextPageToken`, Jira Cloud's newer
 * search). A next link must stay on the site's origin; every page is bounded in bytes and the
 * number of pages in a walk is bounded.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { withRetry, type Backoff, type Transient } from '../../../domain/shared/retry.js';
import { SourceError } from '../../source.js';
import { Http, NetworkError, type HttpResponse } from '../http.js';
import { HttpStatusError, httpTransient } from '../rate-limit.js';
import type { AtlassianProduct, AtlassianSettings } from './config.js';

/** Bytes of one JSON answer accepted (a page of 100 issues with rendered fields is a few MB). */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;
/** Pages of one walk: past it the server is assumed to loop. */
export const MAX_PAGES = 200_000;

/** Node's codes of a certificate the client does not trust: retrying does not help. */
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

/** What to tell the user for a 403 or 404 of one call. */
export interface Fixes {
  forbidden?: string;
  notFound?: string;
}

export interface RequestOptions {
  signal: AbortSignal;
  /** `listing the projects`: completes "… while <what>". */
  what: string;
  fix?: Fixes;
  maxBytes?: number;
}

export interface AtlassianClientOptions {
  allowedHosts: readonly string[] | null;
  /** Retry steps; tests shorten them. */
  backoff?: Backoff;
  /** Sockets per origin; default concurrent_downloads + 8. */
  sockets?: number;
}

/** Query values; undefined and '' are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** The message of an Atlassian error body: Jira's `errorMessages`/`errors`, Confluence's `message`. */
export function atlassianMessage(body: string): string {
  try {
    const e = JSON.parse(body) as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    const parts: string[] = [];
    if (Array.isArray(e.errorMessages)) parts.push(...e.errorMessages.filter((m) => typeof m === 'string'));
    if (e.errors && typeof e.errors === 'object') for (const [k, v] of Object.entries(e.errors)) if (typeof v === 'string') parts.push(`${k}: ${v}`);
    if (typeof e.message === 'string') parts.push(e.message);
    if (parts.length) return parts.join('; ').slice(0, 300);
  } catch {
    // not JSON
  }
  return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** withRetry's classification: the shared one, except certificate failures (permanent). */
export function atlassianTransient(err: unknown): Transient | null {
  if (err instanceof NetworkError && TLS_CODES.has(err.code)) return null;
  return httpTransient(err);
}

export class AtlassianClient {
  readonly where: string;
  private readonly http: Http;
  private readonly auth: string;
  private readonly backoff: Backoff;

  constructor(
    readonly settings: AtlassianSettings,
    readonly product: AtlassianProduct,
    o: AtlassianClientOptions,
  ) {
    this.where = `${product.name} at ${settings.url.origin}`;
    this.http = new Http(o.allowedHosts, this.where, settings.readTimeoutMs, o.sockets ?? settings.concurrentDownloads + 8, settings.sslCa ? { ca: settings.sslCa } : {});
    this.auth = `Basic ${Buffer.from(`${settings.login}:${settings.secret}`, 'utf8').toString('base64')}`;
    this.backoff = o.backoff ?? { initialDelayMs: 500, maxDelayMs: 30_000 };
  }

  /**
   * A URL on the site: `path` below the site root (`/rest/api/3/myself`), or an absolute URL
   * (a `self` or `_links.next` link) that must be on the site's origin.
   */
  url(path: string, query: Query = {}): URL {
    const base = this.settings.url;
    let u: URL;
    if (/^https?:\/\//i.test(path)) {
      u = new URL(path);
      if (u.origin !== base.origin) throw new SourceError(`${this.where} linked to another site (${u.origin}) while paging: refusing to follow it.`);
    } else {
      u = new URL(base.href.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
    }
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private explain(err: unknown, o: RequestOptions): SourceError {
    if (err instanceof SourceError) return err;
    const { what } = o;
    const [loginField, secretField] = this.settings.credentialFields;
    const docs = this.product.docPath;
    if (err instanceof HttpStatusError) {
      const msg = atlassianMessage(err.body);
      const said = msg ? ` (${msg})` : '';
      if (err.status === 401) {
        const captcha = header(err.headers, 'x-seraph-loginreason')?.includes('AUTHENTICATION_DENIED')
          ? ` ${this.product.name} asks for a CAPTCHA after failed logins: sign in once in a browser, then retry.`
          : '';
        const token = this.settings.deployment === 'cloud' ? ' (an API token created at https://id.atlassian.com/manage-profile/security/api-tokens for that account)' : '';
        return new SourceError(`${this.where} rejected the credentials while ${what}${said}: check [${loginField}] and [${secretField}]${token}, and [data_source] (${this.settings.dataSource}).${captcha}`, { cause: err });
      }
      if (err.status === 403 && !err.rateLimited) {
        const fix = o.fix?.forbidden ?? `give [${loginField}] the permissions listed in ${docs} "Permissions"`;
        return new SourceError(`${this.where} denied access while ${what}${said}: ${fix}.`, { cause: err });
      }
      if (err.status === 404) {
        const fix = o.fix?.notFound ?? `check [${this.product.urlField}] (the site root${this.settings.deployment === 'cloud' ? ', e.g. https://example.atlassian.net' : ', with its context path if any'}) and [data_source]`;
        return new SourceError(`${this.where}: not found while ${what}${said}: ${fix}.`, { cause: err });
      }
      if (atlassianTransient(err)) {
        return new SourceError(`${this.where} kept failing while ${what} (HTTP ${err.status}${said}); retried ${this.settings.retryCount} times ([retry_count]).`, { transient: true, cause: err });
      }
      return new SourceError(`${this.where} failed while ${what}: HTTP ${err.status}${said}.`, { cause: err });
    }
    if (err instanceof NetworkError) {
      if (TLS_CODES.has(err.code)) {
        return new SourceError(`${this.where} presented a certificate that is not trusted while ${what} (${err.code}): turn on [ssl_enabled] and paste the certificate authority into [ssl_ca].`, { cause: err });
      }
      return new SourceError(`Cannot reach ${this.where} while ${what} (${err.code}: ${err.message.slice(0, 200)}); retried ${this.settings.retryCount} times: check [${this.product.urlField}] and the network.`, { transient: true, cause: err });
    }
    return new SourceError(`${this.where} failed while ${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  /** One authenticated request, retried; a non-2xx answer throws the explained SourceError. */
  async send(method: 'GET' | 'POST', url: URL, o: RequestOptions & { body?: unknown; accept?: string }): Promise<HttpResponse | 'too-big'> {
    const { signal } = o;
    const headers: Record<string, string> = { authorization: this.auth, accept: o.accept ?? 'application/json' };
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    return withRetry(
      async () => {
        const r = await this.http.send({ method, url, headers, body, signal, maxBytes: o.maxBytes ?? MAX_JSON_BYTES });
        if (r === 'too-big' || (r.status >= 200 && r.status < 300)) return r;
        throw new HttpStatusError(r.status, r.headers, r.body.subarray(0, 4096).toString('utf8'));
      },
      { backoff: this.backoff, retries: this.settings.retryCount, signal, classify: atlassianTransient },
    ).catch((err: unknown) => {
      if (signal.aborted) throw signal.reason;
      throw this.explain(err, o);
    });
  }

  private parse<T>(r: HttpResponse | 'too-big', o: RequestOptions): T {
    if (r === 'too-big') throw new SourceError(`${this.where} answered more than ${o.maxBytes ?? MAX_JSON_BYTES} bytes while ${o.what}.`);
    if (r.status === 204 || r.body.length === 0) return null as T;
    try {
      return JSON.parse(r.body.toString('utf8')) as T;
    } catch {
      throw new SourceError(`${this.where} answered something other than JSON while ${o.what}: check [${this.product.urlField}] (a login page or a proxy answers there?).`);
    }
  }

  async getJson<T = Record<string, unknown>>(path: string, query: Query, o: RequestOptions): Promise<T> {
    return this.parse<T>(await this.send('GET', this.url(path, query), o), o);
  }

  async postJson<T = Record<string, unknown>>(path: string, body: unknown, o: RequestOptions): Promise<T> {
    return this.parse<T>(await this.send('POST', this.url(path), { ...o, body }), o);
  }

  /** Raw bytes (an attachment), at most `maxBytes`, or 'too-big'. */
  async getBytes(path: string, maxBytes: number, o: RequestOptions): Promise<Buffer | 'too-big'> {
    const r = await this.send('GET', this.url(path), { ...o, maxBytes, accept: '*/*' });
    return r === 'too-big' ? r : r.body;
  }

  /**
   * Offset paging: `startAt` (or `start`) and `maxResults` (or `limit`). The items are the
   * answer itself when it is an array, else its `itemsKey` (`values`, `issues`, `results`).
   * Ends on `isLast: true`, on `startAt + n >= total`, on an empty page, or on a short page
   * when the answer says neither. One page is held at a time.
   */
  async *offsetPages<T = Record<string, unknown>>(
    path: string,
    query: Query,
    o: RequestOptions & { pageSize: number; itemsKey?: string; startParam?: string; sizeParam?: string },
  ): AsyncGenerator<T[]> {
    const startParam = o.startParam ?? 'startAt';
    const sizeParam = o.sizeParam ?? 'maxResults';
    let start = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.getJson<unknown>(path, { ...query, [startParam]: start, [sizeParam]: o.pageSize }, o);
      const rec = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
      const raw = Array.isArray(body) ? body : rec?.[o.itemsKey ?? 'values'];
      const items = Array.isArray(raw) ? (raw as T[]) : [];
      if (items.length) yield items;
      const total = typeof rec?.total === 'number' ? rec.total : undefined;
      const next = start + items.length;
      if (items.length === 0 || rec?.isLast === true || (total !== undefined && next >= total)) return;
      if (rec?.isLast === undefined && total === undefined && items.length < o.pageSize) return;
      start = next;
    }
    throw new SourceError(`${this.where} returned more than ${MAX_PAGES} pages while ${o.what}: stopping (a paging loop?).`);
  }

  /**
   * Link paging: the first page at `path`, each next one where `next(body, url)` points
   * (resolved against the page's URL, as a browser resolves a link; it must stay on the site's
   * origin): `nextLink` reads Confluence's `_links.next`, `tokenLink` a `nextPageToken`. Ends
   * when it points nowhere; a link seen before ends the walk with an error rather than looping.
   */
  async *linkPages<T = Record<string, unknown>>(
    path: string,
    query: Query,
    o: RequestOptions & { itemsKey?: string; next?: NextPage },
  ): AsyncGenerator<T[]> {
    const next = o.next ?? nextLink;
    let url = this.url(path, query);
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      seen.add(url.href);
      const body = this.parse<Record<string, unknown> | null>(await this.send('GET', url, o), o) ?? {};
      const raw = body[o.itemsKey ?? 'results'];
      const items = Array.isArray(raw) ? (raw as T[]) : [];
      if (items.length) yield items;
      const link = next(body, url);
      if (!link) return;
      url = this.url(new URL(link, url).href);
      if (seen.has(url.href)) throw new SourceError(`${this.where} sent the same next page twice while ${o.what}: stopping.`);
      if (seen.size > 64) seen.delete(seen.values().next().value as string);
    }
    throw new SourceError(`${this.where} returned more than ${MAX_PAGES} pages while ${o.what}: stopping (a paging loop?).`);
  }

  close(): void {
    this.http.close();
  }
}

/** Where the page after `body` (fetched from `url`) is, or undefined at the end. */
export type NextPage = (body: Record<string, unknown>, url: URL) => string | URL | undefined;

/**
 * Confluence's `_links.next`: relative to `_links.base` when the answer has one (v1: base
 * `https://x.atlassian.net/wiki`, next `/rest/api/space?start=25`), else to the page's URL
 * (v2: `/wiki/api/v2/pages?cursor=…`, origin-relative).
 */
export const nextLink: NextPage = (body) => {
  const links = body._links as { next?: unknown; base?: unknown } | undefined;
  const n = typeof links?.next === 'string' && links.next ? links.next : undefined;
  if (!n) return undefined;
  if (/^https?:\/\//i.test(n)) return n;
  if (typeof links?.base === 'string' && /^https?:\/\//i.test(links.base)) return links.base.replace(/\/+$/, '') + (n.startsWith('/') ? n : `/${n}`);
  return n;
};

/**
 * A `nextPageToken` walk (Jira Cloud's `/rest/api/3/search/jql`): the answer's token goes back
 * as a query parameter of the same URL.
 */
export function tokenLink(tokenKey = 'nextPageToken'): NextPage {
  return (body, url) => {
    const t = body[tokenKey];
    if (typeof t !== 'string' || !t || body.isLast === true) return undefined;
    const u = new URL(url.href);
    u.searchParams.set(tokenKey, t);
    return u;
  };
}
