/**
 * Advanced sync rules of the Atlassian sources, Elastic's shape: a list of query objects,
 * `[{"query": "project = DEMO AND updated > -7d"}]` (JQL for jira, CQL for confluence), each
 * with exactly one non-empty string key `query`. The product's server judges the query itself
 * (the source may ask it when validating). Messages name the rule (1-based) and what to fix.
 */
import { hasAdvancedRules } from '../advanced-rules.js';

export const MAX_QUERY_RULES = 100;
export const MAX_QUERY_CHARS = 8192;

export interface QueryRulesResult {
  queries: string[];
  messages: string[];
}

/** `language`: `JQL` or `CQL`, in messages. `{}`, `[]` and null mean no rules. */
export function parseQueryRules(value: unknown, language: string): QueryRulesResult {
  if (!hasAdvancedRules(value)) return { queries: [], messages: [] };
  const shape = `a list of {"query": "<${language}>"} objects`;
  if (!Array.isArray(value)) return { queries: [], messages: [`Advanced rules must be ${shape}; got ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}.`] };
  if (value.length > MAX_QUERY_RULES) return { queries: [], messages: [`Advanced rules hold ${value.length} queries; at most ${MAX_QUERY_RULES} are allowed.`] };
  const queries: string[] = [];
  const messages: string[] = [];
  value.forEach((r: unknown, i) => {
    const n = `Rule ${i + 1}`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      messages.push(`${n}: must be an object {"query": "<${language}>"}.`);
      return;
    }
    const o = r as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'query');
    if (extra.length) messages.push(`${n}: unknown key "${extra[0].slice(0, 40)}" (only "query" is allowed).`);
    if (typeof o.query !== 'string' || o.query.trim() === '') messages.push(`${n}: "query" must be a non-empty ${language} string.`);
    else if (o.query.length > MAX_QUERY_CHARS) messages.push(`${n}: "query" is ${o.query.length} characters long; at most ${MAX_QUERY_CHARS} are allowed.`);
    else if (!extra.length) queries.push(o.query.trim());
  });
  return { queries: messages.length ? [] : queries, messages };
}
