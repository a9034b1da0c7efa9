/**
 * Document- and field-level security of role descriptors (docs/security.md "Document- and
 * field-level security"), as Elasticsearch defines them: an index group's `query` (a query
 * object, the same as a JSON string, or a mustache template over `_user` and `params`,
 * dls-template.ts) limits which documents its privileges reach, and its `field_security`
 * (`grant` minus `except`, `*` wildcards) which fields. Across the groups of a role set that
 * reach an index the queries are ORed (a group without a query lifts the restriction) and
 * the field grants united; an API key is limited by both its own descriptors and its owner's
 * roles (both restrictions apply). Pure: no I/O.
 */
import { isPlainObject } from '../domain/shared/json.js';
import { compileWildcard, type WildcardMatcher } from '../domain/shared/wildcard.js';
import { parseTemplate, renderTemplate, TemplateError, type TemplateUser } from './dls-template.js';

export interface FieldSecurity {
  grant: string[];
  except?: string[];
}

/** A parsed `indices[].query`: a plain query, or a template rendered per user. */
export type RoleQuery = { query: Record<string, unknown> } | { template: ReturnType<typeof parseTemplate>; params: Record<string, unknown> };

export const MAX_QUERY_CHARS = 64 * 1024;
export const MAX_QUERY_DEPTH = 20;
/** Bounds of `field_security` lists (every field of every hit is matched against them). */
export const MAX_FIELD_PATTERNS = 256;
export const MAX_FIELD_PATTERN = 512;

/** Query types the embedded index compiles (docs/embedded-index.md), with how they nest. */
const COMPOUND: Record<string, string[]> = { bool: ['must', 'filter', 'should', 'must_not'], constant_score: ['filter'], dis_max: ['queries'] };
const LEAVES = new Set([
  'match_all', 'match_none', 'match', 'match_phrase', 'match_phrase_prefix', 'multi_match', 'query_string',
  'simple_query_string', 'term', 'terms', 'range', 'exists', 'ids', 'prefix', 'wildcard',
]);

/** Checks a role query's shape: known query types, bounded nesting and size. Throws with the reason. */
export function checkQuery(q: unknown, depth = 0): asserts q is Record<string, unknown> {
  if (depth > MAX_QUERY_DEPTH) throw new Error(`the query nests deeper than [${MAX_QUERY_DEPTH}] levels`);
  if (!isPlainObject(q)) throw new Error('the query must be a JSON object');
  const keys = Object.keys(q);
  if (keys.length !== 1) throw new Error(`a query object must have exactly one query type, got [${keys.join(',')}]`);
  const type = keys[0]!;
  const body = q[type];
  if (LEAVES.has(type)) return;
  const clauses = COMPOUND[type];
  if (!clauses) throw new Error(`unknown query [${type}]`);
  if (!isPlainObject(body)) throw new Error(`[${type}] must be an object`);
  for (const c of clauses) {
    const v = body[c];
    if (v === undefined) continue;
    for (const sub of Array.isArray(v) ? v : [v]) checkQuery(sub, depth + 1);
  }
}

