/**
 * The GitHub REST API v3 calls of the `github` source, over the shared Http (egress allow-list,
 * pinned address, abort, time-out, bounded body). No SDK: a handful of documented GETs and one
 * POST. What it does for every call:
 *
 * - authenticates with the personal access token, or with the installation token of the
 *   GitHub App installation that owns the repository (auth.ts), refreshed once after a 401;
 * - retries transient answers with backoff and jitter (`retry_count` retries): 429, 5xx,
 *   dropped connections, and GitHub's primary (403/429 with `X-RateLimit-Remaining: 0`, wait
 *   until `X-RateLimit-Reset`) and secondary (403 with `Retry-After`) rate limits
 *   (shared/rate-limit.ts);
 * - follows `Link: <…>; rel="next"` page by page, only to the configured API origin (a link
 *   elsewhere would carry the token away), at most MAX_PAGES pages, one page held;
 * - turns what retrying cannot fix into a SourceError that names the setting: 401 → [token]
 *   (or [app_id] / [private_key]), 404 → [repositories] or [org_name], 403 → the token's scopes
 *   or the app's permissions.
 */
import { withRetry, type Transient } from '../../domain/shared/retry.js';
import { Http, NetworkError, type HttpResponse } from '../shared/http.js';
import { httpTransient, HttpStatusError, rateLimitResetMs } from '../shared/rate-limit.js';
import { SourceError } from '../source.js';
import { appJwt, InstallationTokens } from './auth.js';
import type { GitHubSettings } from './config.js';

/** A listing page of 100 issues is a few hundred kB; bound what one answer may hold. */
export const MAX_PAGE_BYTES = 32 * 1024 * 1024;
/** Pages followed in one listing (100 items each). */
export const MAX_PAGES = 20_000;
const DOC = 'docs/sources/github.md';

/** Whose credential a call uses: the personal access token (null) or an installation's token. */
export type Who = number | null;

/** What a call is about, for the error message: what it did and which setting names the target. */
export interface Subject {
  what: string;
  repo?: string;
  org?: string;
}

/** A SourceError with the HTTP status that caused it (404 of one item is not fatal for the sync). */
export class GitHubError extends SourceError {
  constructor(message: string, readonly status: number, options: { transient?: boolean; cause?: unknown } = {}) {
    super(message, options);
  }
}

/** GitHub asks to wait at least a minute after a secondary limit that names no wait. */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

/** A 403 that is a secondary rate limit without `Retry-After` (GitHub's message says so). */
function secondaryLimit(err: unknown): boolean {
  return err instanceof HttpStatusError && err.status === 403 && !err.rateLimited && /secondary rate limit|abuse detection/i.test(err.body);
}

/** httpTransient, and GitHub's secondary limits that name no wait. */
export function githubTransient(err: unknown): Transient | null {
  return httpTransient(err) ?? (secondaryLimit(err) ? { retryAfterMs: SECONDARY_LIMIT_WAIT_MS } : null);
}

export class GitHubApi {
  private readonly http: Http;
  private readonly tokens: InstallationTokens;
  readonly where: string;
  /** GitHub's clock minus ours, from the `Date` header of the last answer (seconds resolution). */
  skewMs = 0;

