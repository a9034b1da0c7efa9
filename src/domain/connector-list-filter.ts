/**
 * Which `.elastic-connectors` searches are the Connector API's list (`GET _connector`) in
 * another form, so the store can answer them from its list indexes instead of a walk over
 * every connector (api/system-index/search.ts). This is the search Kibana-style clients send
 * for a connectors list filtered by status, type and text, a page at a time:
 *
 *     query: { bool: {
 *       filter: [ {term|terms: {status: …}}, {term|terms: {service_type: …}},
 *                 {bool: {should: [ {wildcard: {name: '*t*'}}, {wildcard: {index_name: '*t*'}},
 *                                   {wildcard: {description: {value: '*t*', case_insensitive: true}}} ]}} ],
 *       must_not: [ {term: {deleted: true}} ] } },
 *     sort: [ {index_name: 'asc'} ]            (the list's order; `_id` may follow as a tie-break)
 *
 * `must` may stand for `filter`, and each part may be left out. The text part (wildcard
 * characters escaped) is taken when its meaning (case-sensitive substring of name or index
 * name, ASCII-case-insensitive substring of the description) is exactly the list's `query`:
 * not for control characters, nor for letters whose lowercase is not ASCII folding (`É`). Anything else answers null and is evaluated document by document
 * (system-index-query.ts), with the same result: this only chooses how, never what.
 * Pure: no I/O.
 */
import { isPlainObject } from './shared/json.js';
import { asciiLower } from './system-index-query.js';

export interface ConnectorListFilter {
  statuses?: string[];
  serviceTypes?: string[];
  /** Substring of name or index name, or (ASCII letters folded) of the description. */
  text?: string;
  /** False when the query excludes soft-deleted connectors (`must_not: {term: {deleted: true}}`). */
  includeDeleted: boolean;
  /** True when nothing can match (e.g. `terms` with no values, or two disjoint `term`s). */
  none: boolean;
}


const arr = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const only = (o: Record<string, unknown>, allowed: string[]) => Object.keys(o).every((k) => allowed.includes(k));

/** `term`/`terms` on one field of `fields`: the field and the string values, else null. */
function termValues(clause: Record<string, unknown>, fields: string[]): { field: string; values: string[] } | null {
  const [kind] = Object.keys(clause);
  const body = clause[kind];
  if (!isPlainObject(body)) return null;
  const keys = Object.keys(body);
  if (keys.length !== 1 || !fields.includes(keys[0])) return null;
  const field = keys[0];
  let v = body[field];
  if (kind === 'term') {
    if (isPlainObject(v)) {
      if (!only(v, ['value'])) return null;
      v = v.value;
    }
    return typeof v === 'string' ? { field, values: [v] } : null;
  }
  if (kind === 'terms') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? { field, values: v as string[] } : null;
  return null;
}

/**
 * The text of a pattern `*text*` whose text has no wildcard (`\\*`, `\\?`, `\\\\` are literal),
 * else null. Taken only when the list's `query` means the same: no control characters, and
 * lowercasing the text changes ASCII letters only (the list lowercases the text fully but the
 * description by ASCII letters; the wildcard folds ASCII letters of both).
 */
function substringOf(pattern: string): string | null {
  if (pattern.length < 3 || !pattern.startsWith('*')) return null;
  let text = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return null;
      text += pattern[++i];
    } else if (c === '*') {
      if (i !== pattern.length - 1) return null;
      return text !== '' && !/[\u0000-\u001f\u007f]/.test(text) && text.toLowerCase() === asciiLower(text) ? text : null;
    } else if (c === '?') return null;
    else text += c;
  }
  return null;
}

