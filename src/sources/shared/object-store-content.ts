/**
 * The `body` of an object of the object-store sources (`s3`, `google_cloud_storage`,
 * `azure_blob_storage`, `network_drive`), through the one extraction service (src/extraction/):
 * objects whose extension names a format of the registry (formats.ts; documents — PDF, Office,
 * OpenDocument, RTF, EML — only when the pipeline extracts binary content), and objects without
 * an extension (whose bytes then decide, detect.ts formatOfUnnamed), are downloaded — at most
 * `max_file_size` bytes, within the source's process-wide byte budget — and their text
 * extracted, the format confirmed or corrected from the bytes (detect.ts): plain text in place,
 * markup and documents in the extraction threads, under a time budget. Whatever fails or
 * exceeds a limit is a per-document failure.
 */
import type { Readable } from 'node:stream';
import type { Budget } from '../../extraction/budget.js';
import { detectFormat, formatOfUnnamed, HEAD_BYTES, readingOf } from '../../extraction/detect.js';
import { extractBytes } from '../../extraction/extract-bytes.js';
import { ExtractionAborted, ExtractionRefused } from '../../extraction/extract-pool.js';
import { formatOfExtension } from '../../extraction/formats.js';
import { SourceError, type SourceDocument, type SyncContext } from '../source.js';

/** Most characters of text kept per document; longer text is cut and `body_truncated` set. */
export const MAX_BODY_CHARS = 4 * 1024 * 1024;

/** Lower-case extension of the last path segment of a key ('' for none or a dot file). */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Whether documents (PDF, Office, …) are extracted: the pipeline's `extract_binary_content`. */
function extractsDocuments(ctx: SyncContext): boolean {
  return ctx.pipeline?.extract_binary_content ?? true;
}

/**
 * Whether an object is downloaded for its text: its extension names a format read (formats.ts),
 * or it has none (`README`, `LICENSE`): then its bytes say whether it is text (formatOfUnnamed).
 */
export function wantsContent(key: string, ctx: SyncContext): boolean {
  const extension = extensionOf(key);
  if (extension === '') return true;
  const format = formatOfExtension(extension);
  return format !== null && (format.reading !== 'document' || extractsDocuments(ctx));
}

export interface ContentLimits {
  maxFileSize: number;
  timeoutMs: number;
}

/** How a source reads one object for `withObjectText`. */
export interface ObjectRead {
  /** `Object [key] of bucket [bucket]`, the start of every failure message. */
  where: string;
  /** The object's key or name: its extension settles what the content leaves open. */
  key: string;
  /** Size from the listing (bytes). */
  size: number;
  /** At most `maxBytes`, or 'too-big'. */
  download(maxBytes: number): Promise<Uint8Array | 'too-big'>;
  /** A store error of this object: 'gone' (deleted since the listing), a reason to index it without content, or null to fail the sync. */
  perObject(err: SourceError): 'gone' | string | null;
}

/**
 * Downloads an object within `budget` and sets the document's `body` (and `body_truncated`).
 * Whatever fails or exceeds a limit is a per-document failure; the document keeps its metadata.
 */
export async function withObjectText(doc: SourceDocument, read: ObjectRead, budget: Budget, limits: ContentLimits, ctx: SyncContext): Promise<SourceDocument> {
  const { where } = read;
  const extension = extensionOf(read.key);
  // Without an extension the bytes are only a guess: what is binary, too big or unreadable as
  // text is skipped quietly, not reported (most such objects are not documents at all).
  const guessing = extension === '';
  const tooBig = (size: number | string) =>
    guessing || ctx.reportFailure?.(doc._id, `${where} is ${size} bytes, over [max_file_size] ${limits.maxFileSize}: indexed without its content. Raise [max_file_size] or exclude the object.`);
  if (read.size > limits.maxFileSize) {
    tooBig(read.size);
    return doc;
  }
  const release = await budget.acquire(Math.max(1, read.size), ctx.signal);
  try {
    const bytes = await read.download(limits.maxFileSize);
    if (bytes === 'too-big') {
      tooBig(`over ${limits.maxFileSize}`);
      return doc;
    }
    const head = bytes.subarray(0, HEAD_BYTES);
    const format = guessing ? formatOfUnnamed(head) : detectFormat(head, extension);
    if (guessing && format === null) return doc; // binary: nothing to extract
    if (format !== null && readingOf(format) === 'document' && !extractsDocuments(ctx)) return doc; // a document under a text name
    const text = await extractBytes(bytes, { maxBytes: limits.maxFileSize, maxChars: MAX_BODY_CHARS, timeoutMs: limits.timeoutMs, signal: ctx.signal, extension });
    doc.body = text.content;
    if (text.truncated) doc.body_truncated = true;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (guessing && !(err instanceof SourceError)) return doc;
    if (err instanceof ExtractionRefused || err instanceof ExtractionAborted) {
      ctx.reportFailure?.(doc._id, `${where} was not extracted: ${err.message}. Indexed without its content.`);
    } else if (err instanceof SourceError) {
      const reason = read.perObject(err);
      if (reason === 'gone') return doc; // the next sync sees it gone
      if (reason === null) throw err;
      ctx.reportFailure?.(doc._id, `${where} cannot be read (${reason}): indexed without its content.`);
    } else {
      ctx.reportFailure?.(doc._id, `${where} has no extractable text (${(err as Error).message?.slice(0, 200)}): indexed without its content.`);
    }
  } finally {
    release();
  }
  return doc;
}

/**
 * A download's body read whole, or 'too-big' as soon as it passes `maxBytes` (the transfer is
 * then stopped); an abort of `signal` destroys the stream at once.
 */
export async function readCapped(body: Readable, maxBytes: number, signal: AbortSignal): Promise<Buffer | 'too-big'> {
  const onAbort = () => body.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of body) {
      n += (chunk as Buffer).length;
      if (n > maxBytes) {
        body.destroy();
        return 'too-big';
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, n);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
