/**
 * Document- and field-level security on reads of the embedded index (docs/security.md
 * "Document- and field-level security"), applied as Elasticsearch applies it:
 * - the caller's role query filters every read: the request's query becomes
 *   `bool: {must: [query], filter: [roleQuery]}` before the engine compiles it (`_search`,
 *   `_count`, the first page of a scroll, whose body the scroll keeps), and `GET _doc/<id>`
 *   answers 404 `found: false` for a document the filter hides;
 * - hidden fields (outside `field_security`) do not exist for the caller: queries on them
 *   match nothing, sorting on them is refused as on an unmapped field, and they are cut from
 *   `_source`, `highlight` and `fields` of every hit.
 * Writes are not filtered (as in Elasticsearch).
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import { compileWildcard } from '../../domain/shared/wildcard.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { Restriction } from '../app-context.js';
import type { EndpointRequest } from '../endpoint.js';

type Obj = Record<string, unknown>;
type Visible = (path: string) => boolean;

/** The caller's restriction on `index` for `action`; null when unrestricted or security is off. */
export function restrictionOf(req: EndpointRequest, action: string, index: string): Restriction | null {
  return req.restrict ? req.restrict(action, index) : null;
}

/** Mapped leaf fields of an index (multi-fields included) with their types. */
export function mappedFields(ci: ContentIndex, index: string): Map<string, string> {
  const out = new Map<string, string>();
  const mappings = (ci.getMapping(index)[index] as Obj | undefined)?.mappings as Obj | undefined;
  const walk = (props: unknown, prefix: string) => {
    if (!isPlainObject(props)) return;
    for (const [k, def] of Object.entries(props)) {
      if (!isPlainObject(def)) continue;
      const path = prefix + k;
      if (isPlainObject(def.properties)) walk(def.properties, path + '.');
      else out.set(path, String(def.type ?? 'object'));
      if (isPlainObject(def.fields)) for (const [sub, d] of Object.entries(def.fields)) out.set(`${path}.${sub}`, String((d as Obj).type ?? 'text'));
    }
  };
  walk(mappings?.properties, '');
  return out;
}

/** A query with what touches hidden fields replaced by `match_none` (the field does not exist). */
export function hideFields(q: unknown, visible: Visible, fields: Map<string, string>): unknown {
  if (!isPlainObject(q)) return q;
  const [type] = Object.keys(q);
  if (type === undefined || Object.keys(q).length !== 1) return q;
  const body = q[type];
  const none = { match_none: {} };
  const sub = (v: unknown) => (Array.isArray(v) ? v.map((x) => hideFields(x, visible, fields)) : hideFields(v, visible, fields));
  if (!isPlainObject(body)) return q; // malformed: the engine answers its 400
  switch (type) {
    case 'bool': {
      const out: Obj = { ...body };
      for (const c of ['must', 'filter', 'should', 'must_not']) if (body[c] !== undefined) out[c] = sub(body[c]);
      return { bool: out };
    }
    case 'constant_score':
      return { constant_score: { ...body, filter: sub(body.filter) } };
    case 'dis_max':
      return { dis_max: { ...body, queries: sub(body.queries) } };
    case 'match': case 'match_phrase': case 'match_phrase_prefix': case 'match_bool_prefix': case 'fuzzy':
    case 'term': case 'range': case 'prefix': case 'wildcard': case 'terms': {
      const names = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
      return names.some((n) => !visible(n)) ? none : q;
    }
    case 'exists':
      return typeof body.field === 'string' && !visible(body.field) ? none : q;
    case 'multi_match': case 'query_string': case 'simple_query_string': {
      if (type === 'query_string' && typeof body.query === 'string' && /(^|[^\\]):/.test(body.query)) {
        throw errors.illegalArgument('[query_string] with field names in the query text is not supported on an index with field level security for the caller; name the fields in [fields]');
      }
      const patterns = body.fields ?? (body.default_field !== undefined ? [body.default_field] : ['*']);
      const list = (Array.isArray(patterns) ? patterns : [patterns]).map(String);
      const kept: string[] = [];
      for (const p of list) {
        const [name, boost] = p.split('^') as [string, string | undefined];
        const suffix = boost === undefined ? '' : `^${boost}`;
        if (name.includes('*')) {
          const matches = compileWildcard(name);
          for (const [path, t] of fields) if (t === 'text' && matches(path) && visible(path)) kept.push(path + suffix);
        } else if (visible(name)) kept.push(p);
      }
      if (kept.length === 0) return none;
      const { default_field: _d, ...rest } = body;
      return { [type]: { ...rest, fields: kept } };
    }
    case 'match_all': case 'match_none': case 'ids':
      return q;
    case 'function_score':
      return { function_score: hideInFunctionScore(body, visible, sub) };
    default:
      // Fail closed: a query type this rewrite does not know could reach hidden fields.
      throw errors.illegalArgument(`[${type}] queries are not supported for a caller with field level security on the index`);
  }
}

