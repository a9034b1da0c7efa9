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
 * (shared/prints.ts; the algorithm and the cursor are shared with `s3` in
 * shared/object-store-sync.ts). An overwrite is a new generation, hence a new id, so the old one counts
 * as gone: the run then re-enumerates and the runtime's mark-and-sweep removes it.
 */
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY } from '../source.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { objectDocuments, ObjectStoreSource, ObjectStoreSync, selectionHash } from '../shared/object-store-sync.js';
import { GcsApi, type GcsObject } from './client.js';
import { gcsConfigSchema, readGcsSettings, type GcsSettings } from './config.js';
import { withContent } from './content.js';

const CONSOLE = 'https://console.cloud.google.com/storage/browser/_details/';

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

class GcsSource extends ObjectStoreSource<GcsObject> implements Source {
  private readonly api: GcsApi;
  protected readonly sync: ObjectStoreSync<GcsObject>;

  constructor(
    private readonly s: GcsSettings,
    private readonly policy: SourcePolicy,
  ) {
    super();
    this.api = new GcsApi(s, policy.allowedHosts);
    this.sync = new ObjectStoreSync<GcsObject>({
      list: (ctx) => this.list(ctx),
      ref: (o) => ({ bucket: o.bucket, key: o.name, id: o.id, modified: o.updated }),
      documents: (listed, ctx) => this.documents(listed, ctx),
      selection: (ctx) => this.selection(ctx),
      listeners: s.concurrentDownloads * 3 + 16,
      fingerprint: 'id',
      lostMessage: 'objects removed or overwritten since the previous sync: re-enumerating so the old documents are removed',
    });
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
    return selectionHash(ctx, [this.s.buckets, this.s.endpoint.href]);
  }

  private documents(listed: AsyncIterable<GcsObject>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const project = this.s.account.projectId;
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    return objectDocuments(listed, ctx, this.s.concurrentDownloads, (o) => objectDocument(o, project), (o, doc) => withContent(this.api, doc, o, limits, ctx));
  }

  async close(): Promise<void> {
    this.api.close();
  }
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
    return createOrExplain(() => new GcsSource(readGcsSettings(config), policy));
  },
};


