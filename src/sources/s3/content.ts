/**
 * The `body` of an object (docs/sources/s3.md "Content"): objects whose extension names a
 * format the shared extraction layer reads (src/extraction/) are downloaded — at most
 * `max_file_size` bytes, within a process-wide byte budget — and their text extracted
 * (plain text in place; HTML, PDF and DOCX in the extraction threads, under a time budget).
 * Whatever fails or exceeds a limit is a per-document failure; the document keeps its metadata.
 */
import { Budget } from '../../extraction/budget.js';
import { extractBytes, ExtractionRefused } from '../../extraction/extract-bytes.js';
import { ExtractionAborted } from '../../extraction/extract-pool.js';
import { SourceError, type SourceDocument, type SyncContext } from '../source.js';
import type { S3Api, S3Object } from './client.js';
import { MAX_BODY_CHARS } from './config.js';
import { wantsContent } from '../shared/object-store-content.js';

/** Bytes of downloads held at once by every s3 sync of the process; a bigger object waits until it is alone. */
export const DOWNLOAD_BUDGET = new Budget(128 * 1024 * 1024);

/** Per-object errors that leave the document with metadata only (archived, unreadable for this key). */
const PER_OBJECT = new Set(['InvalidObjectState', 'AccessDenied', 'NoSuchKey']);

export interface ContentLimits {
  maxFileSize: number;
  timeoutMs: number;
}

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
  const where = `Object [${o.key}] of bucket [${bucket}]`;
  const tooBig = (size: number | string) =>
    ctx.reportFailure?.(doc._id, `${where} is ${size} bytes, over [max_file_size] ${limits.maxFileSize}: indexed without its content. Raise [max_file_size] or exclude the object.`);
  if (o.size > limits.maxFileSize) {
    tooBig(o.size);
    return doc;
  }
  const release = await DOWNLOAD_BUDGET.acquire(Math.max(1, o.size), ctx.signal);
  try {
    const got = await api.download(bucket, region, o.key, limits.maxFileSize, ctx.signal);
    if (got === 'too-big') {
      tooBig(`over ${limits.maxFileSize}`);
      return doc;
    }
    doc.server_side_encryption = got.serverSideEncryption;
    const text = await extractBytes(got.bytes, { maxBytes: limits.maxFileSize, maxChars: MAX_BODY_CHARS, timeoutMs: limits.timeoutMs, signal: ctx.signal });
    doc.body = text.content;
    if (text.truncated) doc.body_truncated = true;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof ExtractionRefused || err instanceof ExtractionAborted) {
      ctx.reportFailure?.(doc._id, `${where} was not extracted: ${err.message}. Indexed without its content.`);
    } else if (err instanceof SourceError) {
      const code = (err.options.cause as { Code?: string; name?: string } | undefined);
      const name = code?.Code ?? code?.name ?? '';
      if (name === 'NoSuchKey') return doc; // deleted since the listing; the next sync sees it gone
      if (!PER_OBJECT.has(name)) throw err;
      ctx.reportFailure?.(doc._id, `${where} cannot be read (${name}${name === 'InvalidObjectState' ? ': archived, restore it first' : ''}): indexed without its content.`);
    } else {
      ctx.reportFailure?.(doc._id, `${where} has no extractable text (${(err as Error).message?.slice(0, 200)}): indexed without its content.`);
    }
  } finally {
    release();
  }
  return doc;
}