/** A field name no mapping has: what a hidden field reads as (no values). */
const NO_FIELD = '\u0000hidden';

/**
 * `function_score` for a caller with field grants: its query and filters rewritten, and functions
 * on hidden fields reading no values (factor `missing` or 1, decay 1), as on an unmapped field.
 */
function hideInFunctionScore(body: Obj, visible: Visible, sub: (v: unknown) => unknown): Obj {
  const fn = (f: Obj): Obj => {
    const out: Obj = { ...f };
    if (f.filter !== undefined) out.filter = sub(f.filter);
    const fvf = f.field_value_factor;
    if (isPlainObject(fvf) && typeof fvf.field === 'string' && !visible(fvf.field)) out.field_value_factor = { ...fvf, field: NO_FIELD };
    const rnd = f.random_score;
    if (isPlainObject(rnd) && typeof rnd.field === 'string' && !['_seq_no', '_id'].includes(rnd.field) && !visible(rnd.field)) {
      out.random_score = { ...rnd, field: '_seq_no' };
    }
    for (const shape of ['gauss', 'exp', 'linear']) {
      const d = f[shape];
      if (!isPlainObject(d)) continue;
      out[shape] = Object.fromEntries(Object.entries(d).map(([k, v]) => [k === 'multi_value_mode' || visible(k) ? k : NO_FIELD, v]));
    }
    return out;
  };
  const out = fn(body);
  if (body.query !== undefined) out.query = sub(body.query);
  if (Array.isArray(body.functions)) out.functions = body.functions.map((f) => (isPlainObject(f) ? fn(f) : f));
  return out;
}

/**
 * `collapse` and `suggest` for a restricted caller: a hidden collapse field does not exist (400,
 * as unmapped), inner hits may not sort on hidden fields; suggestions are refused under a role
 * query (as Elasticsearch refuses them under document-level security) and read no terms of a
 * hidden field.
 */
function restrictCollapseAndSuggest(body: Obj, r: Restriction): void {
  const c = body.collapse;
  if (r.fields && isPlainObject(c)) {
    if (typeof c.field === 'string' && !r.fields(c.field)) throw errors.illegalArgument(`no mapping found for \`${c.field}\` in order to collapse on`);
    const inner = Array.isArray(c.inner_hits) ? c.inner_hits : [c.inner_hits];
    for (const ih of inner) if (isPlainObject(ih)) checkSort(ih.sort, r.fields);
  }
  if (body.suggest === undefined) return;
  if (r.query) throw errors.illegalArgument("Suggest isn't supported if document level security is enabled");
  const visible = r.fields;
  if (!visible || !isPlainObject(body.suggest)) return;
  body.suggest = Object.fromEntries(Object.entries(body.suggest).map(([name, s]) => {
    if (!isPlainObject(s) || !isPlainObject(s.term) || typeof s.term.field !== 'string' || visible(s.term.field)) return [name, s];
    return [name, { ...s, term: { ...s.term, field: NO_FIELD } }];
  }));
}

const SORT_META = new Set(['_score', '_doc', '_id', '_index', '_shard_doc']);

function checkSort(sort: unknown, visible: Visible): void {
  const names: string[] = [];
  const add = (s: unknown) => {
    if (typeof s === 'string') names.push(...s.split(',').map((x) => x.split(':')[0]!.trim()));
    else if (isPlainObject(s)) names.push(...Object.keys(s));
  };
  if (Array.isArray(sort)) sort.forEach(add);
  else add(sort);
  for (const n of names) {
    if (n && !SORT_META.has(n) && !visible(n)) throw errors.queryShard(`No mapping found for [${n}] in order to sort on`);
  }
}

/**
 * The request body and parameters of a `_search` / `_count` as the engine must run them for
 * the caller: unchanged when unrestricted, else with the role query as a filter and hidden
 * fields gone from the query.
 */
