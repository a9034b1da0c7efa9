/**
 * Advanced sync rules of the `github` source, Elastic's shape: a list of
 * `{"repository": "owner/name" | "name", "filter": {"issue"?, "pr"?, "branch"?, "path"?}}`,
 * each filter key a non-empty string, at least one per rule, no other key. `issue` and `pr` are
 * GitHub search qualifiers (`is:open label:bug`, the repository and `is:issue` / `is:pr` are
 * added); `branch` indexes the files of that branch; `path` the files below that path (of
 * `branch` when both are given, else of the default branch). When rules are active,
 * [repositories] is ignored.
 */
import { hasAdvancedRules } from '../shared/advanced-rules.js';
import type { RulesValidation } from '../source.js';
import { repositoryProblem } from './config.js';

export interface GitHubRule {
  repository: string;
  filter: { issue?: string; pr?: string; branch?: string; path?: string };
}

const FILTER_KEYS = new Set(['issue', 'pr', 'branch', 'path']);
export const MAX_RULES = 100;
const MAX_QUERY_CHARS = 256;

export function parseGitHubRules(value: unknown): { rules: GitHubRule[]; messages: string[] } {
  if (!hasAdvancedRules(value)) return { rules: [], messages: [] };
  if (!Array.isArray(value)) return { rules: [], messages: ['Advanced rules must be a list of {"repository": "owner/name", "filter": {"issue" | "pr" | "branch" | "path": "…"}} objects.'] };
  if (value.length > MAX_RULES) return { rules: [], messages: [`At most ${MAX_RULES} advanced rules are allowed; got ${value.length}.`] };
  const messages: string[] = [];
  const rules: GitHubRule[] = [];
  value.forEach((r: unknown, i) => {
    const n = `Rule ${i + 1}`;
    const before = messages.length;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      messages.push(`${n}: must be an object with "repository" and "filter".`);
      return;
    }
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) if (k !== 'repository' && k !== 'filter') messages.push(`${n}: unknown key "${k.slice(0, 40)}" (allowed: repository, filter).`);
    if (typeof o.repository !== 'string' || o.repository.trim() === '') messages.push(`${n}: "repository" must be a non-empty string (owner/name).`);
    else {
      const p = repositoryProblem(o.repository.trim());
      if (p) messages.push(`${n}: "repository" ${p}.`);
    }
    const f = o.filter;
    if (typeof f !== 'object' || f === null || Array.isArray(f) || Object.keys(f).length === 0) {
      messages.push(`${n}: "filter" must be an object with at least one of issue, pr, branch, path.`);
    } else {
      for (const [k, v] of Object.entries(f)) {
        if (!FILTER_KEYS.has(k)) messages.push(`${n}: unknown filter "${k.slice(0, 40)}" (allowed: issue, pr, branch, path).`);
        else if (typeof v !== 'string' || v.trim() === '') messages.push(`${n}: filter "${k}" must be a non-empty string.`);
        else if (v.length > MAX_QUERY_CHARS) messages.push(`${n}: filter "${k}" is longer than ${MAX_QUERY_CHARS} characters (GitHub's search limit).`);
        else if (k === 'branch' && (/\.\.|[\s~^:?*[\\]/.test(v) || v.startsWith('/') || v.endsWith('/'))) messages.push(`${n}: filter "branch" is not a branch name.`);
        else if (k === 'path' && v.split('/').some((s) => s === '..')) messages.push(`${n}: filter "path" may not hold "..".`);
      }
    }
    if (messages.length === before) rules.push({ repository: (o.repository as string).trim(), filter: { ...(f as GitHubRule['filter']) } });
  });
  return { rules, messages };
}

export function validateGitHubRules(value: unknown): RulesValidation {
  const { messages } = parseGitHubRules(value);
  return { valid: messages.length === 0, messages };
}

/** The search query of a rule's `issue` or `pr` filter, or null when it asks for the other kind. */
export function searchQuery(repo: string, query: string, kind: 'issue' | 'pr'): string | null {
  const other = kind === 'pr' ? 'is:issue' : 'is:pr';
  const own = `is:${kind}`;
  if (query.split(/\s+/).includes(other)) return null;
  return `repo:${repo} ${query.split(/\s+/).includes(own) ? '' : `${own} `}${query.trim()}`;
}
