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
 * fingerprints of the keys. The algorithm and the cursor are shared with
 * `google_cloud_storage` (shared/object-store-sync.ts).
 */
import { createHash } from 'node:crypto';
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, RulesValidation, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY, SourceError } from '../source.js';
import { S3Api, type S3Object } from './client.js';
import { readS3Settings, s3ConfigSchema, type S3Settings } from './config.js';
import { withContent } from './content.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { objectDocuments, ObjectStoreSource, ObjectStoreSync, selectionHash } from '../shared/object-store-sync.js';
import { extensionOf, s3Rules, validateS3Rules, type S3Rule } from './rules.js';

/** Elastic's document id of an object. */
export function documentId(bucket: string, key: string): string {
  return createHash('md5').update(`${bucket}/${key}`).digest('hex');
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

class S3Source extends ObjectStoreSource<Listed> implements Source {
  private readonly api: S3Api;
  protected readonly sync: ObjectStoreSync<Listed>;

  constructor(
    private readonly s: S3Settings,
    private readonly policy: SourcePolicy,
  ) {
    super();
    this.api = new S3Api(s, policy.allowedHosts);
    this.sync = new ObjectStoreSync<Listed>({
      list: (ctx) => this.list(ctx),
      ref: (l) => ({ bucket: l.bucket, key: l.o.key, id: documentId(l.bucket, l.o.key), modified: l.o.lastModified }),
      documents: (listed, ctx) => this.documents(listed, ctx),
      selection: (ctx) => this.selection(ctx),
      listeners: s.concurrentDownloads * 3 + 16,
      fingerprint: 'key',
      lostMessage: 'objects removed since the previous sync: re-enumerating so deletions are applied',
    });
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
    return selectionHash(ctx, [this.s.buckets, this.s.endpoint?.href ?? null, ctx.advancedRules ?? {}]);
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

  private documents(listed: AsyncIterable<Listed>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    return objectDocuments(listed, ctx, this.s.concurrentDownloads, (l) => this.metadata(l), (l, doc) => withContent(this.api, doc, l.o, l.bucket, l.region, limits, ctx));
  }

  async validateAdvancedRules(rules: unknown): Promise<RulesValidation> {
    return validateS3Rules(rules);
  }

  async close(): Promise<void> {
    this.api.close();
  }
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
    return createOrExplain(() => new S3Source(readS3Settings(config), policy), { validateRules: validateS3Rules });
  },
};
