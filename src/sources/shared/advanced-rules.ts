/**
 * Advanced sync rules of the database sources (issue 7, Elastic's shape): a list of custom
 * queries `[{ "tables": ["t1", …], "query": "SELECT …", "id_columns": ["c1", …]? }]`.
 * This module checks the shape; each source then checks that the tables exist and that the
 * queries parse (its `rules.ts`). Messages name the rule (1-based) and the reason.
 */

export interface QueryRule {
  tables: string[];
  query: string;
  /** Columns whose values make the document id (Elastic's newer optional key). */
  id_columns?: string[];
}

const KEYS = new Set(['tables', 'query', 'id_columns']);

/** `{}`, `[]`, null and undefined mean "no advanced rules". */
export function hasAdvancedRules(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function stringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== '');
}

/** Strips leading comments and parentheses to see the statement's first keyword. */
export function firstKeyword(sql: string): string {
  const s = sql.replace(/^(\s|\(|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, '');
  return (/^[A-Za-z]+/.exec(s)?.[0] ?? '').toUpperCase();
}

/** A query with more than one statement (a `;` followed by anything but whitespace/comments). */
function hasSecondStatement(sql: string): boolean {
  // Good enough for a first check; the server's own parse (EXPLAIN / PREPARE) is the judge.
  const noStrings = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`/g, "''");
  const i = noStrings.indexOf(';');
  return i >= 0 && noStrings.slice(i + 1).replace(/--[^\n]*|\/\*[\s\S]*?\*\/|;/g, '').trim() !== '';
}

/** Shape check. Returns the rules and, when invalid, one message per problem. */
export function parseAdvancedRules(value: unknown): { rules: QueryRule[]; messages: string[]; positions: number[] } {
  if (!hasAdvancedRules(value)) return { rules: [], messages: [], positions: [] };
  if (!Array.isArray(value)) {
    return {
      rules: [],
      positions: [],
      messages: ['Advanced rules must be a list of {"tables": [...], "query": "SELECT ..."} objects; got ' + (typeof value === 'object' ? 'an object' : `a ${typeof value}`) + '.'],
    };
  }
  const messages: string[] = [];
  const rules: QueryRule[] = [];
  const positions: number[] = [];
  value.forEach((r: unknown, i) => {
    const n = `Rule ${i + 1}`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      messages.push(`${n}: must be an object with "tables" and "query".`);
      return;
    }
    const o = r as Record<string, unknown>;
    const before = messages.length;
    for (const k of Object.keys(o)) if (!KEYS.has(k)) messages.push(`${n}: unknown key "${k}" (allowed: tables, query, id_columns).`);
    if (!stringList(o.tables)) messages.push(`${n}: "tables" must be a non-empty list of table names.`);
    if (typeof o.query !== 'string' || o.query.trim() === '') {
      messages.push(`${n}: "query" must be a non-empty SQL string.`);
    } else {
      const kw = firstKeyword(o.query);
      if (kw !== 'SELECT' && kw !== 'WITH' && kw !== 'TABLE' && kw !== 'VALUES') {
        messages.push(`${n}: "query" must be a SELECT statement; it starts with ${kw || 'something else'}.`);
      } else if (hasSecondStatement(o.query)) {
        messages.push(`${n}: "query" must be a single statement.`);
      }
    }
    if (o.id_columns !== undefined && !stringList(o.id_columns)) messages.push(`${n}: "id_columns" must be a non-empty list of column names.`);
    if (messages.length === before) {
      positions.push(i);
      rules.push({
        tables: (o.tables as string[]).map((t) => t.trim()),
        query: (o.query as string).trim().replace(/;\s*$/, ''),
        ...(o.id_columns ? { id_columns: o.id_columns as string[] } : {}),
      });
    }
  });
  return { rules, messages, positions };
}

/** What validation needs from an engine client. */
export interface RuleChecker {
  listTables(): Promise<string[]>;
  /** Null when the server parses the query, else its message. */
  checkQuery(query: string): Promise<string | null>;
}

/**
 * Full validation of a draft's advanced rules: shape, tables exist (and are readable) in
 * `namespace`, each query parses on the server. Connection failures throw (they are not a
 * property of the rules).
 */
export async function validateQueryRules(
  checker: RuleChecker,
  value: unknown,
  namespace: string,
): Promise<{ valid: boolean; messages: string[] }> {
  const { rules, messages, positions } = parseAdvancedRules(value);
  if (rules.length === 0) return { valid: messages.length === 0, messages };
  // Rules of a valid shape are checked on the server even when others are malformed, so
  // the user sees every problem at once.
  const known = new Set(await checker.listTables());
  for (const [j, rule] of rules.entries()) {
    const i = positions[j];
    const missing = rule.tables.filter((t) => !known.has(t));
    if (missing.length) messages.push(`Rule ${i + 1}: tables not found or not readable in ${namespace}: ${missing.join(', ')}.`);
    const err = await checker.checkQuery(rule.query);
    if (err) messages.push(`Rule ${i + 1}: the query does not parse: ${err}.`);
  }
  const order = (m: string) => Number(/^Rule (\d+)/.exec(m)?.[1] ?? 0);
  return { valid: messages.length === 0, messages: messages.sort((a, b) => order(a) - order(b)) };
}
