/**
 * JQL of the `jira` source: the query that selects the synced issues (the configured
 * `projects`, or the advanced rules' queries, Elastic's `[{"query": "<JQL>"}]`, joined with OR
 * so an issue matched twice is read once), and the clauses the sync adds: key-set paging
 * (`id > N ORDER BY id ASC`: an issue created, updated or deleted between pages neither shifts
 * nor repeats the others) and the incremental window (`updated >= "yyyy/MM/dd HH:mm"`, in the
 * account's time zone, as JQL reads dates — minute precision).
 */
import { parseQueryRules } from '../shared/atlassian/rules.js';
import type { RulesValidation } from '../source.js';

/**
 * Whether the parentheses of a query balance outside quoted strings: the sync wraps each query
 * in `( … )` and adds clauses, and an unbalanced one (`a) OR (b`) would escape the wrapping.
 */
export function balanced(jql: string): boolean {
  let depth = 0;
  for (const ch of jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '')) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Shape check of advanced rules (the server's check is in datasource.ts). */
export function validateJiraRulesShape(rules: unknown): RulesValidation {
  const { queries, messages } = parseQueryRules(rules, 'JQL');
  queries.forEach((q, i) => {
    if (!balanced(q)) messages.push(`Rule ${i + 1}: the parentheses of "query" do not balance.`);
  });
  return { valid: messages.length === 0, messages };
}

/** A query without its trailing `ORDER BY …` (the sync orders by id), outside quoted strings. */
export function withoutOrderBy(jql: string): string {
  const masked = jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (m) => ' '.repeat(m.length));
  const m = /\border\s+by\b/i.exec(masked);
  return (m ? jql.slice(0, m.index) : jql).trim();
}

/** A JQL string literal. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The selection: advanced queries OR-ed, else `project in (…)`, else '' (every issue). */
export function selectionJql(projects: string[], queries: string[]): string {
  if (queries.length) {
    const parts = queries.map(withoutOrderBy).filter(Boolean);
    if (parts.length < queries.length) return ''; // a query of only ORDER BY selects everything
    return parts.length === 1 ? parts[0] : parts.map((q) => `(${q})`).join(' OR ');
  }
  if (projects[0] === '*') return '';
  return `project in (${projects.map(quote).join(', ')})`;
}

/** `base` AND each extra clause, ordered by id. */
export function pagedJql(base: string, ...clauses: (string | null | undefined)[]): string {
  const parts = [base ? `(${base})` : '', ...clauses].filter((x): x is string => Boolean(x));
  return `${parts.join(' AND ')} ORDER BY id ASC`.trim();
}

/** `yyyy/MM/dd HH:mm` of `t` in time zone `tz` (JQL's date format; UTC when `tz` is unknown). */
export function jqlMinute(t: Date, tz: string): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(t);
  } catch {
    return jqlMinute(t, 'UTC');
  }
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '00';
  return `${p('year')}/${p('month')}/${p('day')} ${p('hour')}:${p('minute')}`;
}
