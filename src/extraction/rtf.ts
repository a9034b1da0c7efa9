/**
 * Text of an RTF document, in the extraction threads: one pass over the bytes (linear, no
 * backtracking), a stack of group states (bounded depth; deeper braces are only counted).
 *
 * - control words are not text; `\par`, `\line`, `\row`, `\sect`, `\page` end a line, `\tab`
 *   and `\cell` are tabs, typographic words (`\emdash`, `\lquote`, `\bullet`, …) their characters;
 * - destinations that are not content are skipped with everything inside: font, colour and
 *   style tables, document info, pictures, field instructions, headers and footers, the other
 *   tables Word writes, and every `{\*\…}` group;
 * - `\'hh` is a byte in the document's code page (`\ansicpgN`, Windows-1252 by default);
 *   `\uN` a UTF-16 unit (negative N as in RTF), followed by `\ucN` fallback characters that
 *   are skipped; `\{`, `\}`, `\\` literal, `\~` a space; `\binN` skips N raw bytes.
 */
import { TextSink, trimLines, type Extracted } from './text-sink.js';

const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'fldinst', 'listtable', 'listoverridetable', 'rsidtbl', 'generator',
  'xmlnstbl', 'themedata', 'colorschememapping', 'datastore', 'latentstyles', 'filetbl', 'revtbl', 'mmathPr', 'pgdsctbl',
  'objdata', 'shppict', 'nonshppict', 'bkmkstart', 'bkmkend', 'header', 'footer', 'headerl', 'headerr', 'headerf', 'footerl', 'footerr', 'footerf',
]);
const CHARS: Record<string, string> = {
  par: '\n', line: '\n', row: '\n', sect: '\n', page: '\n', tab: '\t', cell: '\t', nestcell: '\t',
  emdash: '\u2014', endash: '\u2013', emspace: ' ', enspace: ' ', qmspace: ' ', bullet: '\u2022',
  lquote: '\u2018', rquote: '\u2019', ldblquote: '\u201c', rdblquote: '\u201d',
};
const MAX_DEPTH = 1024;

interface Group {
  skip: boolean;
  /** Fallback characters after a `\uN`. */
  uc: number;
}

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** ASCII text that is no RTF syntax (not `\\`, `{`, `}`, line breaks): taken as a run. */
const isPlain = (c: number) => c >= 0x20 && c < 0x80 && c !== 0x5c && c !== 0x7b && c !== 0x7d;
const HEX = (c: number) => (isDigit(c) ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);

/** Windows-1252's 0x80–0x9F (Node 20 decodes `windows-1252` as Latin-1 there). */
const CP1252_HIGH = '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

type Decode = (bytes: number[]) => string;

const cp1252: Decode = (bytes) => bytes.map((b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b))).join('');

function decoderFor(codepage: number): Decode {
  if (codepage === 1252) return cp1252;
  const label = codepage === 65001 ? 'utf-8' : codepage === 932 ? 'shift_jis' : codepage === 936 ? 'gbk' : codepage === 949 ? 'euc-kr' : codepage === 950 ? 'big5' : `windows-${codepage}`;
  try {
    const d = new TextDecoder(label);
    return (bytes) => d.decode(Uint8Array.from(bytes));
  } catch {
    return cp1252;
  }
}

export function rtfToText(bytes: Uint8Array, maxChars: number): Extracted {
  const sink = new TextSink(maxChars);
  const stack: Group[] = [];
  let g: Group = { skip: false, uc: 1 };
  let overflow = 0; // braces past MAX_DEPTH, counted only
  let decoder = decoderFor(1252);
  let pending: number[] = []; // \'hh bytes and 8-bit characters, decoded together
  let run = ''; // text not yet in the sink
  let fallback = 0; // characters still to skip after \uN

  const flushBytes = () => {
    if (pending.length) {
      run += decoder(pending);
      pending = [];
    }
  };
  const emit = (s: string) => {
    if (g.skip) return;
    flushBytes();
    run += s;
    if (run.length >= 4096) {
      sink.add(run);
      run = '';
    }
  };
  const byte = (b: number) => {
    if (g.skip) return;
    if (fallback > 0) fallback--;
    else if (b < 0x80 && pending.length === 0) emit(String.fromCharCode(b));
    else pending.push(b);
  };

  const n = bytes.length;
  let i = 0;
  while (i < n && !sink.full) {
    const c = bytes[i];
    if (c === 0x7b /* { */) {
      i++;
      fallback = 0;
      if (stack.length >= MAX_DEPTH) overflow++;
      else {
        stack.push(g);
        g = { ...g };
      }
    } else if (c === 0x7d /* } */) {
      i++;
      fallback = 0;
      if (overflow > 0) overflow--;
      else if (stack.length) {
        flushBytes();
        g = stack.pop()!;
      }
    } else if (c === 0x5c /* \ */) {
      const next = bytes[i + 1];
      if (next === undefined) break;
      if (isLetter(next)) {
        let j = i + 1;
        while (j < n && j - i <= 32 && isLetter(bytes[j])) j++;
        const word = String.fromCharCode(...bytes.subarray(i + 1, j));
        let sign = 1;
        if (bytes[j] === 0x2d /* - */ && isDigit(bytes[j + 1])) {
          sign = -1;
          j++;
        }
        let num: number | null = null;
        const digitsFrom = j;
        while (j < n && j - digitsFrom < 10 && isDigit(bytes[j])) num = (num ?? 0) * 10 + (bytes[j++] - 0x30);
        if (num !== null) num *= sign;
        if (bytes[j] === 0x20) j++;
        i = j;
        if (word === 'bin') {
          i += Math.max(0, num ?? 0);
        } else if (SKIPPED.has(word)) {
          g.skip = true;
        } else if (word === 'u' && num !== null) {
          emit(String.fromCharCode(num < 0 ? num + 65536 : num));
          fallback = g.uc;
        } else if (word === 'uc' && num !== null) {
          g.uc = Math.max(0, num);
        } else if (word === 'ansicpg' && num !== null) {
          flushBytes();
          decoder = decoderFor(num);
        } else if (CHARS[word] !== undefined) {
          fallback = 0;
          emit(CHARS[word]);
        }
      } else if (next === 0x27 /* ' */) {
        const hi = HEX(bytes[i + 2] ?? -1);
        const lo = HEX(bytes[i + 3] ?? -1);
        i += 4;
        if (hi >= 0 && lo >= 0) byte(hi * 16 + lo);
      } else {
        i += 2;
        if (next === 0x2a /* * */) g.skip = true;
        else if (next === 0x7b || next === 0x7d || next === 0x5c) byte(next);
        else if (next === 0x7e /* ~ */) emit(' ');
        else if (next === 0x5f /* _ */) emit('-');
        else if (next === 0x0a || next === 0x0d) emit('\n');
      }
    } else if (isPlain(c) && fallback === 0 && pending.length === 0) {
      let j = i + 1;
      while (j < n && isPlain(bytes[j])) j++;
      if (!g.skip) emit(Buffer.from(bytes.buffer, bytes.byteOffset + i, j - i).toString('latin1'));
      i = j;
    } else {
      i++;
      if (c !== 0x0a && c !== 0x0d) byte(c);
    }
  }
  flushBytes();
  sink.add(run);
  const { text, truncated } = sink.result();
  return { text: trimLines(text), truncated };
}
