/**
 * Which format a document is (formats.ts), from its first bytes and its extension. The content
 * wins where it is conclusive — a signature no other format starts with: `%PDF-`, a ZIP local
 * header, `{\rtf`, an XML declaration, an HTML doctype or root, a mail header block with
 * `MIME-Version`/`Received`/`Message-ID` — so `report.txt` holding a PDF is read as a PDF.
 * Otherwise the extension decides, and without one (an ingest attachment) a weaker look at
 * the content: JSON, an HTML or XML fragment, mail headers, else UTF-8 text.
 *
 * A ZIP is reported as `zip`: which package it is (DOCX, XLSX, PPTX, ODT, ODS, ODP) is read
 * from its entries, in the extraction threads (package-format.ts). Looks at `HEAD_BYTES` at
 * most: cheap enough for the event loop.
 */
import { formatOfExtension, type FormatId, type Reading, formatById } from './formats.js';

/** A format, or a ZIP package whose kind is read from its entries. */
export type Detected = FormatId | 'zip';

/** Bytes of a document's start that detection looks at. */
export const HEAD_BYTES = 4096;

interface Sniffed {
  format: Detected;
  /** No other format starts like this: it overrides the extension. */
  conclusive: boolean;
}

export function readingOf(d: Detected): Reading {
  return d === 'zip' ? 'document' : formatById(d).reading;
}

const bytesAt = (b: Uint8Array, ascii: string, at = 0) => b.length >= at + ascii.length && [...ascii].every((c, i) => b[at + i] === c.charCodeAt(0));

function indexOfAscii(b: Uint8Array, ascii: string, limit: number): number {
  const end = Math.min(b.length, limit) - ascii.length;
  for (let i = 0; i <= end; i++) if (bytesAt(b, ascii, i)) return i;
  return -1;
}

/** The head as text when it is UTF-8 without NUL (a sequence cut at its end is fine), else null. */
function utf8Head(head: Uint8Array): string | null {
  if (head.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true }).replace(/^\ufeff/, '');
  } catch {
    return null;
  }
}

const KNOWN_HEADERS = new Set(['from', 'to', 'cc', 'subject', 'date', 'message-id', 'mime-version', 'received', 'return-path', 'reply-to', 'delivered-to', 'sender', 'content-type']);
const HEADER = /^([!-9;-~]{1,76}):/;

/** 'conclusive' for an RFC 5322 header block of a real message, 'likely' for a few known headers, else null. */
function mailHeaders(text: string): 'conclusive' | 'likely' | null {
  const lines = text.slice(0, HEAD_BYTES).split('\n', 64);
  const names = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') break;
    if (i === 0 && line.startsWith('From ')) continue; // an mbox separator
    if (line[0] === ' ' || line[0] === '\t') {
      if (names.size === 0) return null;
      continue;
    }
    const m = HEADER.exec(line);
    if (!m) return null;
    names.add(m[1].toLowerCase());
  }
  const known = [...names].filter((n) => KNOWN_HEADERS.has(n)).length;
  if (names.has('from') && known >= 3 && (names.has('mime-version') || names.has('received') || names.has('message-id'))) return 'conclusive';
  return known >= 2 && (names.has('from') || names.has('subject')) ? 'likely' : null;
}

/** The root element of markup (after declarations, comments, doctype), lower case; 'doctype-html' for an HTML doctype. */
function markupRoot(text: string): string | null {
  let at = 0;
  for (let guard = 0; guard < 64; guard++) {
    const lt = text.indexOf('<', at);
    if (lt < 0 || text.slice(at, lt).trim() !== '') return null;
    if (text.startsWith('<?', lt)) at = text.indexOf('?>', lt) + 2;
    else if (text.startsWith('<!--', lt)) at = text.indexOf('-->', lt) + 3;
    else if (text.startsWith('<!', lt)) {
      if (/^<!doctype\s+html\b/i.test(text.slice(lt, lt + 20))) return 'doctype-html';
      at = text.indexOf('>', lt) + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]{0,63})/.exec(text.slice(lt, lt + 70));
      return m ? m[1].toLowerCase() : null;
    }
    if (at <= lt) return null; // unterminated within the head
  }
  return null;
}

const HTML_FRAGMENT = new Set(['head', 'body', 'div', 'p', 'title', 'meta', 'table', 'span', 'a', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'br', 'img', 'section', 'article', 'link', 'form']);

function sniffText(text: string): Sniffed {
  const start = text.trimStart();
  if (start.startsWith('<')) {
    const root = markupRoot(start);
    const declared = start.startsWith('<?xml');
    if (root === 'doctype-html' || root === 'html') return { format: 'html', conclusive: true };
    if (declared) return { format: 'xml', conclusive: true };
    if (root !== null) return { format: HTML_FRAGMENT.has(root) ? 'html' : 'xml', conclusive: false };
  }
  const mail = mailHeaders(text);
  if (mail) return { format: 'eml', conclusive: mail === 'conclusive' };
  if (/^(\{\s*["}]|\[\s*([[{"\d\-\]]|true|false|null))/.test(start.slice(0, 16))) return { format: 'json', conclusive: false };
  return { format: 'text', conclusive: false };
}

/** What the first bytes say, or null when they match no format read (binary data, or text not in UTF-8). */
export function sniff(head: Uint8Array): Sniffed | null {
  if (bytesAt(head, 'PK\u0003\u0004') || bytesAt(head, 'PK\u0005\u0006')) return { format: 'zip', conclusive: true };
  if (indexOfAscii(head, '%PDF-', 1024) >= 0) return { format: 'pdf', conclusive: true };
  if (bytesAt(head, '{\\rtf') || bytesAt(head, '\u00ef\u00bb\u00bf{\\rtf')) return { format: 'rtf', conclusive: true };
  const text = utf8Head(head.subarray(0, HEAD_BYTES));
  return text === null ? null : sniffText(text);
}

/**
 * The format of a document from its first bytes (at least HEAD_BYTES of them, or all) and its
 * extension ('' for none): conclusive content first, then the extension, then what the content
 * suggests. Null when no extractor reads it.
 */
export function detectFormat(head: Uint8Array, extension = ''): Detected | null {
  const sniffed = sniff(head);
  if (sniffed?.conclusive) return sniffed.format;
  const byExtension = extension ? formatOfExtension(extension) : null;
  if (byExtension) return byExtension.id;
  return sniffed?.format ?? null;
}

/**
 * The format of a file whose name has no extension (`README`, `LICENSE`, `Makefile`), from its
 * first bytes alone: null for binary data and for a bare ZIP archive (without a name nothing
 * says it is a document), so such files are skipped quietly, as Elastic's connectors skip them.
 */
export function formatOfUnnamed(head: Uint8Array): Detected | null {
  const s = sniff(head);
  return s === null || s.format === 'zip' ? null : s.format;
}
