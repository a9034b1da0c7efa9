/**
 * Text of an e-mail message (RFC 5322/MIME, `.eml`), in the extraction threads, through
 * mailparser (MIT; Nodemailer's parser: MIME structure, transfer encodings, charsets, encoded
 * words): `Subject`, `From`, `To`, `Cc` and `Date` lines, a blank line, then the text part — or,
 * when there is none, the HTML part's text (htmlToText: htmlparser2, linear). Attachments are
 * not read. mailparser's own HTML-to-text conversion and link detection are switched off.
 */
import type { AddressObject, ParsedMail } from 'mailparser';
import { htmlToText } from './extract-text.js';
import { cut, type Extracted } from './text-sink.js';

type Parse = (bytes: Uint8Array) => Promise<ParsedMail>;

function addresses(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(', ');
}

/** The EML extractor, once mailparser is loaded. */
export async function emlExtractor(): Promise<(bytes: Uint8Array, maxChars: number) => Promise<Extracted>> {
  const { simpleParser } = await import('mailparser');
  const parse: Parse = (bytes) =>
    simpleParser(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
    });
  return async (bytes, maxChars) => {
    const m = await parse(bytes);
    const head = [
      m.subject ? `Subject: ${m.subject}` : '',
      m.from ? `From: ${addresses(m.from)}` : '',
      m.to ? `To: ${addresses(m.to)}` : '',
      m.cc ? `Cc: ${addresses(m.cc)}` : '',
      m.date ? `Date: ${m.date.toISOString()}` : '',
    ].filter(Boolean);
    const body = m.text?.trim() || (typeof m.html === 'string' ? htmlToText(m.html, maxChars).text : '');
    return cut([head.join('\n'), body].filter(Boolean).join('\n\n'), maxChars);
  };
}
