/**
 * Text extraction proper (runtime.md "Content"), run in the extraction threads
 * (extract-pool.ts), never on the main thread: HTML through htmlparser2's tokenizer (one pass,
 * linear in the input, however hostile), PDF through unpdf (PDF.js), DOCX through mammoth.
 * Every result is cut at `maxChars` characters and says whether it was.
 */
import { StringDecoder } from 'node:string_decoder';
import { Parser } from 'htmlparser2';

export interface Extracted {
  text: string;
  truncated: boolean;
}

/** Elements whose text is not content. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template']);
/** Elements that end a line of text. */
const BLOCK = new Set(['p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'table', 'ul', 'ol', 'title']);
/** Input fed to the parser per step, so that a full result stops the parse early. */
const STEP = 64 * 1024;

/** Collects text up to a number of characters. */
class TextSink {
  private parts: string[] = [];
  private length = 0;
  truncated = false;
  constructor(private readonly maxChars: number) {}
  get full(): boolean {
    return this.truncated;
  }
  add(s: string): void {
    if (this.truncated || s === '') return;
    if (this.length + s.length > this.maxChars) {
      s = s.slice(0, this.maxChars - this.length);
      this.truncated = true;
    }
    this.parts.push(s);
    this.length += s.length;
  }
  result(): Extracted {
    return { text: this.parts.join(''), truncated: this.truncated };
  }
}

/**
 * Plain text of an HTML document (a string, or its UTF-8 bytes in chunks, read as parsed):
 * no tags, scripts, styles or comments; blocks end lines. Parsing stops once `maxChars` are
 * kept, so a large file is neither held nor read whole.
 */
export function htmlToText(html: string | Iterable<Uint8Array>, maxChars = Number.MAX_SAFE_INTEGER): Extracted {
  const sink = new TextSink(maxChars);
  let hidden = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (BLOCK.has(name) && hidden === 0) sink.add('\n');
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BLOCK.has(name) && hidden === 0) sink.add('\n');
      },
      ontext(text) {
        if (hidden === 0) sink.add(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  if (typeof html === 'string') {
    for (let i = 0; i < html.length && !sink.full; i += STEP) parser.write(html.slice(i, i + STEP));
  } else {
    const decoder = new StringDecoder('utf8');
    let first = true;
    for (const chunk of html) {
      let text = decoder.write(chunk);
      if (first && text !== '') {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      parser.write(text);
      if (sink.full) break;
    }
    if (!sink.full) parser.write(decoder.end());
  }
  parser.end();
  const { text, truncated } = sink.result();
  return {
    text: text
      .replace(/\u00a0/g, ' ')
      .replace(/[ \t]+/g, ' ')
      .replace(/\s*\n\s*/g, '\n')
      .trim(),
    truncated,
  };
}

function cut(text: string, maxChars: number): Extracted {
  return text.length > maxChars ? { text: text.slice(0, maxChars), truncated: true } : { text, truncated: false };
}

type Extractor = (buf: Uint8Array, maxChars: number) => Promise<Extracted>;

/** The PDF extractor, once unpdf (PDF.js) is loaded. */
export async function pdfExtractor(): Promise<Extractor> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  return async (buf, maxChars) => {
    const pdf = await getDocumentProxy(buf);
    try {
      const { text } = await extractText(pdf, { mergePages: true });
      return cut(text, maxChars);
    } finally {
      await pdf.destroy().catch(() => {});
    }
  };
}

/** The DOCX extractor, once mammoth is loaded. */
export async function docxExtractor(): Promise<Extractor> {
  const mammoth = (await import('mammoth')).default;
  return async (buf, maxChars) => {
    const r = await mammoth.extractRawText({ buffer: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) });
    return cut(r.value.trim(), maxChars);
  };
}
