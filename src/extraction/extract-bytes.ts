/**
 * Text of a document held in memory (an object-store download, an ingest pipeline's
 * `attachment` processor, docs/embedded-index.md "Ingest pipelines"): the format is detected
 * from the bytes and, when given, the extension (detect.ts); plain text is decoded in place,
 * everything else is extracted in the extraction threads (extract-pool.ts) under a time
 * budget, with the same extractors as the directory source. Bounded: at most `maxBytes` bytes
 * (Elasticsearch's 10 MB by default), at most `maxChars` characters kept.
 */
import { detectFormat, HEAD_BYTES, readingOf } from './detect.js';
import { ExtractionRefused, extractInThread } from './extract-pool.js';
import { FORMAT_NAMES, formatById, formatOfExtension, type FormatId } from './formats.js';
import { decodeText, type Extracted } from './text-sink.js';

export { ExtractionRefused } from './extract-pool.js';

/** Elasticsearch's default bound on what its attachment processor reads, in bytes. */
export const DEFAULT_MAX_EXTRACT_BYTES = 10 * 1024 * 1024;
/** Time budget of one attachment in an extraction thread. */
export const DEFAULT_ATTACHMENT_TIMEOUT_MS = 20_000;

export interface AttachmentText {
  content: string;
  contentType: string;
  contentLength: number;
  truncated: boolean;
}

export interface BytesLimits {
  maxBytes?: number;
  maxChars: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The document's extension, when it has a name: settles what the content leaves open. */
  extension?: string;
}

/**
 * The text of a document's bytes. Throws ExtractionRefused when the document is too big, of no
 * format read or over an extractor's limit (a ZIP bomb), ExtractionAborted (extract-pool.ts)
 * past the time budget or the threads' memory, and the extractor's error when a document is
 * corrupt.
 */
export async function extractBytes(bytes: Uint8Array, limits: BytesLimits): Promise<AttachmentText> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES;
  if (bytes.byteLength > maxBytes) {
    throw new ExtractionRefused(`the attachment holds ${bytes.byteLength} bytes, more than the ${maxBytes} bytes text is extracted from`);
  }
  const extension = limits.extension ?? '';
  const format = detectFormat(bytes.subarray(0, HEAD_BYTES), extension);
  if (format === null) {
    throw new ExtractionRefused(`no text extractor reads this attachment: ${FORMAT_NAMES} (text in UTF-8) are read`);
  }
  let r: Extracted & { format: FormatId };
  if (format !== 'zip' && readingOf(format) === 'text') {
    r = { ...decodeText([bytes], limits.maxChars), format };
  } else {
    const task = { format, hint: formatOfExtension(extension)?.id ?? null, bytes, maxBytes, maxChars: limits.maxChars };
    const got = await extractInThread(task, limits.timeoutMs ?? DEFAULT_ATTACHMENT_TIMEOUT_MS, limits.signal ?? new AbortController().signal);
    if ('tooBig' in got) throw new ExtractionRefused(`the attachment holds more than the ${maxBytes} bytes text is extracted from`);
    if ('refused' in got) throw new ExtractionRefused(got.refused);
    r = got;
  }
  const content = r.text.trim();
  const contentType = formatById(r.format).contentType;
  return { content, contentType, contentLength: content.length, truncated: r.truncated };
}
