/**
 * Scroll contexts of the embedded index (`_search?scroll=…`, `POST /_search/scroll`,
 * `DELETE /_search/scroll`): what each open scroll needs to produce its next page — the index,
 * the request, where it stands (`ScrollCursor`), the total of its first page — and when it
 * expires. A scroll holds no rows: a page in `_doc` order continues after the last rowid
 * returned, so walking any number of documents takes constant memory (Elastic's connector
 * service walks every id of an index this way to find deletions).
 *
 * Bounds, as Elasticsearch's: at most `maxOpen` open scrolls (`search.max_open_scroll_context`,
 * 500; 429 beyond), keep-alive at most `maxKeepAliveMs` (`search.max_keep_alive`, 24 h; 400
 * beyond). Expired scrolls are dropped when the next scroll call comes, and by a timer.
 * Unlike Elasticsearch a scroll does not see a point-in-time snapshot: documents written
 * meanwhile may appear in later pages (docs/embedded-index.md "Scroll").
 */
import { randomBytes } from 'node:crypto';
import { errors } from '../domain/errors.js';
import { parseTimeValue } from '../domain/shared/time-value.js';
import { bodyObject, type SearchParams } from './search-request.js';
import type { ScrollCursor, ScrollPage, SearchResponse } from './search.js';

export interface ScrollLimits {
  maxOpen: number;
  maxKeepAliveMs: number;
}

export const DEFAULT_SCROLL_LIMITS: ScrollLimits = { maxOpen: 500, maxKeepAliveMs: 24 * 3600_000 };

export interface ScrollContext {
  index: string;
  body: unknown;
  /** The first request's parameters, without `scroll`, `from` and totals tracking. */
  params: SearchParams;
  cursor: ScrollCursor;
  /** The first page's total (Elasticsearch answers the same total on every page). */
  total: unknown;
  /** Who opened it (security on): nobody else may continue or clear it. */
  owner?: string;
  expiresAt: number;
  /** A page of this scroll is being read: a second request for it meanwhile is refused. */
  busy: boolean;
  keepAliveMs: number;
}

export class ScrollContexts {
  private readonly open = new Map<string, ScrollContext>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: ScrollLimits = DEFAULT_SCROLL_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** Keep-alive of a request (`scroll=1m`), in milliseconds, within the limit. */
  keepAlive(ms: number): number {
    if (ms > this.limits.maxKeepAliveMs) {
      throw errors.illegalArgument(
        `Keep alive for request (${formatMs(ms)}) is too large. It must be less than (${formatMs(this.limits.maxKeepAliveMs)}). ` +
          'This limit can be set by changing the [search.max_keep_alive] cluster level setting.',
      );
    }
    return ms;
  }

  /** Registers a scroll; its id is random (unguessable), URL-safe. */
  add(ctx: Omit<ScrollContext, 'expiresAt' | 'busy' | 'keepAliveMs'>, keepAliveMs: number): string {
    this.sweep();
    if (this.open.size >= this.limits.maxOpen) {
      throw errors.tooManyScrolls(
        `Trying to create too many scroll contexts. Must be less than or equal to: [${this.limits.maxOpen}]. ` +
          'This limit can be set by changing the [search.max_open_scroll_context] setting.',
      );
    }
    const id = randomBytes(24).toString('base64url');
    this.open.set(id, { ...ctx, expiresAt: this.now() + keepAliveMs, busy: false, keepAliveMs });
    return id;
  }

  /** The scroll to continue, marked busy until `release`; 404 when unknown, expired or not the caller's. */
  take(id: string, owner: string | undefined): ScrollContext {
    this.sweep();
    const ctx = this.open.get(id);
    if (!ctx || ctx.owner !== owner) throw errors.scrollMissing(id);
    if (ctx.busy) throw errors.illegalArgument(`scroll [${id}] is already being read: send the next request after the previous one answered`);
    ctx.busy = true;
    return ctx;
  }

