/**
 * Text of a document held in memory (an ingest pipeline's `attachment` processor,
 * docs/embedded-index.md "Ingest pipelines"): the format is sniffed from the bytes — PDF,
 * DOCX, HTML, or UTF-8 plain text — and HTML, PDF and DOCX are extracted in the extraction
 * threads (extract-pool.ts) under a time budget, with the same extractors as the directory
 * source. Bounded: at most `maxBytes` bytes (Elasticsearch's 10 MB by default), at most
 * `maxChars` characters kept.
 */
import { StringDecoder } from 'node:string_decoder';
import { extractInThread } from './extract-pool.js';

export type SniffedFormat = 'pdf' | 'docx' | 'html' | 'text' | null;

/** Elasticsearch's default bound on what its attachment processor reads, in bytes. */
export const DEFAULT_MAX_EXTRACT_BYTES = 10 * 1024 * 1024;
/** Time budget of one attachment in an extraction thread. */
export const DEFAULT_ATTACHMENT_TIMEOUT_MS = 20_000;

export const CONTENT_TYPES: Record<Exclude<SniffedFormat, null>, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=UTF-8',
  text: 'text/plain; charset=UTF-8',
};

/** An extraction that cannot proceed: the reason says what to do. */
export class ExtractionRefused extends Error {}

const startsWith = (b: Uint8Array, ascii: string, at = 0) => b.length >= at + ascii.length && [...ascii].every((c, i) => b[at + i] === c.charCodeAt(0));

/** Whether the bytes are UTF-8 text (no NUL, decodes without replacement). Looks at a prefix. */
function looksLikeText(b: Uint8Array): boolean {
  const head = b.subarray(0, 64 * 1024);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.length < b.length ? head.subarray(0, Math.max(0, head.length - 4)) : head);
    return true;
  } catch {
    return false;
  }
}

/** The format of a document from its first bytes, or null when no extractor reads it. */
export function sniffFormat(b: Uint8Array): SniffedFormat {
  if (startsWith(b, '%PDF-')) return 'pdf';
  // A ZIP (local file header): DOCX is the one ZIP-based format read; mammoth refuses others.
  if (startsWith(b, 'PK\u0003\u0004')) return 'docx';
  if (!looksLikeText(b)) return null;
  const head = new TextDecoder().decode(b.subarray(0, 1024)).replace(/^\ufeff/, '').trimStart().slice(0, 64).toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|div|p|title|meta)[\s>]/.test(head)) return 'html';
  return 'text';
}

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
}

/**
 * The text of a document's bytes. Throws ExtractionRefused when the document is too big or
 * of no format read, ExtractionAborted (extract-pool.ts) past the time budget or the threads'
 * memory, and the extractor's error when a document is corrupt.
 */
export async function extractBytes(bytes: Uint8Array, limits: BytesLimits): Promise<AttachmentText> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_EXTRACT_BYTES;
  if (bytes.byteLength > maxBytes) {
    throw new ExtractionRefused(`the attachment holds ${bytes.byteLength} bytes, more than the ${maxBytes} bytes text is extracted from`);
  }
  const format = sniffFormat(bytes);
  if (format === null) {
    throw new ExtractionRefused('no text extractor reads this attachment: plain text (UTF-8), HTML, PDF and DOCX are supported');
  }
  const contentType = CONTENT_TYPES[format];
  if (format === 'text') {
    const decoder = new StringDecoder('utf8');
    // At most 4 bytes per kept character are decoded: the rest cannot be kept anyway.
    let text = decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limits.maxChars * 4)));
    text = text.replace(/^\ufeff/, '');
    const truncated = text.length > limits.maxChars;
    const content = (truncated ? text.slice(0, limits.maxChars) : text).trim();
    return { content, contentType, contentLength: content.length, truncated };
  }
  const task = { format, bytes, maxBytes, maxChars: limits.maxChars } as const;
  const r = await extractInThread(task, limits.timeoutMs ?? DEFAULT_ATTACHMENT_TIMEOUT_MS, limits.signal ?? new AbortController().signal);
  if ('tooBig' in r) throw new ExtractionRefused(`the attachment holds more than the ${maxBytes} bytes text is extracted from`);
  return { content: r.text, contentType, contentLength: r.text.length, truncated: r.truncated };
}
