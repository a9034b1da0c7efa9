/**
 * Full and incremental enumeration shared by the object-store sources (`s3`,
 * `google_cloud_storage`, `azure_blob_storage`, `network_drive`; docs/sources/s3.md
 * "Incremental syncs"); `directory` shares its cursor, its pipeline (objectDocuments) and its
 * fallback (sweepAfterThisRun) but walks with folder prints of its own. A store without a change
 * feed is listed again on every incremental sync (listings are cheap, downloads are not): only
 * objects modified since the previous listing are yielded, deletions are detected with
 * per-folder fingerprints (prints.ts), and when something is gone the run re-enumerates so the
 * runtime's mark-and-sweep removes it.
 *
 * The source supplies how to list its objects, what identifies one, and how to turn a stream of
 * them into documents; this file keeps the cursor `{version: 1, started, selection, folders}`.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { compileBasicRules } from '../../domain/sync-rules.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { mapOrdered } from './parallel.js';
import { PrintBook } from './prints.js';

/** Margin for clock differences between this machine and the store, and second-granular modification times. */
export const SKEW_MS = 3000;
/** Changed objects an incremental pass remembers so a fallback re-enumeration does not read them twice. */
export const MAX_REMEMBERED_CHANGES = 100_000;

export interface ObjectStoreCursor {
  version: 1;
  /** When the listing that produced this cursor started (this machine's clock). */
  started: string;
  /** Hash of the buckets and rules: another selection means a full re-enumeration. */
  selection: string;
  /** Folder fingerprints (prints.ts), null above MAX_FOLDERS. */
  folders: string | null;
}

/** What the shared algorithm needs to know of one listed object. */
export interface ObjectRef {
  bucket: string;
  key: string;
  /** The document id. */
  id: string;
  modified: Date;
}

export interface ObjectStore<T> {
  /** Every selected object, page by page. */
  list(ctx: SyncContext): AsyncIterable<T>;
  ref(item: T): ObjectRef;
  /** The documents of some listed objects, in order. */
  documents(items: AsyncIterable<T>, ctx: SyncContext): AsyncIterable<SourceDocument>;
  /** Hash of what is selected (buckets, rules, endpoint): another value means re-enumerating. */
  selection(ctx: SyncContext): string;
  /** Requests that may listen to the sync's signal at once. */
  listeners: number;
  /** What a folder fingerprint is made of: keys (an overwrite keeps the document) or ids (an overwrite is a new document). */
  fingerprint: 'key' | 'id';
  /** Logged when the fingerprints show something gone. */
  lostMessage: string;
}

export function parseCursor(c: Record<string, unknown> | null): ObjectStoreCursor | null {
  if (!c || c.version !== 1 || typeof c.started !== 'string' || typeof c.selection !== 'string') return null;
  if (Number.isNaN(Date.parse(c.started))) return null;
  return { version: 1, started: c.started, selection: c.selection, folders: typeof c.folders === 'string' ? c.folders : null };
}

/**
 * The sync's context with a signal of its own that follows the sync's: each request in flight
 * listens to it (up to `concurrent_downloads` downloads and a listing), more than Node's
 * default of 10 listeners before it warns.
 */
export function ownSignal(ctx: SyncContext, listeners: number): SyncContext {
  const ac = new AbortController();
  setMaxListeners(listeners, ac.signal);
  if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', () => ac.abort(ctx.signal.reason), { once: true });
  return Object.assign(Object.create(ctx) as SyncContext, { signal: ac.signal });
}

/** Basic rules evaluated before downloading, when none looks at the content. */
function prefilter(ctx: SyncContext): ((doc: SourceDocument) => boolean) | null {
  const rules = ctx.basicRules ?? [];
  if (rules.length === 0 || rules.some((r) => r.field === 'body' || r.field.startsWith('body.'))) return null;
  return compileBasicRules(rules);
}

/**
 * Listed objects → metadata documents → basic rules pushed down on metadata (skipped ones are
 * reported) → `concurrency` downloads + text extraction at once, in listing order.
 */
export async function* objectDocuments<T>(
  listed: AsyncIterable<T>,
  ctx: SyncContext,
  concurrency: number,
  metadata: (item: T) => SourceDocument,
  withContent: (item: T, doc: SourceDocument) => Promise<SourceDocument>,
): AsyncGenerator<SourceDocument> {
  const keep = prefilter(ctx);
  const selected = async function* (): AsyncGenerator<[T, SourceDocument]> {
    for await (const item of listed) {
      const doc = metadata(item);
      if (!keep || keep(doc)) yield [item, doc];
      else ctx.reportSkipped?.(doc._id);
    }
  };
  for await (const doc of mapOrdered(selected(), concurrency, ([item, doc]) => withContent(item, doc))) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    yield doc;
  }
}

