/**
 * Text of a file for the `body` field (runtime.md "Content"): plain-text formats as UTF-8,
 * streamed from the file and cut at a number of characters; HTML without tags, scripts and
 * styles, PDF (unpdf, PDF.js) and DOCX (mammoth, only when the connector's pipeline has
 * `extract_binary_content`) in the extraction threads (src/extraction/extract-pool.ts), under a time budget.
 */
import { Budget } from '../../extraction/budget.js';
import { readText, type OpenFile } from './client.js';
import { extractInThread } from '../../extraction/extract-pool.js';
import type { Extracted } from '../../extraction/extract-text.js';

export { htmlToText, type Extracted } from '../../extraction/extract-text.js';

const PLAIN = new Set(['txt', 'text', 'md', 'markdown', 'mdx', 'rst', 'adoc', 'csv', 'tsv', 'json', 'ndjson', 'jsonl', 'log', 'yaml', 'yml', 'xml', 'ini', 'toml']);
const HTML = new Set(['html', 'htm', 'xhtml']);
const BINARY = new Set(['pdf', 'docx']);

export type TextKind = 'plain' | 'html' | 'binary' | null;

export function textKind(extension: string): TextKind {
  if (PLAIN.has(extension)) return 'plain';
  if (HTML.has(extension)) return 'html';
  if (BINARY.has(extension)) return 'binary';
  return null;
}

/**
 * Bytes of PDF and DOCX files (read whole: their libraries need it) held at once by every
 * directory sync of the process; a bigger file waits until it is alone. Plain text and HTML
 * are streamed (64 KiB at a time) and need none of it.
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
}

/**
 * The body text of an open file; null when the format has none to offer (images, archives,
 * binary files while `extract_binary_content` is off); 'too-big' when the file grew past
 * `maxBytes`. Throws when a file of a known format is corrupt, and ExtractionAborted past the
 * time budget or the threads' memory.
 */
export async function readFileText(f: OpenFile, extension: string, limits: ExtractLimits): Promise<Extracted | 'too-big' | null> {
  const kind = textKind(extension);
  if (kind === null) return null;
  if (kind === 'plain') return readText(f, limits.maxChars, limits.maxBytes);
  const format = kind === 'html' ? 'html' : extension === 'pdf' ? 'pdf' : 'docx';
  const task = { format, fd: f.fh.fd, maxBytes: limits.maxBytes, maxChars: limits.maxChars } as const;
  const release = format === 'html' ? () => {} : await WHOLE_FILE_BUDGET.acquire(f.stat.size, limits.signal);
  try {
    const r = await extractInThread(task, limits.timeoutMs, limits.signal);
    return 'tooBig' in r ? 'too-big' : r;
  } finally {
    release();
  }
}
