/**
 * Glob matching for the directory source's include/exclude globs, in time linear in the path
 * times the glob — no regular expressions, so no backtracking blow-up (the regexes used before
 * took 21 s for `*a*a*a*a*a*a*b` against a 60-character name, on the event loop).
 *
 * Syntax: `*` (any characters within a path segment), `?` (one character), `[abc]`, `[a-z]`,
 * `[!a]` / `[^a]` (one character of a class), `**` as a whole segment (any number of
 * segments, also none), `{a,b}` (alternatives, nested allowed), `\x` (a literal character).
 * Dot files match like any other. Extglobs (`@(…)`, `!(…)` …) and a leading `!` are refused
 * by `globProblem`.
 *
 * Matching uses the greedy wildcard algorithm twice: characters against a segment's tokens,
 * then segments against the glob's segments with `**` as the wildcard. Each remembers only
 * its last wildcard, which is enough because what follows a wildcard is matched leftmost.
 */

/** Bounds on what a connector's globs may cost (docs/sources/directory.md "Limits"). */
export const GLOB_LIMITS = { chars: 256, perList: 64, alternatives: 64 } as const;

type Token =
  | { t: 'char'; c: string }
  | { t: 'one' }
  | { t: 'star' }
  | { t: 'class'; negate: boolean; chars: string[]; ranges: [string, string][] };
type Segment = Token[] | 'globstar';

/** Why a glob is not accepted, or null. */
export function globProblem(glob: string): string | null {
  if (glob.length > GLOB_LIMITS.chars) return `is ${glob.length} characters long; at most ${GLOB_LIMITS.chars} are allowed`;
  if (glob.startsWith('!')) return 'negation ("!") is not supported: use an exclude glob';
  if (/(^|[^\\])[@!+*?]\(/.test(glob)) return 'extglobs such as @(a|b) are not supported: use {a,b}';
  let depth = 0;
  let bracket = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (bracket) bracket = c !== ']';
    else if (c === '[') bracket = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return 'has a "}" without "{"';
  }
  if (depth > 0) return 'has a "{" without "}"';
  if (expand(glob).length > GLOB_LIMITS.alternatives) return `expands to more than ${GLOB_LIMITS.alternatives} alternatives`;
  return null;
}

/** `{a,b}` alternatives, expanded (at most GLOB_LIMITS.alternatives + 1 of them). */
export function expand(glob: string): string[] {
  // Find the first top-level {…} with a comma; expand it, then recurse on each result.
  let open = -1;
  let depth = 0;
  const commas: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end > 0) i = end;
    } else if (c === '{') {
      if (depth++ === 0) {
        open = i;
        commas.length = 0;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && depth > 0 && --depth === 0) {
      if (commas.length === 0) continue; // `{a}` stays literal
      const parts: string[] = [];
      let from = open + 1;
      for (const k of [...commas, i]) {
        parts.push(glob.slice(from, k));
        from = k + 1;
      }
      const out: string[] = [];
      for (const p of parts) {
        for (const e of expand(glob.slice(0, open) + p + glob.slice(i + 1))) {
          out.push(e);
          if (out.length > GLOB_LIMITS.alternatives) return out;
        }
      }
      return out;
    }
  }
  return [glob];
}

function tokens(segment: string): Token[] {
  const out: Token[] = [];
  const chars = Array.from(segment);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length) out.push({ t: 'char', c: chars[++i] });
    else if (c === '*') {
      if (out.at(-1)?.t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') out.push({ t: 'one' });
    else if (c === '[') {
      let j = i + 1;
      const negate = chars[j] === '!' || chars[j] === '^';
      if (negate) j++;
      const set: string[] = [];
      const ranges: [string, string][] = [];
      let closed = false;
      for (let first = true; j < chars.length; j++, first = false) {
        if (chars[j] === ']' && !first) {
          closed = true;
          break;
        }
        let a = chars[j];
        if (a === '\\' && j + 1 < chars.length) a = chars[++j];
        if (chars[j + 1] === '-' && j + 2 < chars.length && chars[j + 2] !== ']') {
          ranges.push([a, chars[j + 2]]);
          j += 2;
        } else set.push(a);
      }
      if (closed) {
        out.push({ t: 'class', negate, chars: set, ranges });
        i = j;
      } else out.push({ t: 'char', c });
    } else out.push({ t: 'char', c });
  }
  return out;
}

function accepts(tok: Token, c: string): boolean {
  switch (tok.t) {
    case 'char':
      return tok.c === c;
    case 'one':
      return true;
    case 'class': {
      const hit = tok.chars.includes(c) || tok.ranges.some(([a, b]) => c >= a && c <= b);
      return hit !== tok.negate;
    }
    default:
      return false;
  }
}

/** Greedy wildcard match of `items` against `pattern`, with `isStar` marking the wildcards. */
function greedy<P, I>(pattern: P[], items: I[], isStar: (p: P) => boolean, eq: (p: P, i: I) => boolean): boolean {
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < items.length) {
    if (p < pattern.length && isStar(pattern[p])) {
      star = p++;
      mark = s;
    } else if (p < pattern.length && eq(pattern[p], items[s])) {
      p++;
      s++;
    } else if (star >= 0) {
      p = star + 1;
      s = ++mark;
    } else return false;
  }
  while (p < pattern.length && isStar(pattern[p])) p++;
  return p === pattern.length;
}

function segmentMatches(toks: Token[], name: string): boolean {
  return greedy(toks, Array.from(name), (t) => t.t === 'star', accepts);
}

/** A matcher of one glob (after brace expansion) against `/`-separated relative paths. */
function compileOne(glob: string): (segments: string[]) => boolean {
  const segs: Segment[] = glob.split('/').filter((s, i, all) => s !== '' || all.length === 1).map((s) => (s === '**' ? 'globstar' : tokens(s)));
  // Consecutive `**` are one.
  const pattern = segs.filter((s, i) => !(s === 'globstar' && segs[i - 1] === 'globstar'));
  return (segments) => greedy(pattern, segments, (s) => s === 'globstar', (s, name) => s !== 'globstar' && segmentMatches(s, name));
}

/**
 * A matcher of any of `globs` (each checked with globProblem first). A glob without `/`
 * matches the last segment (the file or folder name) at any depth; others the whole path.
 */
export function globMatcher(globs: string[]): (rel: string) => boolean {
  const byName: ((s: string[]) => boolean)[] = [];
  const byPath: ((s: string[]) => boolean)[] = [];
  for (const g of globs) {
    for (const e of expand(g).slice(0, GLOB_LIMITS.alternatives)) (e.includes('/') ? byPath : byName).push(compileOne(e));
  }
  return (rel) => {
    const segments = rel.split('/');
    const last = segments.slice(-1);
    return byName.some((m) => m(last)) || byPath.some((m) => m(segments));
  };
}