/**
 * An incremental run that falls back to enumerating everything tells the runtime, which then
 * sweeps what the run did not write, as after a full sync (SyncContext.completeEnumeration).
 */
export function sweepAfterThisRun(ctx: SyncContext): void {
  if (ctx.completeEnumeration) ctx.completeEnumeration();
  else ctx.log.warn('the runtime cannot sweep after an incremental sync: deletions are applied by the next full sync');
}

/** The `getDocs` / `getDocsIncrementally` / `cursorAfterFullSync` of an object-store source. */
export class ObjectStoreSync<T> {
  private cursor: ObjectStoreCursor | null = null;

  constructor(private readonly store: ObjectStore<T>) {}

  private add(book: PrintBook, r: ObjectRef, changed: boolean): void {
    if (this.store.fingerprint === 'id') book.add(r.bucket, r.key, changed, r.id);
    else book.add(r.bucket, r.key, changed);
  }

  private async *enumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    const book = new PrintBook();
    const store = this.store;
    const add = (r: ObjectRef) => this.add(book, r, false);
    const remaining = async function* (): AsyncGenerator<T> {
      for await (const item of store.list(ctx)) {
        const r = store.ref(item);
        add(r);
        if (!done.has(r.id)) yield item;
      }
    };
    yield* store.documents(remaining(), ctx);
    this.cursor = { version: 1, started: new Date(started).toISOString(), selection: store.selection(ctx), folders: book.encode() };
  }

  async *getDocs(syncCtx: SyncContext): AsyncGenerator<SourceDocument> {
    yield* this.enumerate(ownSignal(syncCtx, this.store.listeners), Date.now());
  }

  async *getDocsIncrementally(syncCtx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    const store = this.store;
    const ctx = ownSignal(syncCtx, store.listeners);
    const started = Date.now();
    const prev = parseCursor(ctx.syncCursor);
    if (!prev || prev.folders === null || prev.selection !== store.selection(ctx)) {
      ctx.log.info(prev ? 'bucket selection changed or too many folders to track: re-enumerating' : 'no previous cursor: enumerating every object');
      yield* this.reenumerate(ctx, started);
      return { ...this.cursor! };
    }
    const since = Date.parse(prev.started) - SKEW_MS;
    const book = new PrintBook();
    const seen = new Set<string>();
    let overflow = false;
    const add = (r: ObjectRef, changed: boolean) => this.add(book, r, changed);
    const changed = async function* (): AsyncGenerator<T> {
      for await (const item of store.list(ctx)) {
        const r = store.ref(item);
        const isChanged = r.modified.getTime() > since;
        add(r, isChanged);
        if (!isChanged || overflow) continue;
        if (seen.size >= MAX_REMEMBERED_CHANGES) {
          overflow = true;
          continue;
        }
        seen.add(r.id);
        yield item;
      }
    };
    yield* store.documents(changed(), ctx);
    if (overflow || !book.nothingLost(prev.folders)) {
      ctx.log.info(overflow ? `more than ${MAX_REMEMBERED_CHANGES} changed objects: re-enumerating` : store.lostMessage);
      yield* this.reenumerate(ctx, started, seen);
      return { ...this.cursor! };
    }
    this.cursor = { version: 1, started: new Date(started).toISOString(), selection: store.selection(ctx), folders: book.encode() };
    return { ...this.cursor };
  }

  private async *reenumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    sweepAfterThisRun(ctx);
    yield* this.enumerate(ctx, started, done);
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.cursor ? { ...this.cursor } : null;
  }
}

/**
 * What a cursor's `selection` is: a hash of what the source selects by (`parts`: buckets or
 * containers, endpoint, advanced rules) and of the basic rules.
 */
export function selectionHash(ctx: SyncContext, parts: unknown[]): string {
  const rules = (ctx.basicRules ?? []).map((r) => [r.order, r.policy, r.field, r.rule, r.value]);
  return createHash('sha1').update(JSON.stringify([...parts, rules])).digest('base64url').slice(0, 16);
}

/** The Source methods an object-store source hands to its ObjectStoreSync. */
export abstract class ObjectStoreSource<T> {
  protected abstract readonly sync: ObjectStoreSync<T>;

  getDocs(ctx: SyncContext): AsyncGenerator<SourceDocument> {
    return this.sync.getDocs(ctx);
  }

  getDocsIncrementally(ctx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    return this.sync.getDocsIncrementally(ctx);
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.sync.cursorAfterFullSync();
  }
}
