/**
 * File selection of the `directory` source: the configured include/exclude globs and the
 * advanced sync rules `{ "include": [globs], "exclude": [globs] }` (docs/sources/directory.md).
 * A file is indexed when it matches an include glob of each set that has any, and no exclude
 * glob. Globs (glob-match.ts: matched in linear time, bounded in number and length) apply to
 * the path relative to the root (`/` separators); a glob without `/` matches the file name at
 * any depth, like .gitignore. Folders are pruned during the walk when an exclude glob ending
 * in `/**` covers them, so excluded trees are never read.
 */
import type { RulesValidation } from '../source.js';
import { GLOB_LIMITS, globMatcher, globProblem } from './glob-match.js';

type Matcher = (path: string) => boolean;

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

function compile(globs: string[]): Matcher | null {
  return globs.length === 0 ? null : globMatcher(globs);
}

function prefixMatcher(excludes: string[]): Matcher | null {
  // `a/**` covers the folder `a` at the root only, as the file glob does: the prefix keeps its
  // meaning as a path glob even without a slash of its own.
  const prefixes = excludes.filter((g) => g.endsWith('/**') && g.length > 3).map((g) => g.slice(0, -3));
  if (prefixes.length === 0) return null;
  const byPath = globMatcher(prefixes.filter((p) => p.includes('/')));
  const atRoot = globMatcher(prefixes.filter((p) => !p.includes('/')));
  return (relDir) => byPath(relDir) || (!relDir.includes('/') && atRoot(relDir));
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
    if (list.length > GLOB_LIMITS.perList) {
      messages.push(`[${key}] has ${list.length} globs; at most ${GLOB_LIMITS.perList} are allowed`);
      continue;
    }
    list.forEach((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') {
        messages.push(`[${key}][${i}] must be a non-empty glob string, got ${JSON.stringify(g)}`);
        return;
      }
      if (g.startsWith('/')) messages.push(`[${key}][${i}] [${g}]: globs are relative to the folder; remove the leading "/"`);
      const problem = globProblem(g);
      if (problem) messages.push(`[${key}][${i}] [${g.slice(0, 64)}${g.length > 64 ? '…' : ''}] ${problem}`);
    });
  }
  return { valid: messages.length === 0, messages };
}
