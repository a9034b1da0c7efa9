/**
 * The `body` of an object (docs/sources/s3.md "Content"): objects whose extension names a
 * format the shared extraction layer reads (src/extraction/) are downloaded — at most
 * `max_file_size` bytes, within a process-wide byte budget — and their text extracted
 * (shared/object-store-content.ts). Whatever fails or exceeds a limit is a per-document
 * failure; the document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { wantsContent, withObjectText, type ContentLimits } from '../shared/object-store-content.js';
import type { S3Api, S3Object } from './client.js';

export type { ContentLimits } from '../shared/object-store-content.js';

/** Bytes of downloads held at once by every s3 sync of the process; a bigger object waits until it is alone. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);

/** Per-object errors that leave the document with metadata only (archived, unreadable for this key). */
const PER_OBJECT = new Set(['InvalidObjectState', 'AccessDenied', 'NoSuchKey']);

export async function withContent(
  api: S3Api,
  doc: SourceDocument,
  o: S3Object,
  bucket: string,
  region: string,
  limits: ContentLimits,
  ctx: SyncContext,
): Promise<SourceDocument> {
  if (!wantsContent(o.key, ctx)) return doc;
  return withObjectText(doc, {
    where: `Object [${o.key}] of bucket [${bucket}]`,
    key: o.key,
    size: o.size,
    download: async (maxBytes) => {
      const got = await api.download(bucket, region, o.key, maxBytes, ctx.signal);
      if (got === 'too-big') return got;
      doc.server_side_encryption = got.serverSideEncryption;
      return got.bytes;
    },
    perObject: (err) => {
      const code = (err.options.cause as { Code?: string; name?: string } | undefined);
      const name = code?.Code ?? code?.name ?? '';
      if (name === 'NoSuchKey') return 'gone';
      if (!PER_OBJECT.has(name)) return null;
      return `${name}${name === 'InvalidObjectState' ? ': archived, restore it first' : ''}`;
    },
  }, DOWNLOAD_BUDGET, limits, ctx);
}
