/**
 * Text of a file for the `body` field (runtime.md "Content"), through the one extraction
 * service (src/extraction/): a file is read when its extension names a format of the registry
 * (formats.ts), or when it has no extension and its first bytes are text or a document
 * (detect.ts formatOfUnnamed); its first bytes then say which format it really is (detect.ts: content wins
 * where it is conclusive). Plain text is streamed from the file here and cut at a number of
 * characters; markup and documents are extracted in the extraction threads
 * (src/extraction/extract-pool.ts) under a time budget — documents (PDF, Office, OpenDocument,
 * RTF, EML) only when the connector's pipeline has `extract_binary_content`.
 */
import { Budget } from '../../extraction/budget.js';
import { detectFormat, formatOfUnnamed, HEAD_BYTES, readingOf } from '../../extraction/detect.js';
import { ExtractionRefused, extractInThread } from '../../extraction/extract-pool.js';
import { formatOfExtension } from '../../extraction/formats.js';
import type { Extracted } from '../../extraction/text-sink.js';
import { readText, type OpenFile } from './client.js';

export { htmlToText, type Extracted } from '../../extraction/extract-text.js';

export type TextKind = 'plain' | 'html' | 'binary' | null;

/** How a file of this extension is read: plain text, markup (HTML, XML), a document, or not at all. */
export function textKind(extension: string): TextKind {
  const reading = formatOfExtension(extension)?.reading;
  return reading === 'text' ? 'plain' : reading === 'markup' ? 'html' : reading === 'document' ? 'binary' : null;
}

/**
 * Bytes of documents (read whole: their parsers need it) held at once by every directory sync
 * of the process; a bigger file waits until it is alone. Plain text and markup are streamed
 * (64 KiB at a time) and need none of it.
 */
export const WHOLE_FILE_BUDGET = new Budget(64 * 1024 * 1024);

export interface ExtractLimits {
  /** Most bytes read of a file (its size may have grown since it was listed). */
  maxBytes: number;
  /** Most characters of text kept. */
  maxChars: number;
  /** Time budget of one document in an extraction thread. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Whether documents are extracted (the pipeline's `extract_binary_content`); default true. */
  documents?: boolean;
}

/**
 * The body text of an open file; null when the format has none to offer (images, archives,
 * documents while `extract_binary_content` is off); 'too-big' when the file grew past
 * `maxBytes`. Throws ExtractionRefused over an extractor's limit (a ZIP bomb) or for a ZIP that
 * is no document, the extractor's error when a file is corrupt, and ExtractionAborted past the
 * time budget or the threads' memory.
 */
export async function readFileText(f: OpenFile, extension: string, limits: ExtractLimits): Promise<Extracted | 'too-big' | null> {
  const byExtension = formatOfExtension(extension);
  const documents = limits.documents ?? true;
  // A name without an extension (README, LICENSE) is read when its first bytes are text or a document.
  if (extension !== '' && (!byExtension || (byExtension.reading === 'document' && !documents))) return null;
  const head = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await f.fh.read(head, 0, HEAD_BYTES, 0);
  const format = byExtension ? (detectFormat(head.subarray(0, bytesRead), extension) ?? byExtension.id) : formatOfUnnamed(head.subarray(0, bytesRead));
  if (format === null) return null;
  const reading = readingOf(format);
  if (reading === 'document' && !documents) return null;
  if (reading === 'text') return readText(f, limits.maxChars, limits.maxBytes);
  const task = { format, hint: byExtension?.id ?? null, fd: f.fh.fd, maxBytes: limits.maxBytes, maxChars: limits.maxChars };
  const release = reading === 'document' ? await WHOLE_FILE_BUDGET.acquire(f.stat.size, limits.signal) : () => {};
  try {
    const r = await extractInThread(task, limits.timeoutMs, limits.signal);
    if ('tooBig' in r) return 'too-big';
    if ('refused' in r) throw new ExtractionRefused(r.refused);
    return { text: r.text, truncated: r.truncated };
  } finally {
    release();
  }
}
