/**
 * Text of a file for the `body` field (runtime.md "Content"): plain-text formats as UTF-8,
 * HTML without tags, scripts and styles; PDF (unpdf, PDF.js) and DOCX (mammoth) only when
 * the connector's pipeline has `extract_binary_content`. Libraries load on first use.
 */

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

function utf8(buf: Buffer): string {
  const s = buf.toString('utf8');
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?(p|div|br|li|tr|h[1-6]|section|article|header|footer|table|ul|ol)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

async function pdfText(buf: Buffer): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  try {
    const { text } = await extractText(pdf, { mergePages: true });
    return text;
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

async function docxText(buf: Buffer): Promise<string> {
  const mammoth = (await import('mammoth')).default;
  const r = await mammoth.extractRawText({ buffer: buf });
  return r.value.trim();
}

/**
 * The body text, or null when the format has none to offer (images, archives, binary files
 * while `extract_binary_content` is off). Throws when a file of a known format is corrupt.
 */
export async function extractText(extension: string, buf: Buffer, extractBinary: boolean): Promise<string | null> {
  switch (textKind(extension)) {
    case 'plain':
      return utf8(buf);
    case 'html':
      return htmlToText(utf8(buf));
    case 'binary':
      if (!extractBinary) return null;
      return extension === 'pdf' ? pdfText(buf) : docxText(buf);
    default:
      return null;
  }
}
