/**
 * The `body` of an object (docs/sources/google_cloud_storage.md "Content"): objects whose
 * extension names a format the shared extraction layer reads (src/extraction/) are downloaded
 * — at most `max_file_size` bytes, within a process-wide byte budget — and their text
 * extracted (shared/object-store-content.ts). Whatever fails or exceeds a limit is a
 * per-document failure; the document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { wantsContent, withObjectText, type ContentLimits } from '../shared/object-store-content.js';
import { ApiError, type GcsApi, type GcsObject } from './client.js';

/** Bytes of downloads held at once by every google_cloud_storage sync of the process. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);

export async function withContent(api: GcsApi, doc: SourceDocument, o: GcsObject, limits: ContentLimits, ctx: SyncContext): Promise<SourceDocument> {
  if (!wantsContent(o.name, ctx) || o.size === 0) return doc;
  return withObjectText(doc, {
    where: `Object [${o.name}] of bucket [${o.bucket}]`,
    key: o.name,
    size: o.size,
    download: (maxBytes) => api.download(o, maxBytes, ctx.signal),
    perObject: (err) => {
      const cause = err.options.cause;
      if (cause instanceof ApiError && cause.status === 404) return 'gone';
      if (!(cause instanceof ApiError && cause.status === 403)) return null;
      return `HTTP 403: ${cause.message}`;
    },
  }, DOWNLOAD_BUDGET, limits, ctx);
}