  constructor(
    private readonly s: GitHubSettings,
    allowedHosts: readonly string[] | null,
  ) {
    this.where = s.cloud ? 'GitHub' : `The GitHub server ${s.api.origin}`;
    this.http = new Http(allowedHosts, this.where, s.readTimeoutMs, Math.max(8, s.concurrency * 2), s.ca ? { ca: s.ca } : {});
    this.tokens = new InstallationTokens(async (id, signal) => {
      const body = await this.jsonAs<{ token?: string; expires_at?: string }>('POST', this.url(`/app/installations/${id}/access_tokens`), 'app', { what: `creating an access token of GitHub App installation ${id}` }, signal);
      if (typeof body.token !== 'string' || !body.token) throw new GitHubError(`${this.where} answered no token for GitHub App installation ${id}`, 0);
      return { token: body.token, expiresAt: Date.parse(body.expires_at ?? '') || Date.now() + 3600_000 };
    });
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const u = new URL(this.s.api.href.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private explain(err: unknown, sub: Subject, who: Who | 'app'): SourceError {
    if (err instanceof SourceError) return err;
    const app = this.s.auth.kind === 'app';
    const cred = app ? '[app_id] and [private_key]' : '[token]';
    if (err instanceof HttpStatusError) {
      const msg = messageOf(err);
      const at = `${this.where} answered HTTP ${err.status} while ${sub.what} (${msg})`;
      if (err.rateLimited || secondaryLimit(err)) {
        const reset = rateLimitResetMs(err.headers);
        const when = reset === undefined ? '' : `; the limit resets at ${new Date(Date.now() + reset).toISOString()}`;
        return new GitHubError(`${at}: GitHub's rate limit stayed exhausted after [retry_count] retries${when}. Sync fewer repositories at once or raise [retry_count]`, err.status, { transient: true, cause: err });
      }
      if (err.status === 401) return new GitHubError(`${at}: check ${cred}${app ? '' : ' (the token may be expired or revoked)'}`, 401, { cause: err });
      if (err.status === 404) {
        if (who === 'app' && sub.repo) return new GitHubError(`${at}: the GitHub App is not installed on the account owning [${sub.repo}]: install it there, or fix [repositories]`, 404, { cause: err });
        if (sub.repo) return new GitHubError(`${at}: repository [${sub.repo}] does not exist or is not visible to ${app ? 'the GitHub App' : 'the token'}: fix [repositories]`, 404, { cause: err });
        if (sub.org) return new GitHubError(`${at}: organization [${sub.org}] does not exist or is not visible: fix [org_name]`, 404, { cause: err });
        return new GitHubError(`${at}: check [host] and [data_source]`, 404, { cause: err });
      }
      if (err.status === 403) {
        const fix = app
          ? 'give the GitHub App read-only access to Contents, Issues, Metadata and Pull requests (and Members of the organization for document level security)'
          : 'give [token] the repo, user and read:org scopes (a fine-grained token: read access to Contents, Issues, Metadata, Pull requests, and organization Members)';
        return new GitHubError(`${at}: ${fix}, see ${DOC} "Tokens and permissions"`, 403, { cause: err });
      }
      if (httpTransient(err)) return new GitHubError(`${at}: kept failing after [retry_count] retries`, err.status, { transient: true, cause: err });
      return new GitHubError(at, err.status, { cause: err });
    }
    if (err instanceof NetworkError) {
      return new GitHubError(`Cannot reach ${this.where} while ${sub.what} (${err.code}: ${err.message.slice(0, 200)}); retried [retry_count] times: check ${this.s.cloud ? 'the network' : '[host] and the network'}`, 0, { transient: true, cause: err });
    }
    return new GitHubError(`${this.where} failed while ${sub.what}: ${(err as Error)?.message ?? String(err)}`, 0, { cause: err });
  }

  private async authorization(who: Who | 'app', signal: AbortSignal): Promise<string> {
    if (who === 'app') {
      if (this.s.auth.kind !== 'app') throw new GitHubError('A GitHub App call without [auth_method] github_app', 0);
      return `Bearer ${appJwt(this.s.auth.appId, this.s.auth.privateKey)}`;
    }
    if (who === null) {
      if (this.s.auth.kind !== 'pat') throw new GitHubError('No GitHub App installation for this call', 0);
      return `Bearer ${this.s.auth.token}`;
    }
    return `Bearer ${await this.tokens.get(who, signal)}`;
  }

  /** One call, retried; the answer when 2xx, 'too-big' past `maxBytes`. */
  async send(method: 'GET' | 'POST', url: URL, who: Who | 'app', sub: Subject, signal: AbortSignal, o: { accept?: string; maxBytes?: number } = {}): Promise<HttpResponse | 'too-big'> {
    let refreshed = false;
    try {
      return await withRetry(
        async () => {
          const r = await this.http.send({
            method, url, signal, maxBytes: o.maxBytes ?? MAX_PAGE_BYTES,
            headers: { authorization: await this.authorization(who, signal), accept: o.accept ?? 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
            ...(method === 'POST' ? { body: '' } : {}),
          });
          if (r === 'too-big' || (r.status >= 200 && r.status < 300)) {
            const date = r !== 'too-big' ? Date.parse(String(r.headers.date ?? '')) : NaN;
            if (Number.isFinite(date)) this.skewMs = date - Date.now();
            return r;
          }
          const err = new HttpStatusError(r.status, r.headers, r.body.toString('utf8', 0, 2000));
          if (r.status === 401 && typeof who === 'number' && !refreshed) {
            // An installation token revoked or expired early: one more try with a fresh one.
            refreshed = true;
            this.tokens.invalidate(who);
            return this.send(method, url, who, sub, signal, o);
          }
          throw err;
        },
        { backoff: { initialDelayMs: 250, maxDelayMs: 10_000 }, retries: this.s.retryCount, signal, classify: githubTransient },
      );
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw this.explain(err, sub, who);
    }
  }

  private async jsonAs<T>(method: 'GET' | 'POST', url: URL, who: Who | 'app', sub: Subject, signal: AbortSignal): Promise<T> {
    const r = await this.send(method, url, who, sub, signal);
    if (r === 'too-big') throw new GitHubError(`${this.where} answered more than ${MAX_PAGE_BYTES} bytes while ${sub.what}`, 0);
    return parse<T>(r, this.where, sub);
  }

  json<T>(path: string, query: Record<string, string | number | undefined>, who: Who | 'app', sub: Subject, signal: AbortSignal): Promise<T> {
    return this.jsonAs<T>('GET', this.url(path, query), who, sub, signal);
  }

  /**
   * The pages of a listing, 100 items each, following `rel="next"`; `pick` takes the items out
   * of a wrapped answer (`{repositories: […]}`, `{items: […]}`).
   */
  async *pages<T>(path: string, query: Record<string, string | number | undefined>, who: Who | 'app', sub: Subject, signal: AbortSignal, pick?: (body: unknown) => unknown): AsyncGenerator<T[]> {
    let url: URL | null = this.url(path, { per_page: 100, ...query });
    for (let n = 0; url; n++) {
      if (n >= MAX_PAGES) throw new GitHubError(`${this.where}: more than ${MAX_PAGES} pages while ${sub.what}; narrow the selection with [repositories] or advanced sync rules`, 0);
      const r = await this.send('GET', url, who, sub, signal);
      if (r === 'too-big') throw new GitHubError(`${this.where} answered more than ${MAX_PAGE_BYTES} bytes while ${sub.what}`, 0);
      const body = parse<unknown>(r, this.where, sub);
      const items = pick ? pick(body) : body;
      yield Array.isArray(items) ? (items as T[]) : [];
      url = this.next(r);
    }
  }

  /** The `rel="next"` link, when it stays on the API (same origin, below the API path). */
  private next(r: HttpResponse): URL | null {
    const link = Array.isArray(r.headers.link) ? r.headers.link.join(', ') : r.headers.link;
    const m = link ? /<([^>]{1,4096})>\s*;\s*rel="next"/.exec(link) : null;
    if (!m) return null;
    let u: URL;
    try {
      u = new URL(m[1], this.s.api);
    } catch {
      return null;
    }
    const root = this.s.api.pathname.replace(/\/+$/, '');
    if (u.origin !== this.s.api.origin || !u.pathname.startsWith(`${root}/`)) throw new GitHubError(`${this.where} sent a next-page link outside its API (${u.origin}); not followed`, 0);
    return u;
  }

  /** A blob's bytes (the raw media type), or 'too-big' past `maxBytes`. */
  async blob(repo: string, sha: string, who: Who, maxBytes: number, signal: AbortSignal): Promise<Buffer | 'too-big'> {
    const r = await this.send('GET', this.url(`/repos/${repo}/git/blobs/${sha}`), who, { what: `reading a file of [${repo}]`, repo }, signal, { accept: 'application/vnd.github.raw+json', maxBytes });
    return r === 'too-big' ? r : r.body;
  }

  /** The installation id of the GitHub App on the account owning `owner/name` (or on `owner`). */
  async installation(owner: string, repo: string | null, signal: AbortSignal): Promise<number> {
    const path = repo ? `/repos/${owner}/${repo}/installation` : `/users/${owner}/installation`;
    const body = await this.json<{ id?: number }>(path, {}, 'app', { what: `finding the GitHub App installation of [${owner}]`, repo: repo ? `${owner}/${repo}` : undefined }, signal);
    if (!Number.isSafeInteger(body.id)) throw new GitHubError(`${this.where} answered no installation id for [${owner}]`, 0);
    return body.id as number;
  }

  close(): void {
    this.http.close();
  }
}

function messageOf(err: HttpStatusError): string {
  try {
    const m = (JSON.parse(err.body) as { message?: unknown }).message;
    if (typeof m === 'string') return m.slice(0, 200);
  } catch {
    // not JSON
  }
  return err.body.slice(0, 120) || `HTTP ${err.status}`;
}

function parse<T>(r: HttpResponse, where: string, sub: Subject): T {
  try {
    return JSON.parse(r.body.toString('utf8')) as T;
  } catch {
    throw new GitHubError(`${where} answered something other than JSON while ${sub.what}: check [host]`, r.status);
  }
}
