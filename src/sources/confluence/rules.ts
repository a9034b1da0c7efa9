/**
 * Advanced sync rules of the `confluence` source, as Elastic documents them: a list of CQL
 * queries, `[{"query": "space = DEV AND label = docs"}, …]`. Each query's results are indexed
 * instead of the configured spaces. The shape is checked here (messages name the rule); the
 * source then asks Confluence to parse each query (datasource.ts).
 */

export interface CqlRule {
  query: string;
}

export const MAX_RULES = 100;
export const MAX_QUERY_CHARS = 4096;

/** `{}`, `[]`, null and undefined mean "no advanced rules". */
export function hasRules(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  return typeof v !== 'object' || Object.keys(v).length > 0;
}

export function parseRules(v: unknown): { rules: CqlRule[]; messages: string[]; positions: number[] } {
  if (!hasRules(v)) return { rules: [], messages: [], positions: [] };
  const example = 'e.g. [{"query": "space = DEV AND type = page"}]';
  if (!Array.isArray(v)) return { rules: [], positions: [], messages: [`Advanced rules must be a list of {"query": "<CQL>"} objects, ${example}.`] };
  if (v.length > MAX_RULES) return { rules: [], positions: [], messages: [`Advanced rules hold ${v.length} queries; at most ${MAX_RULES} are allowed.`] };
  const rules: CqlRule[] = [];
  const messages: string[] = [];
  const positions: number[] = [];
  v.forEach((r: unknown, i) => {
    const n = `Rule ${i + 1}`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) return void messages.push(`${n}: must be an object {"query": "<CQL>"}, ${example}.`);
    const extra = Object.keys(r).filter((k) => k !== 'query');
    if (extra.length) messages.push(`${n}: unknown key ${extra.map((k) => `"${k.slice(0, 40)}"`).join(', ')} (only "query" is read).`);
    const q = (r as { query?: unknown }).query;
    if (typeof q !== 'string' || q.trim() === '') messages.push(`${n}: "query" must be a non-empty CQL string, ${example}.`);
    else if (q.length > MAX_QUERY_CHARS) messages.push(`${n}: "query" is ${q.length} characters long; at most ${MAX_QUERY_CHARS} are allowed.`);
    else if (extra.length === 0) {
      rules.push({ query: q.trim() });
      positions.push(i);
    }
  });
  return { rules, messages, positions };
}

/**
 * A rule's query restricted to content changed since `since` (CQL date, minute precision): the
 * user's ORDER BY is dropped (results come by modification time), the query parenthesised.
 */
export function changedSince(query: string, since: string): string {
  const where = query.replace(/\s+order\s+by\s+[\s\S]*$/i, '').trim();
  return `(${where}) AND lastmodified >= "${since}" ORDER BY lastmodified asc`;
}
