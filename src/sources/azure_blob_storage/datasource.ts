/**
 * The `azure_blob_storage` source (docs/sources/azure_blob_storage.md): one document per blob
 * of the configured containers (`*` = every container of the account), with Elastic's fields
 * (`_id` = `<container>/<name>`, `title`, `size`, `container`, `tier`, `content type`,
 * `created at`, `metadata`, `container metadata`, `leasedata`, `_timestamp`), Tributary's
 * `url`, and the extracted `body`.
 *
 *   List Blobs page by page (client.ts) → basic rules pushed down on metadata →
 *     `concurrent_downloads` downloads + text extraction (content.ts) → documents
 *
 * Incremental syncs list every blob again and yield only blobs whose Last-Modified is after
 * the previous listing; deletions are detected with per-folder fingerprints of the names. The
 * algorithm and the cursor are shared with `s3` and `google_cloud_storage`
 * (shared/object-store-sync.ts).
 */
import { DEFAULT_EXTRACT_TIMEOUT_MS } from '../../extraction/extract-pool.js';
import type { ConfigValues, Source, SourceDocument, SourceFactory, SourcePolicy, SyncContext } from '../source.js';
import { OPEN_POLICY } from '../source.js';
import { createOrExplain } from '../shared/misconfigured-source.js';
import { objectDocuments, ObjectStoreSource, ObjectStoreSync, selectionHash } from '../shared/object-store-sync.js';
import { pyStrDict } from '../shared/python-repr.js';
import { AzureApi, type AzureBlob, type Container } from './client.js';
import { azureConfigSchema, readAzureSettings, type AzureSettings } from './config.js';
import { withContent } from './content.js';

/** Elastic's document id of a blob. */
export function documentId(container: string, name: string): string {
  return `${container}/${name}`;
}

/** The blob's URL: the endpoint, the container, the name's segments percent-encoded. */
export function blobUrl(endpoint: URL, container: string, name: string): string {
  return `${endpoint.href.replace(/\/+$/, '')}/${container}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** Elastic's document of a blob (metadata only; content.ts adds `body`). */
export function blobDocument(b: AzureBlob, endpoint: URL): SourceDocument {
  return {
    _id: documentId(b.container, b.name),
    _timestamp: b.lastModified.toISOString(),
    'created at': b.createdOn?.toISOString() ?? null,
    'content type': b.contentType,
    'container metadata': pyStrDict(b.containerMetadata),
    metadata: pyStrDict(b.metadata),
    leasedata: pyStrDict({ status: b.lease.status, state: b.lease.state, duration: b.lease.duration }),
    title: b.name,
    tier: b.tier,
    size: b.size,
    container: b.container,
    url: blobUrl(endpoint, b.container, b.name),
  };
}

class AzureBlobStorageSource extends ObjectStoreSource<AzureBlob> implements Source {
  private readonly api: AzureApi;
  protected readonly sync: ObjectStoreSync<AzureBlob>;

  constructor(
    private readonly s: AzureSettings,
    private readonly policy: SourcePolicy,
  ) {
    super();
    this.api = new AzureApi(s, policy.allowedHosts);
    this.sync = new ObjectStoreSync<AzureBlob>({
      list: (ctx) => this.list(ctx),
      ref: (b) => ({ bucket: b.container, key: b.name, id: documentId(b.container, b.name), modified: b.lastModified }),
      documents: (listed, ctx) => this.documents(listed, ctx),
      selection: (ctx) => this.selection(ctx),
      listeners: s.concurrentDownloads * 3 + 16,
      fingerprint: 'key',
      lostMessage: 'blobs removed since the previous sync: re-enumerating so deletions are applied',
    });
  }

  async ping(): Promise<void> {
    const signal = AbortSignal.timeout(Math.max(30_000, this.s.readTimeoutMs * 2));
    if (this.s.containers[0] === '*') {
      for await (const _ of this.api.listContainers(signal)) break;
      return;
    }
    for (const name of this.s.containers) {
      const c = await this.api.container(name, signal);
      for await (const _ of this.api.listBlobs(c, signal, 1)) break;
    }
  }

  private async *containers(ctx: SyncContext): AsyncGenerator<Container> {
    if (this.s.containers[0] === '*') yield* this.api.listContainers(ctx.signal);
    else for (const name of this.s.containers) yield await this.api.container(name, ctx.signal);
  }

  /** Every blob of the selected containers, page by page: one listing page held at a time. */
  private async *list(ctx: SyncContext): AsyncGenerator<AzureBlob> {
    for await (const c of this.containers(ctx)) {
      for await (const page of this.api.listBlobs(c, ctx.signal)) yield* page;
    }
  }

  private selection(ctx: SyncContext): string {
    return selectionHash(ctx, [this.s.containers, this.s.endpoint.href, this.s.accountName]);
  }

  private documents(listed: AsyncIterable<AzureBlob>, ctx: SyncContext): AsyncGenerator<SourceDocument> {
    const limits = { maxFileSize: this.s.maxFileSize, timeoutMs: this.policy.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS };
    return objectDocuments(listed, ctx, this.s.concurrentDownloads, (b) => blobDocument(b, this.s.endpoint), (b, doc) => withContent(this.api, doc, b, limits, ctx));
  }

  async close(): Promise<void> {
    this.api.close();
  }
}

export const azureBlobStorageSource: SourceFactory = {
  serviceType: 'azure_blob_storage',
  displayName: 'Azure Blob Storage',
  configSchema: azureConfigSchema,
  features: {
    incremental_sync: true,
    document_level_security: false,
    sync_rules: { basic: true, advanced: false },
  },
  create(config: ConfigValues, policy: SourcePolicy = OPEN_POLICY): Source {
    return createOrExplain(() => new AzureBlobStorageSource(readAzureSettings(config), policy));
  },
};
