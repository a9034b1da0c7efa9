/**
 * Entry point of an extraction thread (extract-pool.ts): one task = one document's bytes,
 * answered with its text. Runs under the pool's per-document time budget; a thread over budget
 * is terminated, not waited for.
 */
import { parentPort } from 'node:worker_threads';
import { docxText, htmlToText, pdfText, utf8, type Extracted } from './extract-text.js';

export interface ExtractTask {
  /** Echoed in the "started" message, when the pool's time budget starts (extract-pool.ts). */
  id: number;
  format: 'html' | 'pdf' | 'docx';
  bytes: Uint8Array;
  maxChars: number;
}

export default async function extract(task: ExtractTask): Promise<Extracted> {
  parentPort?.postMessage({ extractStarted: task.id });
  switch (task.format) {
    case 'html':
      return htmlToText(utf8(task.bytes), task.maxChars);
    case 'pdf':
      return pdfText(task.bytes, task.maxChars);
    case 'docx':
      return docxText(task.bytes, task.maxChars);
  }
}