/** Parses `indices[].query` as Elasticsearch accepts it; throws with the reason. */
export function parseRoleQuery(raw: unknown): RoleQuery {
  let q = raw;
  if (typeof q === 'string') {
    if (q.length > MAX_QUERY_CHARS) throw new Error(`[query] is longer than [${MAX_QUERY_CHARS}] characters`);
    if (/\{\{/.test(q) && !/^\s*\{\s*"template"/.test(q)) return template(q, {});
    try {
      q = JSON.parse(q);
    } catch {
      throw new Error('[query] is not valid JSON');
    }
  }
  if (!isPlainObject(q)) throw new Error('[query] must be a query object or a JSON string of one');
  if (JSON.stringify(q).length > MAX_QUERY_CHARS) throw new Error(`[query] is longer than [${MAX_QUERY_CHARS}] characters`);
  if ('template' in q) {
    if (Object.keys(q).length !== 1) throw new Error('[query] with a [template] must have no other key');
    const t = q.template;
    if (!isPlainObject(t)) throw new Error('[query.template] must be an object {source, params}');
    for (const k of Object.keys(t)) {
      if (k === 'id') throw new Error('[query.template.id] (stored scripts) is not supported: give [source]');
      if (k !== 'source' && k !== 'params' && k !== 'lang' && k !== 'options') throw new Error(`[query.template] unknown key [${k}]`);
    }
    if (t.lang !== undefined && t.lang !== 'mustache') throw new Error('[query.template.lang] must be [mustache]');
    const params = t.params ?? {};
    if (!isPlainObject(params)) throw new Error('[query.template.params] must be an object');
    const source = typeof t.source === 'string' ? t.source : isPlainObject(t.source) ? JSON.stringify(t.source) : undefined;
    if (source === undefined) throw new Error('[query.template.source] must be a string or an object');
    return template(source, params);
  }
  checkQuery(q);
  return { query: q };
}

const PROBE: TemplateUser = { username: 'probe', roles: [], full_name: null, email: null, metadata: {} };

function template(source: string, params: Record<string, unknown>): RoleQuery {
  let parts;
  try {
    parts = parseTemplate(source);
  } catch (e) {
    throw new Error(`[query] template: ${(e as Error).message}`);
  }
  const t = { template: parts, params };
  renderRoleQuery(t, PROBE); // a template that cannot give a query for some user is refused now
  return t;
}

/** The query for `user`; throws with the reason (a template that renders to no valid query). */
export function renderRoleQuery(q: RoleQuery, user: TemplateUser): Record<string, unknown> {
  if ('query' in q) return q.query;
  let text: string;
  try {
    text = renderTemplate(q.template, user, q.params);
  } catch (e) {
    throw new Error(`[query] template: ${(e as Error).message}`, { cause: e instanceof TemplateError ? e : undefined });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('[query] template: the rendered template is not valid JSON');
  }
  checkQuery(parsed);
  return parsed;
}

export function parseFieldSecurity(raw: unknown): FieldSecurity {
  if (!isPlainObject(raw)) throw new Error('[field_security] must be an object {grant, except}');
  const list = (k: string): string[] | undefined => {
    const v = raw[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length > MAX_FIELD_PATTERN) || v.length > MAX_FIELD_PATTERNS) {
      throw new Error(`[field_security.${k}] must be a list of at most ${MAX_FIELD_PATTERNS} field names (each at most ${MAX_FIELD_PATTERN} characters)`);
    }
    return v as string[];
  };
  for (const k of Object.keys(raw)) if (k !== 'grant' && k !== 'except') throw new Error(`[field_security] unknown key [${k}]`);
  const grant = list('grant') ?? ['*'];
  const except = list('except');
  // Elasticsearch: the excepted fields must be a subset of the granted ones.
  if (except && !grant.includes('*')) {
    const g = grant.map((p) => compileWildcard(p));
    for (const e of except) {
      if (!e.includes('*') && !g.some((m) => m(e))) throw new Error(`Exceptions for field permissions must be a subset of the granted fields but [${except.join(', ')}] are not in [${grant.join(', ')}]`);
    }
  }
  return { grant, ...(except ? { except } : {}) };
}

/** Fields every role may see, whatever its field grants (Elasticsearch's meta-fields). */
export const META_FIELDS = new Set(['_id', '_index', '_routing', '_version', '_seq_no', '_primary_term', '_source', '_doc_count', '_ignored', '_tier']);

/** Whether a dotted field path is visible under one `field_security`. */
export function fieldMatcher(fs: FieldSecurity): WildcardMatcher {
  const grant = fs.grant.map((p) => compileWildcard(p));
  const except = (fs.except ?? []).map((p) => compileWildcard(p));
  return (path) => META_FIELDS.has(path) || (grant.some((m) => m(path)) && !except.some((m) => m(path)));
}

/** What one caller may read of one index: null query = every document, null fields = every field. */
export interface Restriction {
  /** The filter the caller's searches get (`bool.filter`), or null. */
  query: Record<string, unknown> | null;
  /** Whether a field path is visible, or null when every field is. */
  fields: WildcardMatcher | null;
}

/** One group reaching the index: its query (rendered) or none, its fields or none. */
export interface GroupAccess {
  query: Record<string, unknown> | null;
  fields: WildcardMatcher | null;
}

/** ORs the groups of one role set (Elasticsearch: any group without a restriction lifts it). */
export function unite(groups: GroupAccess[]): Restriction {
  if (groups.length === 0) return { query: { match_none: {} }, fields: () => false };
  const queries = groups.map((g) => g.query);
  const query = queries.some((q) => q === null)
    ? null
    : queries.length === 1
      ? queries[0]!
      : { bool: { should: queries as Record<string, unknown>[], minimum_should_match: 1 } };
  const matchers = groups.map((g) => g.fields);
  const fields = matchers.some((m) => m === null) ? null : (path: string) => matchers.some((m) => m!(path));
  return { query, fields };
}

/** Both restrictions apply (an API key within its owner's roles). */
export function intersect(a: Restriction, b: Restriction): Restriction {
  const query = a.query === null ? b.query : b.query === null ? a.query : { bool: { filter: [a.query, b.query] } };
  const fields = a.fields === null ? b.fields : b.fields === null ? a.fields : (path: string) => a.fields!(path) && b.fields!(path);
  return { query, fields };
}
