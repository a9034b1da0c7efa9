/**
 * Advanced sync rules of the `confluence` source, as Elastic documents them: a list of CQL
 * queries, `[{"query": "space = DEV AND label = docs"}, …]`, whose results are indexed instead
 * of the configured spaces. The shape is checked by the Atlassian sources' shared parser
 * (shared/atlassian/rules.ts); Confluence itself judges each query (datasource.ts asks it).
 */
import { parseQueryRules } from '../shared/atlassian/rules.js';

/** The queries of valid rules, and one message per problem (each naming its rule). */
export function parseCqlRules(value: unknown): { queries: string[]; messages: string[] } {
  return parseQueryRules(value, 'CQL');
}

/**
 * A rule's query restricted to content changed since `since` (CQL date, minute precision): the
 * user's ORDER BY is dropped (results come by modification time), the query parenthesised.
 */
export function changedSince(query: string, since: string): string {
  const where = query.replace(/\s+order\s+by\s+[\s\S]*$/i, '').trim();
  return `(${where}) AND lastmodified >= "${since}" ORDER BY lastmodified asc`;
}
