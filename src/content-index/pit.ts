/**
 * Points in time of the embedded index (`POST /<index>/_pit`, `DELETE /_pit`, `pit` in a
 * `_search` body; docs/embedded-index.md "Deep paging"). A point in time holds no rows and no
 * connection: it records the index and two high-water marks taken when it opened — the highest
 * document rowid and the highest `_seq_no` stored — and every search on it keeps to the
 * documents with a rowid up to the first that were not created after the second (`_version`
 * 1 written later). So documents created after it opened are never seen, whatever rowid they
 * get; documents deleted after it opened are not seen either, and documents updated after it
 * opened are seen in their current version (SQLite keeps no old versions): that is the
 * difference from Elasticsearch's snapshot, documented.
 *
 * Bounds as for scrolls (scroll.ts): at most `maxOpen` open (429 beyond), keep-alive at most
 * `maxKeepAliveMs` (`search.max_keep_alive`, 24 h; 400 beyond); each search with `pit.keep_alive`
 * extends it. A point in time belongs to who opened it (security on): anyone else's id is unknown.
 */
import { randomBytes } from 'node:crypto';
import { errors } from '../domain/errors.js';
import { parseTimeValue } from '../domain/shared/time-value.js';
import { isPlainObject } from '../domain/shared/json.js';
import type { ScrollContexts } from './scroll.js';

export interface PitLimits {
  maxOpen: number;
  maxKeepAliveMs: number;
}

export const DEFAULT_PIT_LIMITS: PitLimits = { maxOpen: 500, maxKeepAliveMs: 24 * 3600_000 };

export interface PitContext {
  index: string;
  /** The index's uuid when opened: an index deleted and re-created is not this one. */
  uuid: string;
  maxRowid: number;
  maxSeq: number;
  owner?: string;
  expiresAt: number;
}

export class PitContexts {
  private readonly open = new Map<string, PitContext>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly limits: PitLimits = DEFAULT_PIT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  /** `keep_alive` (a time value) in milliseconds, within the limit; 400 otherwise. */
  keepAlive(v: unknown, scrolls: ScrollContexts): number {
    if (v === undefined || v === null || v === '') throw errors.validation(['[keep_alive] is missing']);
    let ms: number;
    try {
      ms = parseTimeValue(String(v), 'keep_alive');
    } catch (e) {
      throw errors.badBody((e as Error).message);
    }
    if (ms > this.limits.maxKeepAliveMs) return scrolls.keepAlive(ms); // the same 400 as a scroll's
    return ms;
  }

  add(ctx: Omit<PitContext, 'expiresAt'>, keepAliveMs: number): string {
    this.sweep();
    if (this.open.size >= this.limits.maxOpen) {
      throw errors.tooManyScrolls(
        `Trying to create too many point in time contexts. Must be less than or equal to: [${this.limits.maxOpen}]. ` +
          'Close finished points in time (DELETE /_pit) or wait for their keep-alive.',
      );
    }
    const id = randomBytes(24).toString('base64url');
    this.open.set(id, { ...ctx, expiresAt: this.now() + keepAliveMs });
    return id;
  }

  /** The caller's point in time `id`, its keep-alive extended when given; 404 when unknown, expired or another's. */
  get(id: string, owner: string | undefined, keepAliveMs?: number): PitContext {
    this.sweep();
    const ctx = this.open.get(id);
    if (!ctx || ctx.owner !== owner) throw errors.scrollMissing(id);
    if (keepAliveMs !== undefined) ctx.expiresAt = this.now() + keepAliveMs;
    return ctx;
  }

  /** Closes the caller's points in time among `ids`; how many were open. */
  close(ids: string[], owner: string | undefined): number {
    this.sweep();
    let freed = 0;
    for (const id of ids) {
      const ctx = this.open.get(id);
      if (ctx && ctx.owner === owner && this.open.delete(id)) freed++;
    }
    return freed;
  }

  size(): number {
    return this.open.size;
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.open.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, ctx] of this.open) if (ctx.expiresAt <= now) this.open.delete(id);
  }
}

/** `pit` of a `_search` body: `{id, keep_alive?}`; 400 otherwise. */
export function parsePitBody(v: unknown): { id: string; keepAlive?: unknown } {
  if (!isPlainObject(v) || typeof v.id !== 'string' || v.id === '') throw errors.parsing('[pit] must be an object with a string [id]');
  for (const k of Object.keys(v)) if (k !== 'id' && k !== 'keep_alive') throw errors.parsing(`[pit] unknown field [${k}]`);
  return { id: v.id, keepAlive: v.keep_alive };
}
