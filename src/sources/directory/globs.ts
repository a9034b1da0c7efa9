/**
 * File selection of the `directory` source: the configured include/exclude globs and the
 * advanced sync rules `{ "include": [globs], "exclude": [globs] }` (docs/sources/directory.md).
 * A file is indexed when it matches an include glob of each set that has any, and no exclude
 * glob. Globs are picomatch globs on the path relative to the root (`/` separators); a glob
 * without `/` matches the file name at any depth, like .gitignore. Folders are pruned during
 * the walk when an exclude glob ending in `/**` covers them, so excluded trees are never read.
 *
 * picomatch turns a glob into a regex; V8 would run it by backtracking, and `*a*a*a*a*a*a*b`
 * took 12 s on a 60-character file name (issue 11 item 6). So the regex runs on re2js (linear
 * time) instead. picomatch's only lookarounds keep `*` and `**` off `.` / `..` segments and
 * off the empty string; the walker's relative paths have neither, so they are dropped. What
 * still needs lookaround (negated extglobs `!(…)`) is refused as an invalid glob.
 */
import picomatch from 'picomatch';
import { RE2JS } from 're2js';
import { SourceError, type RulesValidation } from '../source.js';

type Matcher = (path: string) => boolean;

const OPTIONS: picomatch.PicomatchOptions = { dot: true };

export interface FileFilter {
  /** Whether a file (relative path) is indexed. */
  file(rel: string): boolean;
  /** Whether a folder (relative path, '' = root) is skipped with everything below it. */
  pruned(relDir: string): boolean;
}

export interface GlobSets {
  include: string[];
  exclude: string[];
}

/** Characters of one glob. */
export const MAX_GLOB_LENGTH = 1024;

/** picomatch's guards against `.` / `..` segments and empty matches (see above). */
const GUARDS = ['(?!(?:^|\\/)\\.{1,2}(?:\\/|$))', '(?!\\.{1,2}(?:\\/|$))', '(?=.)'];

/** One glob as a linear-time matcher of a whole string (throws with the reason when invalid). */
function globMatcher(glob: string): Matcher {
  if (glob.length > MAX_GLOB_LENGTH) throw new Error(`longer than [${MAX_GLOB_LENGTH}] characters`);
  let source = picomatch.makeRe(glob, OPTIONS).source;
  for (const g of GUARDS) source = source.split(g).join('');
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (e) {
    if (/\(\?<?[=!]/.test(source)) throw new Error('negated extglobs such as !(…) are not supported');
    throw e;
  }
  // picomatch also takes a path equal to the glob itself as a match.
  return (s) => s === glob || re.test(s);
}

/** globMatcher for the configured globs: a bad one fails the sync with an error naming it. */
function namedMatcher(glob: string): Matcher {
  try {
    return globMatcher(glob);
  } catch (e) {
    throw new SourceError(`Invalid glob [${glob.length > 100 ? glob.slice(0, 100) + '…' : glob}]: ${(e as Error).message}`);
  }
}

function compile(globs: string[]): Matcher | null {
  if (globs.length === 0) return null;
  // A glob without `/` matches the file name (picomatch's `basename`), one with `/` the path.
  const names = globs.filter((g) => !g.includes('/')).map(namedMatcher);
  const paths = globs.filter((g) => g.includes('/')).map(namedMatcher);
  return (rel) => {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    return names.some((m) => m(base)) || paths.some((m) => m(rel));
  };
}

function prefixMatcher(excludes: string[]): Matcher | null {
  const prefixes = excludes.filter((g) => g.endsWith('/**') && g.length > 3).map((g) => namedMatcher(g.slice(0, -3)));
  // `a/**` covers the folder `a` at the root only, as the file glob does.
  return prefixes.length ? (rel) => prefixes.some((m) => m(rel)) : null;
}

export function fileFilter(sets: GlobSets[]): FileFilter {
  const includes = sets.map((s) => compile(s.include)).filter((m): m is Matcher => m !== null);
  const excludes = sets.map((s) => compile(s.exclude)).filter((m): m is Matcher => m !== null);
  const prune = prefixMatcher(sets.flatMap((s) => s.exclude));
  return {
    file: (rel) => includes.every((m) => m(rel)) && !excludes.some((m) => m(rel)),
    pruned: (relDir) => relDir !== '' && prune !== null && prune(relDir),
  };
}

/** `{}`, null and undefined mean "no advanced rules". */
export function advancedGlobs(value: unknown): GlobSets | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return null;
  const v = value as Partial<GlobSets>;
  return { include: v.include ?? [], exclude: v.exclude ?? [] };
}

/** Checks the advanced rules' shape and that every glob compiles. */
export function validateGlobRules(value: unknown): RulesValidation {
  if (value === null || value === undefined) return { valid: true, messages: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { valid: false, messages: ['Advanced rules must be an object {"include": [globs], "exclude": [globs]}'] };
  }
  const messages: string[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'include' && key !== 'exclude') messages.push(`Unknown key [${key}]: advanced rules accept only "include" and "exclude"`);
  }
  for (const key of ['include', 'exclude'] as const) {
    const list = (value as Record<string, unknown>)[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      messages.push(`[${key}] must be an array of glob strings`);
      continue;
    }
    list.forEach((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') {
        messages.push(`[${key}][${i}] must be a non-empty glob string, got ${JSON.stringify(g)}`);
        return;
      }
      if (g.startsWith('/')) messages.push(`[${key}][${i}] [${g}]: globs are relative to the folder; remove the leading "/"`);
      try {
        globMatcher(g);
      } catch (e) {
        messages.push(`[${key}][${i}] [${g}] is not a valid glob: ${(e as Error).message}`);
      }
    });
  }
  return { valid: messages.length === 0, messages };
}
