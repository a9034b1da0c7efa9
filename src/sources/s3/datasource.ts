/**
 * The `s3` source (docs/sources/s3.md): one document per object of the configured buckets
 * (or of the advanced rules' bucket + prefix + extension selections), with Elastic's fields
 * (`_id` = md5 of `<bucket>/<key>`, `filename`, `size_in_bytes`, `bucket`, `region`, `owner`,
 * `storage_class`, `server_side_encryption`, `_timestamp`) and the extracted `body`.
 *
 *   ListObjectsV2 page by page (client.ts) → advanced-rule extensions → basic rules pushed down
 *     on metadata → `concurrent_downloads` downloads + text extraction (content.ts) → documents
 *
 * Incremental syncs list every object again (listings are cheap, downloads are not) and yield
 * only objects modified since the previous listing; deletions are detected with per-folder
 * fingerprints (prints.ts), and when something is gone the run re-enumerates so the
 * runtime's mark-and-sweep removes it.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { compileBasicRules } from '../../domain/sync-rules.js';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, RulesValidation, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { configurationError, OPEN_POLICY, SourceError } from '../source.js';
import { S3Api, type S3Object } from './client.js';
import { readS3Settings, s3ConfigSchema, type S3Settings } from './config.js';
import { withContent } from './content.js';
import { mapOrdered } from '../shared/parallel.js';
import { PrintBook } from '../shared/prints.js';
import { extensionOf, s3Rules, validateS3Rules, type S3Rule } from './rules.js';

/** Margin for clock differences between this machine and the store, and second-granular LastModified. */
export const SKEW_MS = 3000;
/** Changed objects an incremental pass remembers so a fallback re-enumeration does not read them twice. */
const MAX_REMEMBERED_CHANGES = 100_000;

export interface S3Cursor {
  version: 1;
  /** When the listing that produced this cursor started (this machine's clock). */
  started: string;
  /** Hash of the buckets and rules: another selection means a full re-enumeration. */
  selection: string;
  /** Folder fingerprints (prints.ts), null above MAX_FOLDERS. */
  folders: string | null;
}

/** Elastic's document id of an object. */
export function documentId(bucket: string, key: string): string {
  return createHash('md5').update(`${bucket}/${key}`).digest('hex');
}

function parseCursor(c: Record<string, unknown> | null): S3Cursor | null {
  if (!c || c.version !== 1 || typeof c.started !== 'string' || typeof c.selection !== 'string') return null;
  if (Number.isNaN(Date.parse(c.started))) return null;
  return { version: 1, started: c.started, selection: c.selection, folders: typeof c.folders === 'string' ? c.folders : null };
}

/** One bucket to list: the common prefix of its rules, and the rules an object must match (any). */
interface Target {
  bucket: string;
  prefix: string;
  rules: S3Rule[] | null;
}

interface Listed {
  bucket: string;
  region: string;
  o: S3Object;
}

