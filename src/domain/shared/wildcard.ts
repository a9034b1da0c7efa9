/**
 * The one wildcard matcher of the code base (issue 11 items 5 and 6): Elasticsearch's
 * `Regex.simpleMatch` semantics for `*` (any run of characters, empty included), and `?` (one
 * UTF-16 code unit) where a caller enables it (role index patterns, action patterns).
 *
 * Matching never backtracks: a pattern is split at its stars into pieces of fixed length;
 * the first piece is anchored at the start, the last at the end, and each middle piece is
 * found at its leftmost position after the previous one (leftmost is always right for
 * fixed-length pieces: it leaves the most room for the rest). Literal pieces are found with
 * Knuth-Morris-Pratt, pieces holding `?` with a bit-parallel Shift-And, so a match costs
 * O(text + pattern) (times ⌈piece/32⌉ for pieces with `?`), whatever the pattern. Compiling
 * costs O(pattern). The regexes this replaces took seconds to hours on `*a*a*a…*b`.
 *
 * Pure: no I/O, no global state except the caches callers create (`WildcardCache`).
 */

export interface WildcardOptions {
  /** `?` matches any one character (else it is a literal `?`, as in `Regex.simpleMatch`). */
  questionMark?: boolean;
  /** Compare lowercased pattern and text (`Regex.simpleMatch(…, caseInsensitive=true)`). */
  caseInsensitive?: boolean;
}

export type WildcardMatcher = (text: string) => boolean;

const QMARK = 63; // '?'

/** A fixed-length piece: where it occurs (leftmost at or after `from`, ending by `to`), -1 if nowhere. */
interface Piece {
  length: number;
  /** Whether the piece matches `text` at `at` (the caller checks the length fits). */
  at(text: string, at: number): boolean;
  find(text: string, from: number, to: number): number;
}

function literalPiece(p: string): Piece {
  // KMP failure table: fail[i] = length of the longest proper border of p[0..i].
  const fail = new Int32Array(p.length);
  for (let i = 1, k = 0; i < p.length; i++) {
    while (k > 0 && p.charCodeAt(i) !== p.charCodeAt(k)) k = fail[k - 1]!;
    if (p.charCodeAt(i) === p.charCodeAt(k)) k++;
    fail[i] = k;
  }
  return {
    length: p.length,
    at: (text, at) => text.startsWith(p, at),
    find(text, from, to) {
      for (let i = from, k = 0; i < to; i++) {
        const c = text.charCodeAt(i);
        while (k > 0 && c !== p.charCodeAt(k)) k = fail[k - 1]!;
        if (c === p.charCodeAt(k)) k++;
        if (k === p.length) return i - p.length + 1;
      }
      return -1;
    },
  };
}

function questionPiece(p: string): Piece {
  const words = (p.length + 31) >>> 5;
  // Per character: the bit set of positions it may occupy; `?` positions are in every set.
  const any = new Uint32Array(words);
  for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) === QMARK) any[i >>> 5]! |= 1 << (i & 31);
  const masks = new Map<number, Uint32Array>();
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === QMARK) continue;
    let m = masks.get(c);
    if (!m) masks.set(c, (m = Uint32Array.from(any)));
    m[i >>> 5]! |= 1 << (i & 31);
  }
  const last = p.length - 1;
  const state = new Uint32Array(words);
  return {
    length: p.length,
    at(text, at) {
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c !== QMARK && c !== text.charCodeAt(at + i)) return false;
      }
      return true;
    },
    find(text, from, to) {
      state.fill(0);
      for (let i = from; i < to; i++) {
        const m = masks.get(text.charCodeAt(i)) ?? any;
        // state = ((state << 1) | 1) & m, across words (carry the top bit of each word up).
        let carry = 1;
        for (let w = 0; w < words; w++) {
          const s = state[w]!;
          state[w] = ((s << 1) | carry) & m[w]!;
          carry = s >>> 31;
        }
        if (state[last >>> 5]! & (1 << (last & 31))) return i - last;
      }
      return -1;
    },
  };
}

function piece(p: string, questionMark: boolean): Piece {
  return questionMark && p.includes('?') ? questionPiece(p) : literalPiece(p);
}

function compileExact(pattern: string, questionMark: boolean): WildcardMatcher {
  const parts = pattern.split('*');
  if (parts.length === 1) {
    if (!questionMark || !pattern.includes('?')) return (text) => text === pattern;
    const only = questionPiece(pattern);
    return (text) => text.length === only.length && only.at(text, 0);
  }
  if (parts.every((s) => s === '')) return () => true;
  const head = piece(parts[0]!, questionMark);
  const tail = piece(parts[parts.length - 1]!, questionMark);
  const middle = parts.slice(1, -1).filter((s) => s !== '').map((s) => piece(s, questionMark));
  const minimum = parts.reduce((n, s) => n + s.length, 0);
  return (text) => {
    const n = text.length;
    if (n < minimum) return false;
    const end = n - tail.length;
    if (!head.at(text, 0) || !tail.at(text, end)) return false;
    let cursor = head.length;
    for (const m of middle) {
      const found = m.find(text, cursor, end);
      if (found < 0) return false;
      cursor = found + m.length;
    }
    return true;
  };
}

/** Compiles `pattern` into a linear-time matcher of whole strings. */
export function compileWildcard(pattern: string, opts: WildcardOptions = {}): WildcardMatcher {
  const questionMark = opts.questionMark === true;
  if (!opts.caseInsensitive) return compileExact(pattern, questionMark);
  const lowered = compileExact(pattern.toLowerCase(), questionMark);
  return (text) => lowered(text.toLowerCase());
}

/** One-off match; prefer a compiled matcher (or a `WildcardCache`) for patterns used again. */
export function wildcardMatch(pattern: string, text: string, opts: WildcardOptions = {}): boolean {
  return compileWildcard(pattern, opts)(text);
}

/** Whether `pattern` has a wildcard (a `*`, or with `questionMark` a `?`). */
export function hasWildcard(pattern: string, opts: WildcardOptions = {}): boolean {
  return pattern.includes('*') || (opts.questionMark === true && pattern.includes('?'));
}

/**
 * Compiled matchers by pattern, least recently used dropped first, so patterns taken from
 * requests can never grow memory without bound.
 */
export class WildcardCache {
  private readonly map = new Map<string, WildcardMatcher>();

  constructor(
    private readonly opts: WildcardOptions = {},
    readonly capacity = 1024,
  ) {}

  get(pattern: string): WildcardMatcher {
    let m = this.map.get(pattern);
    if (m) {
      this.map.delete(pattern);
    } else {
      m = compileWildcard(pattern, this.opts);
      if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(pattern, m);
    return m;
  }

  matches(pattern: string, text: string): boolean {
    return this.get(pattern)(text);
  }

  get size(): number {
    return this.map.size;
  }
}
