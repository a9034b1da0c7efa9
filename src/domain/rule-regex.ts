/**
 * The `regex` condition of basic sync rules (issue 11 item 6). Rule regexes are written for
 * Elastic's Python framework, which uses `re.match`: anchored at the start of the value, not
 * at its end. They come from connector managers and run on every document, so they run on
 * re2js (MIT, a pure-JS port of RE2): matching takes time linear in the text, whatever the
 * pattern. V8's backtracking engine took exponential time on `(a+)+$` and polynomial time of
 * any degree on `.*.*.*…x`, blocking the event loop (API and worker share it).
 *
 * The price is RE2's syntax: no backreferences and no lookaround (reported as invalid regexes).
 * Python-only syntax is translated: `(?P=…)` is a backreference, hence refused; `(?#…)` is
 * dropped; `\Z` becomes RE2's `\z`; a `]` right after `[` / `[^` is a literal; leading global
 * flags `(?i)`, `(?m)`, `(?s)` become RE2 flags (`a` and `u` are accepted as no-ops).
 *
 * Linear is not free: when RE2's DFA gives up, its NFA costs (program size × text length).
 * So the program is capped, and a value is examined up to a length that keeps that product
 * under a budget (docs/sync-rules.md).
 */
import { RE2JS } from 're2js';

export const RULE_REGEX_LIMITS = {
  /** Characters of a rule's pattern. */
  maxPatternLength: 1000,
  /** RE2 program instructions (`.{1000}` is 7 characters and 1000 instructions). */
  maxProgramSize: 4000,
  /** Program size × characters examined per value (≈ 0.5 s in the worst case measured). */
  maxWork: 4_000_000,
  /** Characters examined per value are at least this many whatever the program size. */
  minInput: 1000,
};

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };
const LINEAR = 'Tributary runs rule regexes with a linear-time engine (RE2)';

function translate(pattern: string): { source: string; flags: number } {
  let flags = 0;
  let src = pattern;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) {
      if (FLAGS[f] !== undefined) flags |= FLAGS[f];
      else if (f !== 'a' && f !== 'u') throw new Error(`inline flag (?${f}) is not supported`);
    }
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (!inClass && n === 'Z') out += '\\z';
      else if (!inClass && n >= '1' && n <= '9') throw new Error(`backreferences (\\${n}) are not supported: ${LINEAR}`);
      else out += c + n;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in Python.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (src.startsWith('(?P=', i)) {
      throw new Error(`backreferences ((?P=name)) are not supported: ${LINEAR}`);
    } else if (src.startsWith('(?=', i) || src.startsWith('(?!', i) || src.startsWith('(?<=', i) || src.startsWith('(?<!', i)) {
      throw new Error(`lookahead and lookbehind are not supported: ${LINEAR}`);
    } else if (src.startsWith('(?#', i)) {
      const close = src.indexOf(')', i);
      if (close < 0) throw new Error('missing ) after comment');
      i = close;
    } else {
      out += c;
    }
  }
  return { source: out, flags };
}

function compile(source: string, flags: number): RE2JS {
  try {
    return RE2JS.compile(source, flags);
  } catch (e) {
    // "error parsing regexp: missing closing ): `(a`": keep the reason.
    throw new Error((e as Error).message.replace(/^error parsing regexp: /, ''));
  }
}

/** Compiles a rule's pattern into a test of values (`re.match` semantics); throws with the reason. */
export function compileRuleRegex(pattern: string): (text: string) => boolean {
  const L = RULE_REGEX_LIMITS;
  if (pattern.length > L.maxPatternLength) throw new Error(`the pattern is longer than [${L.maxPatternLength}] characters`);
  const { source, flags } = translate(pattern);
  // Alone first, so that `a)|(b` is refused rather than changing the wrapper's meaning.
  compile(source, flags);
  const re = compile(`\\A(?:${source})`, flags);
  const size = (re.re2() as { prog?: { inst?: unknown[] } }).prog?.inst?.length ?? source.length;
  if (size > L.maxProgramSize) {
    throw new Error(`the pattern is too complex: it compiles to [${size}] instructions, at most [${L.maxProgramSize}] are allowed`);
  }
  const maxInput = Math.max(L.minInput, Math.floor(L.maxWork / Math.max(size, 1)));
  return (text) => re.test(text.length > maxInput ? text.slice(0, maxInput) : text);
}
