/**
 * The incremental-sync cursor of the `confluence` source (docs/sources/confluence.md
 * "Incremental syncs"). CQL's `lastmodified` compares at minute precision, in the account's time
 * zone, and Confluence's search index trails edits by seconds; so each run asks for everything
 * modified since a floor some minutes before the previous run started (`OVERLAP_MS`), and the
 * cursor remembers the version time of each item it saw inside that window: an item found again
 * with the same time is skipped, so the overlap costs requests, not re-indexing.
 *
 * Bounded: only items modified inside the window are remembered, at most `MAX_SEEN` (past it the
 * rest are simply indexed again next time). `scope` fingerprints what the cursor covers (spaces,
 * rules, labels, DLS): a change there makes the next incremental run a full enumeration.
 */
import { createHash } from 'node:crypto';

export const OVERLAP_MS = 5 * 60_000;
export const MAX_SEEN = 5000;

export interface ConfluenceCursor {
  v: 1;
  /** ISO time: the next run asks for content modified at or after this minute. */
  since: string;
  scope: string;
  /** id → version time (ISO) of content modified at or after `since`. */
  seen: Record<string, string>;
}

export function scopeOf(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** A cursor of this source and scope, else null (then the run enumerates everything). */
export function readCursor(c: Record<string, unknown> | null, scope: string): ConfluenceCursor | null {
  if (!c || c.v !== 1 || c.scope !== scope || typeof c.since !== 'string' || Number.isNaN(Date.parse(c.since))) return null;
  const seen = c.seen && typeof c.seen === 'object' && !Array.isArray(c.seen) ? (c.seen as Record<string, unknown>) : {};
  const clean: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(seen)) {
    if (typeof v === 'string' && n++ < MAX_SEEN) clean[k] = v;
  }
  return { v: 1, since: c.since, scope, seen: clean };
}

/** `yyyy-MM-dd HH:mm` of `ms` (floored to the minute) in `timeZone`, as CQL dates are written. */
export function cqlMinute(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(ms));
  const n = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${n('year')}-${n('month')}-${n('day')} ${n('hour')}:${n('minute')}`;
}

/** Collects the items of a run modified inside the next window, and answers "seen already?". */
export class SeenWindow {
  readonly floor: number;
  private readonly next = new Map<string, string>();

  constructor(
    startedAt: number,
    private readonly previous: Record<string, string> = {},
  ) {
    this.floor = startedAt - OVERLAP_MS;
    for (const [id, when] of Object.entries(previous)) this.note(id, when);
  }

  /** Whether the previous run indexed this very version. */
  known(id: string, when: string | undefined): boolean {
    return when !== undefined && this.previous[id] === when;
  }

  note(id: string, when: string | undefined): void {
    if (when === undefined || Date.parse(when) < this.floor) return;
    if (this.next.size < MAX_SEEN || this.next.has(id)) this.next.set(id, when);
  }

  cursor(scope: string): ConfluenceCursor {
    return { v: 1, since: new Date(this.floor).toISOString(), scope, seen: Object.fromEntries(this.next) };
  }
}
