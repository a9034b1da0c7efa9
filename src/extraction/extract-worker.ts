/**
 * Entry point of an extraction thread (extract-pool.ts): one task = one document, either an
 * open file, read by the thread straight from the descriptor the caller opened and checked
 * (the directory source's client.ts) — threads share the process's descriptors — or bytes
 * already in memory (object-store downloads, an ingest pipeline's `attachment` processor),
 * answered with its text. From a file, markup (HTML, XML) and plain text are read and parsed
 * in 64 KiB steps; documents (PDF, the ZIP packages, RTF, EML) are read whole (their parsers
 * need it), up to `maxBytes`.
 *
 * The thread says when the document's work starts — after loading the format's library, which
 * is not the document's doing — and from then on runs under the pool's per-document time
 * budget; a thread over budget is terminated, not waited for.
 */
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { readingOf, type Detected } from './detect.js';
import { emlExtractor } from './eml.js';
import { htmlToText, pdfExtractor, xmlToText } from './extract-text.js';
import { PACKAGE_FORMATS, type FormatId } from './formats.js';
import { packageText } from './office-text.js';
import { rtfToText } from './rtf.js';
import { decodeText, type Extracted } from './text-sink.js';
import { ZipRefused } from './zip.js';

export interface ExtractTask {
  /** Echoed in the "started" message, when the pool's time budget starts (extract-pool.ts). */
  id: number;
  /** What detect.ts found: a ZIP package's kind is read from its entries here. */
  format: Detected;
  /** The extension's format, which settles what the content leaves open. */
  hint?: FormatId | null;
  /** A descriptor of a regular file, open in this process (the caller closes it)… */
  fd?: number;
  /** …or the document's bytes (at most `maxBytes` of them). */
  bytes?: Uint8Array;
  maxBytes: number;
  maxChars: number;
}

/**
 * The text and the format it was read as; `tooBig`: the file grew past `maxBytes` since it was
 * listed; `refused`: a limit or a package of no known kind (a per-document failure, with why).
 */
export type ExtractResult = (Extracted & { format: FormatId }) | { tooBig: true } | { refused: string };

type DocumentExtractor = (bytes: Uint8Array, maxChars: number) => Promise<Extracted & { format?: FormatId }>;

const STEP = 64 * 1024;

/** The file's bytes in chunks (one reused buffer), reading at most `max` bytes. */
function* chunks(fd: number, max: number): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafe(STEP);
  let position = 0;
  while (position < max) {
    const n = readSync(fd, buf, 0, Math.min(STEP, max - position), position);
    if (n === 0) return;
    position += n;
    yield buf.subarray(0, n);
  }
}

/** The whole file, or null when it holds more than `max` bytes. */
function whole(fd: number, max: number): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const c of chunks(fd, max + 1)) {
    parts.push(Uint8Array.from(c));
    total += c.length;
  }
  if (total > max) return null;
  const out = new Uint8Array(total); // a plain Uint8Array: PDF.js refuses a Buffer
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The bytes handed over, as a plain Uint8Array (PDF.js refuses a Buffer), or null past `max`. */
function given(bytes: Uint8Array, max: number): Uint8Array | null {
  if (bytes.byteLength > max) return null;
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : Uint8Array.from(bytes);
}

/** The extractor of a document format, its library loaded. */
async function documentExtractor(format: Detected, hint: FormatId | null): Promise<DocumentExtractor> {
  if (format === 'pdf') return pdfExtractor();
  if (format === 'eml') return emlExtractor();
  if (format === 'rtf') return async (bytes, maxChars) => rtfToText(bytes, maxChars);
  if (format === 'zip' || PACKAGE_FORMATS.has(format)) {
    const packageHint = format === 'zip' ? hint : format;
    return (bytes, maxChars) => packageText(bytes, packageHint, maxChars);
  }
  throw new Error(`no document extractor for [${format}]`);
}

/** Markup and plain text, streamed from the file or read from the bytes. */
function streamed(format: FormatId, input: Iterable<Uint8Array>, maxChars: number): Extracted {
  if (format === 'html') return htmlToText(input, maxChars);
  if (format === 'xml') return xmlToText(input, maxChars);
  return decodeText(input, maxChars);
}

export default async function extract(task: ExtractTask): Promise<ExtractResult> {
  const started = () => parentPort?.postMessage({ extractStarted: task.id });
  const { fd, format, maxBytes, maxChars } = task;
  if (fd === undefined && task.bytes === undefined) throw new Error('an extraction task needs a file or bytes');
  if (format !== 'zip' && readingOf(format) !== 'document') {
    started();
    if (fd !== undefined) return { ...streamed(format, chunks(fd, maxBytes), maxChars), format };
    const bytes = given(task.bytes!, maxBytes);
    return bytes === null ? { tooBig: true } : { ...streamed(format, [bytes], maxChars), format };
  }
  const extractor = await documentExtractor(format, task.hint ?? null);
  started();
  const bytes = fd !== undefined ? whole(fd, maxBytes) : given(task.bytes!, maxBytes);
  if (bytes === null) return { tooBig: true };
  try {
    const r = await extractor(bytes, maxChars);
    return { text: r.text, truncated: r.truncated, format: r.format ?? (format as FormatId) };
  } catch (err) {
    if (err instanceof ZipRefused) return { refused: err.message };
    throw err;
  }
}
