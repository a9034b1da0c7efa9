/**
 * Entry point of an extraction thread (extract-pool.ts): one task = one open file, read by the
 * thread straight from the descriptor the main thread opened and checked (client.ts) — threads
 * share the process's descriptors — and answered with its text. HTML is read and parsed in
 * 64 KiB steps; PDF and DOCX are read whole (their libraries need it), up to `maxBytes`.
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
  /** A descriptor of a regular file, open in this process (the caller closes it). */
  fd: number;
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

export default async function extract(task: ExtractTask): Promise<ExtractResult> {
  const started = () => parentPort?.postMessage({ extractStarted: task.id });
  if (task.format === 'html') {
    started();
    return htmlToText(chunks(task.fd, task.maxBytes), task.maxChars);
  }
  const extractor = task.format === 'pdf' ? await pdfExtractor() : await docxExtractor();
  started();
  const bytes = whole(task.fd, task.maxBytes);
  return bytes === null ? { tooBig: true } : extractor(bytes, task.maxChars);
}
