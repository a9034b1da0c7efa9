/**
 * Entry point of an extraction thread (extract-pool.ts): one task = one document, either an
 * open file, read by the thread straight from the descriptor the caller opened and checked
 * (the directory source's client.ts) — threads share the process's descriptors — or bytes
 * already in memory (an ingest pipeline's `attachment` processor), answered with its text.
 * From a file, HTML is read and parsed in 64 KiB steps; PDF and DOCX are read whole (their
 * libraries need it), up to `maxBytes`.
 *
 * The thread says when the document's work starts — after loading the format's library, which
 * is not the document's doing — and from then on runs under the pool's per-document time
 * budget; a thread over budget is terminated, not waited for.
 */
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { docxExtractor, htmlToText, pdfExtractor, type Extracted } from './extract-text.js';

export interface ExtractTask {
  /** Echoed in the "started" message, when the pool's time budget starts (extract-pool.ts). */
  id: number;
  format: 'html' | 'pdf' | 'docx';
  /** A descriptor of a regular file, open in this process (the caller closes it)… */
  fd?: number;
  /** …or the document's bytes (at most `maxBytes` of them). */
  bytes?: Uint8Array;
  maxBytes: number;
  maxChars: number;
}

/** The file grew past `maxBytes` since it was listed. */
export type ExtractResult = Extracted | { tooBig: true };

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

export default async function extract(task: ExtractTask): Promise<ExtractResult> {
  const started = () => parentPort?.postMessage({ extractStarted: task.id });
  const fd = task.fd;
  if (fd === undefined && task.bytes === undefined) throw new Error('an extraction task needs a file or bytes');
  if (task.format === 'html') {
    started();
    if (fd !== undefined) return htmlToText(chunks(fd, task.maxBytes), task.maxChars);
    const bytes = given(task.bytes!, task.maxBytes);
    return bytes === null ? { tooBig: true } : htmlToText([bytes], task.maxChars);
  }
  const extractor = task.format === 'pdf' ? await pdfExtractor() : await docxExtractor();
  started();
  const bytes = fd !== undefined ? whole(fd, task.maxBytes) : given(task.bytes!, task.maxBytes);
  return bytes === null ? { tooBig: true } : extractor(bytes, task.maxChars);
}