/** `{wildcard: {field: '*t*' | {value: '*t*', case_insensitive}}}`: [field, t, folded], else null. */
function wildcard(clause: unknown): [string, string, boolean] | null {
  if (!isPlainObject(clause) || !only(clause, ['wildcard']) || !isPlainObject(clause.wildcard)) return null;
  const body = clause.wildcard;
  const keys = Object.keys(body);
  if (keys.length !== 1) return null;
  let v = body[keys[0]];
  let folded = false;
  if (isPlainObject(v)) {
    if (!only(v, ['value', 'case_insensitive'])) return null;
    folded = v.case_insensitive === true;
    if (v.case_insensitive !== undefined && typeof v.case_insensitive !== 'boolean') return null;
    v = v.value;
  }
  if (typeof v !== 'string') return null;
  const text = substringOf(v);
  if (text === null) return null;
  return [keys[0], text, folded];
}

/** The text part: a `bool` of exactly the three wildcards with one text, else null. */
function textOf(b: Record<string, unknown>): string | null {
  if (!only(b, ['should', 'minimum_should_match'])) return null;
  if (b.minimum_should_match !== undefined && String(b.minimum_should_match) !== '1') return null;
  const parts = arr(b.should).map(wildcard);
  if (parts.length !== 3 || parts.some((p) => p === null)) return null;
  const byField = new Map(parts.map((p) => [p![0], p!]));
  const name = byField.get('name');
  const index = byField.get('index_name');
  const description = byField.get('description');
  if (!name || !index || !description || name[2] || index[2] || !description[2]) return null;
  const text = name[1];
  return index[1] === text && description[1].toLowerCase() === text.toLowerCase() ? text : null;
}

function intersect(a: string[] | undefined, b: string[]): string[] {
  return a === undefined ? [...new Set(b)] : a.filter((x) => b.includes(x));
}

/** Whether `sort` is the list's order: `index_name` ascending (missing last), then id. */
function listOrder(sort: unknown): boolean {
  const keys = arr(sort);
  if (keys.length < 1 || keys.length > 2) return false;
  const asc = (k: unknown, field: string) =>
    k === field || (isPlainObject(k) && only(k, [field]) && (k[field] === 'asc' || (isPlainObject(k[field]) && only(k[field] as Record<string, unknown>, ['order']) && (k[field] as Record<string, unknown>).order === 'asc')));
  return asc(keys[0], 'index_name') && (keys.length === 1 || asc(keys[1], '_id'));
}

/** The list filter a connector search is, or null when it must be evaluated document by document. */
export function connectorListFilter(query: unknown, sort: unknown): ConnectorListFilter | null {
  if (!listOrder(sort)) return null;
  const out: ConnectorListFilter = { includeDeleted: true, none: false };
  if (query === undefined) return out;
  if (!isPlainObject(query) || Object.keys(query).length !== 1) return null;
  if (isPlainObject(query.match_all) && Object.keys(query.match_all).length === 0) return out;
  const b = query.bool;
  if (!isPlainObject(b) || !only(b, ['filter', 'must', 'must_not'])) return null;
  const notDeleted = arr(b.must_not);
  if (notDeleted.length > 1) return null;
  if (notDeleted.length === 1) {
    const t = notDeleted[0];
    if (!isPlainObject(t) || !only(t, ['term']) || !isPlainObject(t.term) || !only(t.term, ['deleted'])) return null;
    const v = isPlainObject(t.term.deleted) && only(t.term.deleted, ['value']) ? t.term.deleted.value : t.term.deleted;
    if (v !== true && v !== 'true') return null;
    out.includeDeleted = false;
  }
  for (const c of [...arr(b.filter), ...arr(b.must)]) {
    if (!isPlainObject(c) || Object.keys(c).length !== 1) return null;
    if (isPlainObject(c.match_all) && Object.keys(c.match_all).length === 0) continue;
    if (isPlainObject(c.bool)) {
      const text = textOf(c.bool);
      if (text === null || (out.text !== undefined && out.text !== text)) return null;
      out.text = text;
      continue;
    }
    const t = termValues(c, ['status', 'service_type']);
    if (!t) return null;
    if (t.field === 'status') out.statuses = intersect(out.statuses, t.values);
    else out.serviceTypes = intersect(out.serviceTypes, t.values);
  }
  out.none = out.statuses?.length === 0 || out.serviceTypes?.length === 0;
  return out;
}
