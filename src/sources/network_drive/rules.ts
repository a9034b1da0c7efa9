/**
 * Advanced sync rules of the `network_drive` source, Elastic's shape: a list of
 * `{"pattern": "<glob>"}`. A pattern is matched against folder paths written as
 * `<drive_path>/<folder>/<sub>` (forward slashes); every file and folder below a matching
 * folder is synced. `*` and `?` stay within one path segment, `**` spans segments (`a/**​/b`
 * also matches `a/b`), `[abc]`/`[!abc]` are classes. Patterns become RE2 expressions (linear
 * time), bounded in number and length.
 */
import { RE2JS } from 're2js';
import type { RulesValidation } from '../source.js';

export const RULE_LIMITS = { rules: 100, patternChars: 1_024 } as const;

export type FolderMatcher = (folderPath: string) => boolean;

function escape(ch: string): string {
  return /[\\^$.|?*+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
}

/** The RE2 source of one glob (anchored at both ends by `matches()`). */
export function globToRegex(glob: string): string {
  const g = glob.replace(/\\/g, '/');
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        const atSegmentStart = i === 0 || g[i - 1] === '/';
        if (atSegmentStart && slashAfter) {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = g.indexOf(']', i + 2);
      if (end < 0) throw new Error('has a "[" without a closing "]"');
      let body = g.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^/' : ''}${body.replace(/\\/g, '\\\\').replace(/\[/g, '\\[')}]`;
      i = end;
    } else out += escape(c);
  }
  return out;
}

function compileOne(pattern: string): RE2JS {
  return RE2JS.compile(`^(?:${globToRegex(pattern)})$`);
}

/** The patterns of `{}`/null/[] → null (no advanced rules). */
export function advancedPatterns(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map((r) => String((r as { pattern?: unknown })?.pattern ?? ''));
  if (typeof value === 'object' && Object.keys(value).length === 0) return null;
  return [];
}

/** Whether a folder (`<drive_path>/…`) is selected by a pattern. */
export function folderMatcher(patterns: string[]): FolderMatcher {
  const res = patterns.map(compileOne);
  return (folderPath) => res.some((re) => re.matches(folderPath));
}

export function validateNetworkDriveRules(value: unknown): RulesValidation {
  if (value === null || value === undefined) return { valid: true, messages: [] };
  if (!Array.isArray(value)) {
    if (typeof value === 'object' && Object.keys(value).length === 0) return { valid: true, messages: [] };
    return { valid: false, messages: ['Advanced rules must be a list of {"pattern": "<glob>"} objects, e.g. [{"pattern": "Share/Reports/**"}]'] };
  }
  if (value.length > RULE_LIMITS.rules) return { valid: false, messages: [`${value.length} rules; at most ${RULE_LIMITS.rules} are allowed`] };
  const messages: string[] = [];
  value.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      messages.push(`Rule ${i} must be an object {"pattern": "<glob>"}`);
      return;
    }
    const extra = Object.keys(r).filter((k) => k !== 'pattern');
    if (extra.length) messages.push(`Rule ${i}: unknown key [${extra[0].slice(0, 40)}]; only "pattern" is allowed`);
    const p = (r as { pattern?: unknown }).pattern;
    if (typeof p !== 'string' || p.trim() === '') {
      messages.push(`Rule ${i}: [pattern] must be a non-empty glob string`);
      return;
    }
    if (p.length > RULE_LIMITS.patternChars) {
      messages.push(`Rule ${i}: [pattern] is ${p.length} characters; at most ${RULE_LIMITS.patternChars} are allowed`);
      return;
    }
    try {
      compileOne(p);
    } catch (err) {
      messages.push(`Rule ${i}: [pattern] [${p.slice(0, 64)}] ${(err as Error).message.slice(0, 120)}`);
    }
  });
  return { valid: messages.length === 0, messages };
}
