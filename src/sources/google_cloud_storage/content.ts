/**
 * The `body` of an object (docs/sources/google_cloud_storage.md "Content"): objects whose
 * extension names a format the shared extraction layer reads (src/extraction/) are downloaded
 * — at most `max_file_size` bytes, within a process-wide byte budget — and their text
 * extracted (plain text in place; HTML, PDF and DOCX in the extraction threads). Whatever
 * fails or exceeds a limit is a per-document failure; the document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import { extractBytes, ExtractionRefused } from '../../extraction/extract-bytes.js';
import { ExtractionAborted } from '../../extraction/extract-pool.js';
import { SourceError, type SourceDocument, type SyncContext } from '../source.js';
import { ApiError, type GcsApi, type GcsObject } from './client.js';
import { MAX_BODY_CHARS } from './config.js';
import { wantsContent } from '../shared/object-store-content.js';

/** Bytes of downloads held at once by every google_cloud_storage sync of the process. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);

export async function withContent(api: GcsApi, doc: SourceDocument, o: GcsObject, limits: { maxFileSize: number; timeoutMs: number }, ctx: SyncContext): Promise<SourceDocument> {
  if (!wantsContent(o.name, ctx) || o.size === 0) return doc;
  const where = `Object [${o.name}] of bucket [${o.bucket}]`;
  const tooBig = (size: number | string) =>
    ctx.reportFailure?.(doc._id, `${where} is ${size} bytes, over [max_file_size] ${limits.maxFileSize}: indexed without its content. Raise [max_file_size] or exclude the object.`);
  if (o.size > limits.maxFileSize) {
    tooBig(o.size);
    return doc;
  }
  const release = await DOWNLOAD_BUDGET.acquire(Math.max(1, o.size), ctx.signal);
  try {
    const bytes = await api.download(o, limits.maxFileSize, ctx.signal);
    if (bytes === 'too-big') {
      tooBig(`over ${limits.maxFileSize}`);
      return doc;
    }
    const text = await extractBytes(bytes, { maxBytes: limits.maxFileSize, maxChars: MAX_BODY_CHARS, timeoutMs: limits.timeoutMs, signal: ctx.signal });
    doc.body = text.content;
    if (text.truncated) doc.body_truncated = true;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof ExtractionRefused || err instanceof ExtractionAborted) {
      ctx.reportFailure?.(doc._id, `${where} was not extracted: ${err.message}. Indexed without its content.`);
    } else if (err instanceof SourceError) {
      const cause = err.options.cause;
      if (cause instanceof ApiError && cause.status === 404) return doc; // gone since the listing; the next sync sees it
      if (!(cause instanceof ApiError && cause.status === 403)) throw err;
      ctx.reportFailure?.(doc._id, `${where} cannot be read (HTTP 403: ${cause.message}): indexed without its content.`);
    } else {
      ctx.reportFailure?.(doc._id, `${where} has no extractable text (${(err as Error).message?.slice(0, 200)}): indexed without its content.`);
    }
  } finally {
    release();
  }
  return doc;
}
