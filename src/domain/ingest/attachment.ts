/**
 * The `attachment` processor: the base64 bytes of a file in `field` become its text in
 * `target_field` (`content`, `content_type`, `content_length`), through the extractors of
 * the extraction threads (given by the caller as `IngestEnv.extract`: PDF, DOCX, HTML, plain
 * text). `indexed_chars` (default 100 000, -1 for no limit up to the extraction bound) caps
 * the text, or the number in `indexed_chars_field` when the document has one.
 */
import { fail, getField, hasField, removeField, setField, typeName, type Exec, type IngestEnv } from './ingest-doc.js';
import type { Options } from './options.js';

export const DEFAULT_INDEXED_CHARS = 100_000;
/** The most characters kept whatever `indexed_chars` says (-1 included). */
export const MAX_INDEXED_CHARS = 10_000_000;
const PROPERTIES = new Set(['content', 'title', 'author', 'keywords', 'date', 'content_type', 'content_length', 'language', 'modified', 'format', 'identifier', 'contributor', 'coverage', 'creator_tool', 'description', 'metadata_date', 'modifier', 'print_date', 'publisher', 'rating', 'relation', 'source', 'subject', 'type']);

/** Whether a string is base64 (whitespace allowed, `=` padding only at the end): one linear pass, no regex backtracking. */
export function isBase64(s: string): boolean {
  let padding = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13;
    if (c === 61) {
      if (++padding > 2) return false;
    } else if (space) {
      continue;
    } else if (padding > 0) {
      return false;
    } else if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47)) {
      return false;
    }
  }
  return true;
}

export function attachmentProcessor(o: Options): Exec {
  const field = o.required('field');
  const target = o.string('target_field', 'attachment');
  const indexedChars = o.int('indexed_chars', DEFAULT_INDEXED_CHARS);
  const charsField = o.string('indexed_chars_field');
  const ignoreMissing = o.bool('ignore_missing', false);
  const removeBinary = o.bool('remove_binary', true);
  o.string('resource_name');
  const properties = o.list('properties') ?? ['content', 'content_type', 'content_length'];
  for (const p of properties) if (!PROPERTIES.has(p)) throw o.error(`illegal field option [${p}]. valid values are [${[...PROPERTIES].join(', ')}]`, 'properties');
  const want = new Set(properties);
  return async (doc, env: IngestEnv) => {
    if (!hasField(doc, field) || getField(doc, field) === null) {
      if (ignoreMissing) return;
      if (!hasField(doc, field)) getField(doc, field);
      throw fail(`field [${field}] is null, cannot parse.`);
    }
    const value = getField(doc, field);
    if (typeof value !== 'string') throw fail(`field [${field}] of type [${typeName(value)}] cannot be cast to a base64 string`);
    if (!isBase64(value)) throw fail(`field [${field}] is not valid base64`);
    let limit = indexedChars;
    if (charsField !== undefined && hasField(doc, charsField)) {
      const n = Number(getField(doc, charsField));
      if (Number.isSafeInteger(n)) limit = n;
    }
    const maxChars = limit < 0 ? MAX_INDEXED_CHARS : Math.min(limit, MAX_INDEXED_CHARS);
    const bytes = Buffer.from(value, 'base64');
    const text = await env.extract(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), maxChars);
    const out: Record<string, unknown> = {};
    if (want.has('content') && text.content !== '') out.content = text.content;
    if (want.has('content_type')) out.content_type = text.contentType;
    if (want.has('content_length')) out.content_length = text.contentLength;
    setField(doc, target, out);
    if (removeBinary) removeField(doc, field);
  };
}