  /** Ends a page: the new cursor, and the keep-alive (the request's, else the scroll's last one). */
  release(ctx: ScrollContext, cursor: ScrollCursor | null, keepAliveMs?: number): void {
    ctx.busy = false;
    if (cursor) ctx.cursor = cursor;
    if (keepAliveMs !== undefined) ctx.keepAliveMs = keepAliveMs;
    ctx.expiresAt = this.now() + ctx.keepAliveMs;
  }

  /** Clears the given scrolls (or all of the caller's with `_all`); returns how many were open. */
  clear(ids: string[] | '_all', owner: string | undefined): number {
    this.sweep();
    let freed = 0;
    const targets = ids === '_all' ? [...this.open.keys()] : ids;
    for (const id of targets) {
      const ctx = this.open.get(id);
      if (ctx && ctx.owner === owner && this.open.delete(id)) freed++;
    }
    return freed;
  }

  size(): number {
    return this.open.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.open.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, ctx] of this.open) if (!ctx.busy && ctx.expiresAt <= now) this.open.delete(id);
  }
}

function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Reads one page of a scroll (on a search thread, or on this one when there are none). */
export type PageReader = (index: string, body: unknown, params: SearchParams, cursor: ScrollCursor) => Promise<ScrollPage>;

function keepAliveOf(scrolls: ScrollContexts, v: unknown): number {
  let ms: number;
  try {
    ms = parseTimeValue(String(v), 'scroll');
  } catch (e) {
    throw errors.badBody((e as Error).message);
  }
  return scrolls.keepAlive(ms);
}

/** `{value, relation}` as stored; a number with `rest_total_hits_as_int`. */
function totalFor(total: unknown, asInt: boolean): unknown {
  if (total === undefined) return undefined;
  const t = typeof total === 'number' ? { value: total, relation: 'eq' } : (total as { value: number; relation: string });
  return asInt ? t.value : t;
}

function withTotal(response: SearchResponse, total: unknown, id: string): Record<string, unknown> {
  const { total: _t, ...hits } = response.hits;
  return { _scroll_id: id, ...response, hits: total === undefined ? hits : { total, ...hits } };
}

/** `_search?scroll=…`: the first page, and a scroll context for the rest. */
export async function openScroll(
  scrolls: ScrollContexts, read: PageReader, index: string, rawBody: unknown, params: SearchParams, owner: string | undefined,
): Promise<Record<string, unknown>> {
  const keepAlive = keepAliveOf(scrolls, params.scroll);
  const body = bodyObject(rawBody);
  const problems: string[] = [];
  if (Number(params.from ?? body.from ?? 0) > 0) problems.push('using [from] is not allowed in a scroll context');
  const track = params.track_total_hits ?? body.track_total_hits;
  if (track === false || track === 'false') problems.push('disabling [track_total_hits] is not allowed in a scroll context');
  if (body.search_after !== undefined) problems.push('`search_after` cannot be used in a scroll context.');
  if (problems.length) throw errors.validation(problems);
  const { scroll: _s, ...rest } = params;
  const first = await read(index, rawBody, { ...rest, track_total_hits: true }, { after: 0, offset: 0 });
  const total = totalFor(first.response.hits.total, false);
  const id = scrolls.add(
    { index, body: rawBody, params: { ...rest, rest_total_hits_as_int: false, track_total_hits: false }, cursor: first.next, total, owner },
    keepAlive,
  );
  return withTotal(first.response, totalFor(total, rest.rest_total_hits_as_int === true), id);
}

/** `POST /_search/scroll`: the next page of an open scroll. */
export async function continueScroll(
  scrolls: ScrollContexts, read: PageReader, id: string, scroll: unknown, asInt: boolean, owner: string | undefined,
): Promise<Record<string, unknown>> {
  const keepAlive = scroll === undefined ? undefined : keepAliveOf(scrolls, scroll);
  const ctx = scrolls.take(id, owner);
  let next: ScrollCursor | null = null;
  try {
    const page = await read(ctx.index, ctx.body, ctx.params, ctx.cursor);
    next = page.next;
    return withTotal(page.response, totalFor(ctx.total, asInt), id);
  } finally {
    scrolls.release(ctx, next, keepAlive);
  }
}