function commonPrefix(a: string[]): string {
  if (a.length === 0) return '';
  let p = a[0];
  for (const s of a) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function matches(rules: S3Rule[] | null, key: string): boolean {
  if (!rules) return true;
  const ext = extensionOf(key);
  return rules.some((r) => key.startsWith(r.prefix) && (r.extensions === null || r.extensions.has(ext)));
}

/**
 * The sync's context with a signal of its own that follows the sync's: each request in flight
 * listens to it (up to `concurrent_downloads` downloads and a listing), more than Node's
 * default of 10 listeners before it warns.
 */
function ownSignal(ctx: SyncContext, listeners: number): SyncContext {
  const ac = new AbortController();
  setMaxListeners(listeners, ac.signal);
  if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', () => ac.abort(ctx.signal.reason), { once: true });
  return Object.assign(Object.create(ctx) as SyncContext, { signal: ac.signal });
}

class S3Source implements Source {
  private cursor: S3Cursor | null = null;
  private readonly api: S3Api;

  constructor(
    private readonly s: S3Settings,
    private readonly policy: SourcePolicy,
  ) {
    this.api = new S3Api(s, policy.allowedHosts);
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(Math.max(30_000, this.s.connectTimeoutMs + this.s.readTimeoutMs));
    if (this.s.buckets[0] === '*') {
      await this.api.listBuckets(signal);
      return;
    }
    for (const b of this.s.buckets) {
      const region = await this.api.bucketRegion(b, signal);
      for await (const _ of this.api.listObjects(b, region, '', signal)) break;
    }
  }

  private async targets(ctx: SyncContext): Promise<Target[]> {
    const rules = s3Rules(ctx.advancedRules);
    if (rules) {
      const v = validateS3Rules(ctx.advancedRules);
      if (!v.valid) throw new SourceError(`Invalid advanced sync rules: ${v.messages.join('; ')}`);
      const byBucket = new Map<string, S3Rule[]>();
      for (const r of rules) byBucket.set(r.bucket, [...(byBucket.get(r.bucket) ?? []), r]);
      return [...byBucket].map(([bucket, rs]) => ({ bucket, prefix: commonPrefix(rs.map((r) => r.prefix)), rules: rs }));
    }
    const buckets = this.s.buckets[0] === '*' ? await this.api.listBuckets(ctx.signal) : this.s.buckets;
    return buckets.map((bucket) => ({ bucket, prefix: '', rules: null }));
  }

  /** Every selected object, page by page: one listing page held at a time. */
  private async *list(ctx: SyncContext): AsyncGenerator<Listed> {
    for (const t of await this.targets(ctx)) {
      const region = await this.api.bucketRegion(t.bucket, ctx.signal);
      for await (const page of this.api.listObjects(t.bucket, region, t.prefix, ctx.signal)) {
        for (const o of page) if (matches(t.rules, o.key)) yield { bucket: t.bucket, region, o };
      }
    }
  }

  private selection(ctx: SyncContext): string {
    const rules = (ctx.basicRules ?? []).map((r) => [r.order, r.policy, r.field, r.rule, r.value]);
    const key = JSON.stringify([this.s.buckets, this.s.endpoint?.href ?? null, ctx.advancedRules ?? {}, rules]);
    return createHash('sha1').update(key).digest('base64url').slice(0, 16);
  }

  /** Basic rules evaluated before downloading, when none looks at the content. */
  private prefilter(ctx: SyncContext): ((doc: SourceDocument) => boolean) | null {
    const rules = ctx.basicRules ?? [];
    if (rules.length === 0 || rules.some((r) => r.field === 'body' || r.field.startsWith('body.'))) return null;
    return compileBasicRules(rules);
  }

  private metadata({ bucket, region, o }: Listed): SourceDocument {
    return {
      _id: documentId(bucket, o.key),
      _timestamp: o.lastModified.toISOString(),
      filename: o.key,
      size_in_bytes: o.size,
      bucket,
      region,
      owner: o.owner ?? '',
      storage_class: o.storageClass,
      server_side_encryption: null,
    };
  }

  private async *documents(listed: AsyncIterable<Listed>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const keep = this.prefilter(ctx);
    const metadata = (l: Listed) => this.metadata(l);
    const selected = async function* (): AsyncGenerator<[Listed, SourceDocument]> {
      for await (const l of listed) {
        const doc = metadata(l);
        if (!keep || keep(doc)) yield [l, doc];
        else ctx.reportSkipped?.(doc._id);
      }
    };
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    for await (const doc of mapOrdered(selected(), this.s.concurrentDownloads, ([l, doc]) => withContent(this.api, doc, l.o, l.bucket, l.region, limits, ctx))) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      yield doc;
    }
  }

  private async *enumerate(ctx: SyncContext, started: number, done: ReadonlySet<string> = new Set()): AsyncGenerator<SourceDocument> {
    const book = new PrintBook();
    const list = this.list(ctx);
    const remaining = async function* (): AsyncGenerator<Listed> {
      for await (const l of list) {
        book.add(l.bucket, l.o.key, false);
        if (!done.has(documentId(l.bucket, l.o.key))) yield l;
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
    const changed = async function* (): AsyncGenerator<Listed> {
      for await (const l of list) {
        const isChanged = l.o.lastModified.getTime() > since;
        book.add(l.bucket, l.o.key, isChanged);
        if (!isChanged || overflow) continue;
        if (seen.size >= MAX_REMEMBERED_CHANGES) {
          overflow = true;
          continue;
        }
        seen.add(documentId(l.bucket, l.o.key));
        yield l;
      }
    };
    yield* this.documents(changed(), ctx);
    if (overflow || !book.nothingLost(prev.folders)) {
      ctx.log.info(overflow ? `more than ${MAX_REMEMBERED_CHANGES} changed objects: re-enumerating` : 'objects removed since the previous sync: re-enumerating so deletions are applied');
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

  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    return validateS3Rules(rules);
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
  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    return validateS3Rules(rules);
  }
  async close(): Promise<void> {}
}

export const s3Source: SourceFactory = {
  serviceType: 's3',
  displayName: 'Amazon S3',
  configSchema: s3ConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: false,
    sync_rules: { basic: true, advanced: true },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    try {
      return new S3Source(readS3Settings(config), policy);
    } catch (err) {
      return new MisconfiguredSource(configurationError(err));
    }
  },
};
