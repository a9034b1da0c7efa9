/**
 * Index-name checks of Elasticsearch's "index or alias name" validation (connector-api.md
 * §10.1), and the managed-connector prefix rule (§10.2). Lowercase is deliberately not
 * enforced, as in Elasticsearch.
 */

const FORBIDDEN = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

/** Returns the reason an index name is invalid, or null when it is fine. */
export function indexNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  const bad = FORBIDDEN.filter((c) => name.includes(c));
  if (bad.length > 0) return `must not contain the following characters [${FORBIDDEN.join(', ')}]`;
  if (name.includes('#')) return "must not contain '#'";
  if (name.includes(':')) return "must not contain ':'";
  if (/^[_\-+]/.test(name)) return "must not start with '_', '-', or '+'";
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > 255) return `index name is too long, (${bytes} > 255)`;
  if (name === '.' || name === '..') return "must not be '.' or '..'";
  return null;
}

/** The validation message Elasticsearch prints for an invalid index name. */
export function indexNameMessage(name: string): string | null {
  const problem = indexNameProblem(name);
  return problem === null ? null : `[${name}] InvalidIndexNameException[Invalid index name [${name}], ${problem}]`;
}
