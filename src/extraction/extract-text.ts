/**
 * Text of markup and PDF (runtime.md "Content"), run in the extraction threads
 * (extract-pool.ts), never on the main thread: HTML and XML through htmlparser2's tokenizer
 * (one pass, linear in the input, however hostile; XML in its xmlMode), PDF through unpdf
 * (PDF.js). Every result is cut at `maxChars` characters and says whether it was. The
 * package, RTF and mail formats are in their own files (office-text.ts, rtf.ts, eml.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { Parser } from 'htmlparser2';
import { cut, TextSink, type Extracted } from './text-sink.js';

export { TextSink, type Extracted } from './text-sink.js';

/** Elements whose text is not content. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template']);
/** Elements that end a line of text. */
const BLOCK = new Set(['p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'table', 'ul', 'ol', 'title']);
/** Input fed to the parser per step, so that a full result stops the parse early. */
const STEP = 64 * 1024;

/**
 * Feeds markup — a string, or UTF-8 bytes in chunks, decoded as they come (a leading byte-order
 * mark dropped) — to `parser` in steps, and stops once `sink` is full.
 */
export function feed(parser: Parser, input: string | Iterable<Uint8Array>, sink: TextSink): void {
  if (typeof input === 'string') {
    for (let i = 0; i < input.length && !sink.full; i += STEP) parser.write(input.slice(i, i + STEP));
  } else {
    const decoder = new StringDecoder('utf8');
    let first = true;
    for (const chunk of input) {
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
}

/** Callbacks of an XML reader; element names are local (without their namespace prefix). */
export interface XmlHandler {
  open?(name: string, attrs: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** A streaming XML parser (htmlparser2 in xmlMode: entities and CDATA decoded, comments and declarations dropped). */
export function xmlParser(h: XmlHandler): Parser {
  return new Parser(
    {
      onopentag: h.open && ((name, attrs) => h.open!(local(name), attrs)),
      onclosetag: h.close && ((name) => h.close!(local(name))),
      ontext: h.text,
    },
    { xmlMode: true, decodeEntities: true },
  );
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
  feed(parser, html, sink);
  return sink.tidied();
}

/**
 * Text content of an XML document (a string or UTF-8 bytes in chunks): the text of every
 * element, CDATA included, each element's text on its own line; no tags,
 * attributes, comments or declarations. Stops once `maxChars` are kept.
 */
export function xmlToText(xml: string | Iterable<Uint8Array>, maxChars = Number.MAX_SAFE_INTEGER): Extracted {
  const sink = new TextSink(maxChars);
  const parser = xmlParser({
    open: () => sink.newline(),
    close: () => sink.newline(),
    text: (t) => sink.add(t),
  });
  feed(parser, xml, sink);
  return sink.tidied();
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