export function restrictSearch(
  req: EndpointRequest, ci: ContentIndex, index: string, action: string, params: Obj,
): { body: unknown; params: Obj; restriction: Restriction | null } {
  const r = restrictionOf(req, action, index);
  if (!r) return { body: req.body, params, restriction: null };
  if (req.body !== undefined && req.body !== null && req.body !== '' && !isPlainObject(req.body)) throw errors.parsing('request body must be a JSON object');
  const body: Obj = { ...((req.body as Obj | undefined) ?? {}) };
  const { q, df, default_operator: op, ...rest } = params;
  let query: unknown = body.query ?? { match_all: {} };
  if (q !== undefined) {
    query = { query_string: { query: String(q), ...(df !== undefined ? { default_field: String(df) } : {}), ...(op !== undefined ? { default_operator: String(op) } : {}) } };
  }
  if (r.fields) {
    const visible = r.fields;
    const fields = mappedFields(ci, index);
    query = hideFields(query, visible, fields);
    if (body.post_filter !== undefined) body.post_filter = hideFields(body.post_filter, visible, fields);
    checkSort(rest.sort ?? body.sort, visible);
  }
  restrictCollapseAndSuggest(body, r);
  body.query = r.query ? { bool: { must: [query], filter: [r.query] } } : query;
  return { body, params: rest, restriction: r };
}

/** `_source` without the fields the caller may not see (objects and arrays of objects walked). */
export function filterSource(src: Obj, visible: Visible, prefix = ''): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(src)) {
    const path = prefix + k;
    if (isPlainObject(v)) {
      const inner = filterSource(v, visible, path + '.');
      if (Object.keys(inner).length > 0 || (Object.keys(v).length === 0 && visible(path))) out[k] = inner;
    } else if (Array.isArray(v) && v.some(isPlainObject)) {
      const items = v.map((x) => (isPlainObject(x) ? filterSource(x, visible, path + '.') : visible(path) ? x : undefined))
        .filter((x) => x !== undefined && !(isPlainObject(x) && Object.keys(x).length === 0));
      if (items.length > 0) out[k] = items;
    } else if (visible(path)) out[k] = v;
  }
  return out;
}

function filterKeys(o: unknown, visible: Visible): unknown {
  if (!isPlainObject(o)) return o;
  return Object.fromEntries(Object.entries(o).filter(([k]) => visible(k)));
}

/** One document or hit without hidden fields. */
export function filterHit(hit: Obj, visible: Visible): void {
  if (isPlainObject(hit._source)) hit._source = filterSource(hit._source, visible);
  if (hit.highlight !== undefined) hit.highlight = filterKeys(hit.highlight, visible);
  if (hit.fields !== undefined) hit.fields = filterKeys(hit.fields, visible);
  // A collapsed hit's inner hits are hits too.
  if (isPlainObject(hit.inner_hits)) {
    for (const inner of Object.values(hit.inner_hits)) {
      const hits = isPlainObject(inner) && isPlainObject(inner.hits) ? inner.hits.hits : undefined;
      if (Array.isArray(hits)) for (const h of hits) if (isPlainObject(h)) filterHit(h, visible);
    }
  }
}

/** The hits of a search or scroll page without the fields each hit's index hides from the caller. */
export function filterHits(req: EndpointRequest, action: string, response: Obj): Obj {
  if (!req.restrict) return response;
  const hits = (response.hits as Obj | undefined)?.hits;
  if (!Array.isArray(hits)) return response;
  const byIndex = new Map<string, Restriction | null>();
  for (const hit of hits as Obj[]) {
    const index = String(hit._index);
    if (!byIndex.has(index)) byIndex.set(index, restrictionOf(req, action, index));
    const visible = byIndex.get(index)?.fields;
    if (visible) filterHit(hit, visible);
  }
  return response;
}

/** A mapping (`{properties}`) without the fields the caller may not see (Elasticsearch filters get-mapping too). */
export function filterMapping(mapping: unknown, visible: Visible, prefix = ''): unknown {
  if (!isPlainObject(mapping) || !isPlainObject(mapping.properties)) return mapping;
  const properties: Obj = {};
  for (const [k, def] of Object.entries(mapping.properties)) {
    if (!isPlainObject(def)) continue;
    const path = prefix + k;
    if (isPlainObject(def.properties)) {
      const inner = filterMapping(def, visible, path + '.') as Obj;
      if (Object.keys(inner.properties as Obj).length > 0) properties[k] = inner;
      continue;
    }
    const fields = isPlainObject(def.fields) ? Object.fromEntries(Object.entries(def.fields).filter(([sub]) => visible(`${path}.${sub}`))) : undefined;
    if (visible(path)) properties[k] = fields && Object.keys(fields).length ? { ...def, fields } : (({ fields: _f, ...rest }) => rest)(def);
  }
  return { ...mapping, properties };
}
