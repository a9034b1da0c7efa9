import { StringDecoder } from 'node:string_decoder';

/**
 * What every extractor collects its text into: kept up to a number of characters, then cut and
 * marked truncated, so that an extractor can stop reading once `full`.
 */

export interface Extracted {
  text: string;
  truncated: boolean;
}

export class TextSink {
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
  /** Adds a line break unless the text so far ends with one (or is empty). */
  newline(): void {
    const last = this.parts[this.parts.length - 1];
    if (last !== undefined && !last.endsWith('\n')) this.add('\n');
  }
  result(): Extracted {
    return { text: this.parts.join(''), truncated: this.truncated };
  }
  /** The text with whitespace reduced (tidy). */
  tidied(): Extracted {
    const { text, truncated } = this.result();
    return { text: tidy(text), truncated };
  }
}

/**
 * Runs of spaces and tabs (and other non-line-break whitespace) become one space, line breaks
 * with the whitespace around them one line break, and the ends are trimmed. Linear: each
 * pattern matches forward only, nothing is re-scanned.
 */
export function tidy(text: string): string {
  return text.replace(/[^\S\n]+/g, ' ').replace(/ ?\n\s*/g, '\n').trim();
}

/** Each line without trailing whitespace, and the whole trimmed (linear: no pattern re-scans a run). */
export function trimLines(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n').trim();
}

/** `text` cut at `maxChars` characters. */
export function cut(text: string, maxChars: number): Extracted {
  return text.length > maxChars ? { text: text.slice(0, maxChars), truncated: true } : { text, truncated: false };
}

/**
 * UTF-8 text of bytes in chunks, without a byte-order mark, cut at `maxChars` characters:
 * decoding stops there (at most 4 bytes per kept character are decoded).
 */
export function decodeText(chunks: Iterable<Uint8Array>, maxChars: number): Extracted {
  const decoder = new StringDecoder('utf8');
  const sink = new TextSink(maxChars);
  let first = true;
  let budget = maxChars * 4;
  for (const chunk of chunks) {
    const cutShort = chunk.byteLength > budget;
    const part = cutShort ? chunk.subarray(0, budget) : chunk;
    budget -= part.byteLength;
    let s = decoder.write(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
    if (first && s !== '') {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    sink.add(s);
    if (cutShort) sink.truncated = true; // bytes no kept character can come from
    if (sink.full) return sink.result();
  }
  sink.add(decoder.end());
  return sink.result();
}
