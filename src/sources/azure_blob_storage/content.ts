/**
 * The `body` of a blob (docs/sources/azure_blob_storage.md "Content"): blobs whose extension
 * names a format the shared extraction layer reads (src/extraction/) are downloaded — at most
 * `max_file_size` bytes, within a process-wide byte budget — and their text extracted
 * (shared/object-store-content.ts). Blobs in the Archive tier cannot be read until
 * rehydrated; they, and whatever fails or exceeds a limit, are per-document failures; the
 * document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { wantsContent, withObjectText, type ContentLimits } from '../shared/object-store-content.js';
import type { AzureApi, AzureBlob } from './client.js';

/** Bytes of downloads held at once by every azure_blob_storage sync of the process. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);

export async function withContent(api: AzureApi, doc: SourceDocument, b: AzureBlob, limits: ContentLimits, ctx: SyncContext): Promise<SourceDocument> {
  if (!wantsContent(b.name, ctx) || b.size === 0) return doc;
  const where = `Blob [${b.name}] of container [${b.container}]`;
  if (b.tier === 'Archive') {
    ctx.reportFailure?.(doc._id, `${where} is in the Archive tier: indexed without its content. Rehydrate it to the Hot, Cool or Cold tier to index its text.`);
    return doc;
  }
  return withObjectText(doc, {
    where,
    key: b.name,
    size: b.size,
    download: (maxBytes) => api.download(b, maxBytes, ctx.signal),
    perObject: (err) => {
      const code = (err.options.cause as { code?: string } | undefined)?.code ?? '';
      if (code === 'BlobNotFound') return 'gone';
      if (code === 'BlobArchived') return 'BlobArchived: rehydrate it first';
      return null;
    },
  }, DOWNLOAD_BUDGET, limits, ctx);
}
