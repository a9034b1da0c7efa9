/**
 * Entry point of an extraction thread (extract-pool.ts): one task = one document's bytes,
 * answered with its text. The thread says when the document's work starts — after loading
 * the format's library, which is not the document's doing — and from then on runs under the
 * pool's per-document time budget; a thread over budget is terminated, not waited for.
 */
import { parentPort } from 'node:worker_threads';
import { docxExtractor, htmlToText, pdfExtractor, utf8, type Extracted } from './extract-text.js';

export interface ExtractTask {
  /** Echoed in the "started" message, when the pool's time budget starts (extract-pool.ts). */
  id: number;
  format: 'html' | 'pdf' | 'docx';
  bytes: Uint8Array;
  maxChars: number;
}

export default async function extract(task: ExtractTask): Promise<Extracted> {
  const started = () => parentPort?.postMessage({ extractStarted: task.id });
  switch (task.format) {
    case 'html':
      started();
      return htmlToText(utf8(task.bytes), task.maxChars);
    case 'pdf': {
      const pdf = await pdfExtractor();
      started();
      return pdf(task.bytes, task.maxChars);
    }
    case 'docx': {
      const docx = await docxExtractor();
      started();
      return docx(task.bytes, task.maxChars);
    }
  }
}
