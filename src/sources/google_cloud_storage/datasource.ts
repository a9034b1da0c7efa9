/**
 * The `google_cloud_storage` source (docs/sources/google_cloud_storage.md): one document per
 * object of the configured buckets (`*` = every bucket of the key's project), with Elastic's
 * fields (`_id` = the object's `id`, `<bucket>/<name>/<generation>`; `name`, `size`, `type`,
 * `bucket_name`, `version`, `created_at`, `last_updated`, `storage_class`, `metadata`,
 * `content_encoding`, `content_language`, `component_count`, `url`, `_timestamp`) and the
 * extracted `body`.
 *
 *   objects.list page by page (client.ts) → basic rules pushed down on metadata →
 *     `concurrent_downloads` downloads + text extraction (content.ts) → documents
 *
 * Incremental syncs list every object again and yield only objects updated since the previous
 * listing; deletions are detected with per-folder fingerprints of the document ids
 * (shared/prints.ts). An overwrite is a new generation, hence a new id, so the old one counts
 * as gone: the run then re-enumerates and the runtime's mark-and-sweep removes it.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { compileBasicRules } from '../../domain/sync-rules.js';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { configurationError, OPEN_POLICY } from '../source.js';
import { mapOrdered } from '../shared/parallel.js';
import { PrintBook } from '../shared/prints.js';
import { GcsApi, type GcsObject } from './client.js';
import { gcsConfigSchema, readGcsSettings, type GcsSettings } from './config.js';
import { withContent } from './content.js';

/** Margin for clock differences between this machine and the store. */
export const SKEW_MS = 3000;
const MAX_REMEMBERED_CHANGES = 100_000;
const CONSOLE = 'https://console.cloud.google.com/storage/browser/_details/';

interface GcsCursor {
  version: 1;
  started: string;
  selection: string;
  folders: string | null;
}

function parseCursor(c: Record<string, unknown> | null): GcsCursor | null {
  if (!c || c.version !== 1 || typeof c.started !== 'string' || typeof c.selection !== 'string') return null;
  if (Number.isNaN(Date.parse(c.started))) return null;
  return { version: 1, started: c.started, selection: c.selection, folders: typeof c.folders === 'string' ? c.folders : null };
}

/** The sync's context with a signal of its own (many requests listen to it at once). */
function ownSignal(ctx: SyncContext, listeners: number): SyncContext {
  const ac = new AbortController();
  setMaxListeners(listeners, ac.signal);
  if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', () => ac.abort(ctx.signal.reason), { once: true });
  return Object.assign(Object.create(ctx) as SyncContext, { signal: ac.signal });
}

/** Elastic's document of an object (metadata only; content.ts adds `body`). */
export function objectDocument(o: GcsObject, project: string | null): SourceDocument {
  // Percent-encoded as Elastic's connector does (every character but letters, digits, _.-~ and '; '/' too).
  const quoted = encodeURIComponent(o.name).replace(/[!*()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return {
    _id: o.id,
    _timestamp: o.updated.toISOString(),
    component_count: o.componentCount,
    content_encoding: o.contentEncoding,
    content_language: o.contentLanguage,
    created_at: o.timeCreated,
    last_updated: o.updated.toISOString(),
    metadata: o.metadata,
    name: o.name,
    size: String(o.size),
    storage_class: o.storageClass,
    type: o.contentType,
    url: `${CONSOLE}${o.bucket}/${quoted};tab=live_object${project ? `?project=${encodeURIComponent(project)}` : ''}`,
    version: o.generation,
    bucket_name: o.bucket,
  };
}

class GcsSource implements Source {
  private cursor: GcsCursor | null = null;
  private readonly api: GcsApi;

  constructor(
    private readonly s: GcsSettings,
    private readonly policy: SourcePolicy,
  ) {
    this.api = new GcsApi(s, policy.allowedHosts);
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(Math.max(30_000, this.s.readTimeoutMs * 2));
    if (this.s.buckets[0] === '*') {
      for await (const _ of this.api.listBuckets(this.s.account.projectId!, signal)) break;
      return;
    }
    for (const b of this.s.buckets) for await (const _ of this.api.listObjects(b, '', signal, 1)) break;
  }

  private async *bucketNames(ctx: SyncContext): AsyncGenerator<string> {
    if (this.s.buckets[0] === '*') yield* this.api.listBuckets(this.s.account.projectId!, ctx.signal);
    else yield* this.s.buckets;
  }

  private async *list(ctx: SyncContext): AsyncGenerator<GcsObject> {
    for await (const bucket of this.bucketNames(ctx)) {
      for await (const page of this.api.listObjects(bucket, '', ctx.signal)) yield* page;
    }
  }

  private selection(ctx: SyncContext): string {
    const rules = (ctx.basicRules ?? []).map((r) => [r.order, r.policy, r.field, r.rule, r.value]);
    const key = JSON.stringify([this.s.buckets, this.s.endpoint.href, rules]);
    return createHash('sha1').update(key).digest('base64url').slice(0, 16);
  }

  private prefilter(ctx: SyncContext): ((doc: SourceDocument) => boolean) | null {
    const rules = ctx.basicRules ?? [];
    if (rules.length === 0 || rules.some((r) => r.field === 'body' || r.field.startsWith('body.'))) return null;
    return compileBasicRules(rules);
  }

  private async *documents(listed: AsyncIterable<GcsObject>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const keep = this.prefilter(ctx);
    const project = this.s.account.projectId;
    const selected = async function* (): AsyncGenerator<[GcsObject, SourceDocument]> {
      for await (const o of listed) {
        const doc = objectDocument(o, project);
        if (!keep || keep(doc)) yield [o, doc];
        else ctx.reportSkipped?.(doc._id);
      }
    };
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    for await (const doc of mapOrdered(selected(), this.s.concurrentDownloads, ([o, doc]) => withContent(this.api, doc, o, limits, ctx))) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      yield doc;
    }
  }

  private async *enumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    const book = new PrintBook();
    const list = this.list(ctx);
    const remaining = async function* (): AsyncGenerator<GcsObject> {
      for await (const o of list) {
        book.add(o.bucket, o.name, false, o.id);
        if (!done.has(o.id)) yield o;
      }
    };
    yield* this.documents(remaining(), ctx);
    this.cursor = { version: 1, started: new Date(started).toISOString(), selection: this.selection(ctx), folders: book.encode() };
  }

  private listeners(): number {
    return this.s.concurrentDownloads * 3 + 16;
  }

  async *getDocs(syncCtx: SyncContext): AsyncGenerator<SourceDocument> {
    yield* this.enumerate(ownSignal(syncCtx, this.listeners()), Date.now());
  }

  async *getDocsIncrementally(syncCtx: SyncContext): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    const ctx = ownSignal(syncCtx, this.listeners());
    const started = Date.now();
    const prev = parseCursor(ctx.syncCursor);
    if (!prev || prev.folders === null || prev.selection !== this.selection(ctx)) {
      ctx.log.info(prev ? 'bucket selection changed or too many folders to track: re-enumerating' : 'no previous cursor: enumerating every object');
      yield* this.reenumerate(ctx, started);
      return { ...this.cursor! };
    }
    const since = Date.parse(prev.started) - SKEW_MS;
    const book = new PrintBook();
    const seen = new Set<string>();
    let overflow = false;
    const list = this.list(ctx);
    const changed = async function* (): AsyncGenerator<GcsObject> {
      for await (const o of list) {
        const isChanged = o.updated.getTime() > since;
        book.add(o.bucket, o.name, isChanged, o.id);
        if (!isChanged || overflow) continue;
        if (seen.size >= MAX_REMEMBERED_CHANGES) {
          overflow = true;
          continue;
        }
        seen.add(o.id);
        yield o;
      }
    };
    yield* this.documents(changed(), ctx);
    if (overflow || !book.nothingLost(prev.folders)) {
      ctx.log.info(overflow ? `more than ${MAX_REMEMBERED_CHANGES} changed objects: re-enumerating` : 'objects removed or overwritten since the previous sync: re-enumerating so the old documents are removed');
      yield* this.reenumerate(ctx, started, seen);
      return { ...this.cursor! };
    }
    this.cursor = { version: 1, started: new Date(started).toISOString(), selection: this.selection(ctx), folders: book.encode() };
    return { ...this.cursor };
  }

  private async *reenumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    if (ctx.completeEnumeration) ctx.completeEnumeration();
    else ctx.log.warn('the runtime cannot sweep after an incremental sync: deletions are applied by the next full sync');
    yield* this.enumerate(ctx, started, done);
  }

  cursorAfterFullSync(): Record<string, unknown> | null {
    return this.cursor ? { ...this.cursor } : null;
  }

  async close(): Promise<void> {
    this.api.close();
  }
}

/** A source whose configuration is invalid: every call explains what to fix. */
class MisconfiguredSource implements Source {
  constructor(private readonly err: unknown) {}
  async ping(): Promise<void> {
    throw this.err;
  }
  // eslint-disable-next-line require-yield
  async *getDocs(): AsyncGenerator<SourceDocument> {
    throw this.err;
  }
  // eslint-disable-next-line require-yield
  async *getDocsIncrementally(): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    throw this.err;
  }
  async close(): Promise<void> {}
}

export const googleCloudStorageSource: SourceFactory = {
  serviceType: 'google_cloud_storage',
  displayName: 'Google Cloud Storage',
  configSchema: gcsConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: false,
    sync_rules: { basic: true, advanced: false },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    try {
      return new GcsSource(readGcsSettings(config), policy);
    } catch (err) {
      return new MisconfiguredSource(configurationError(err));
    }
  },
};


