/**
 * The Query DSL subset Elastic's connector service sends to the connector system indices
 * (`.elastic-connectors`, `.elastic-connectors-sync-jobs`), evaluated on their documents as
 * plain JSON: `match_all`, `match_none`, `bool` (`must`, `filter`, `should` with
 * `minimum_should_match`, `must_not`), `term`, `terms`, `ids`, `match`, `wildcard` (`*`, `?`,
 * `\\` on a field's whole string value; `case_insensitive` lowers ASCII letters, as the
 * store's list filter does), `exists` and `range`
 * (numbers, keywords, dates with date math such as `now-300s`), on dotted paths
 * (`connector.id`) and `_id`; and `sort` by fields. Field types come from the indices'
 * mappings (system-index-mappings.ts): `keyword` compares whole values, `text` matches any
 * token, `date` compares instants. Pure: the API edge feeds it the store's documents.
 * Anything else is refused with Elasticsearch's `parsing_exception`, never ignored.
 */
import { errors } from './errors.js';
import { isPlainObject } from './shared/json.js';
import { dateMillis, parseDateMath } from './shared/date-math.js';

export type DocPredicate = (doc: Record<string, unknown>, id: string) => boolean;
export type DocComparator = (a: { doc: Record<string, unknown>; id: string }, b: { doc: Record<string, unknown>; id: string }) => number;

type FieldType = 'keyword' | 'text' | 'date' | 'long' | 'boolean' | 'object';

/** Bounds of a query: as Elasticsearch's `indices.query.bool.max_clause_count` and nesting depth. */
export const MAX_CLAUSES = 1024;
export const MAX_DEPTH = 20;

interface Ctx {
  types: Map<string, FieldType>;
  now: number;
  clauses: number;
}

/** Field path → type, from an index's mappings (`properties`, nested `properties`). */
export function fieldTypes(mappings: Record<string, unknown>): Map<string, FieldType> {
  const out = new Map<string, FieldType>();
  const walk = (props: unknown, prefix: string) => {
    if (!isPlainObject(props)) return;
    for (const [name, def] of Object.entries(props)) {
      if (!isPlainObject(def)) continue;
      const path = prefix + name;
      if (isPlainObject(def.properties)) walk(def.properties, `${path}.`);
      else out.set(path, (typeof def.type === 'string' ? def.type : 'object') as FieldType);
    }
  };
  walk(mappings.properties, '');
  return out;
}

/** Values at a dotted path, arrays flattened (Elasticsearch indexes every element). */
export function valuesAt(doc: unknown, path: string): unknown[] {
  let cur: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (Array.isArray(v)) {
        for (const x of v) if (isPlainObject(x) && part in x) next.push(x[part]);
      } else if (isPlainObject(v) && part in v) next.push(v[part]);
    }
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== null && v !== undefined);
}

function tokens(s: string): string[] {
  return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function scalar(v: unknown, what: string): string | number | boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw errors.parsing(`[${what}] query does not support a value of type [${Array.isArray(v) ? 'array' : typeof v}]`);
}

/** Whether a stored value equals a query value, as the field's type compares them. */
function equals(type: FieldType | undefined, stored: unknown, wanted: string | number | boolean): boolean {
  if (type === 'date') return dateMillis(stored) === parseDateMath(wanted, false);
  if (type === 'long') return Number(stored) === Number(wanted);
  if (type === 'boolean') return String(stored) === String(wanted);
  return String(stored) === String(wanted);
}

/** `{field: value}` or `{field: {<key>: value, …}}`: the field and its options. */
function single(body: unknown, query: string, key: string): { field: string; value: unknown; opts: Record<string, unknown> } {
  if (!isPlainObject(body)) throw errors.parsing(`[${query}] query malformed, no start_object after query name`);
  const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
  if (fields.length !== 1) throw errors.parsing(`[${query}] query doesn't support multiple fields, found [${fields.join('] and [')}]`);
  const field = fields[0];
  const v = body[field];
  if (isPlainObject(v)) return { field, value: v[key], opts: v };
  return { field, value: v, opts: {} };
}

function compile(q: unknown, ctx: Ctx, depth: number): DocPredicate {
  if (depth > MAX_DEPTH) throw errors.parsing(`query is nested deeper than [${MAX_DEPTH}]`);
  if (++ctx.clauses > MAX_CLAUSES) throw errors.tooManyClauses(MAX_CLAUSES);
  if (!isPlainObject(q)) throw errors.parsing('query malformed, must start with start_object');
  const keys = Object.keys(q);
  if (keys.length !== 1) throw errors.parsing(keys.length === 0 ? 'query malformed, empty clause found' : `[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const [type] = keys;
  const body = q[type];
  switch (type) {
    case 'match_all':
      return () => true;
    case 'match_none':
      return () => false;
    case 'bool':
      return bool(body, ctx, depth);
    case 'ids': {
      const values = isPlainObject(body) && Array.isArray(body.values) ? body.values.map(String) : null;
      if (!values) throw errors.parsing('[ids] query malformed: [values] must be an array');
      const set = new Set(values);
      return (_doc, id) => set.has(id);
    }
    case 'term': {
      const { field, value } = single(body, 'term', 'value');
      const wanted = scalar(value, 'term');
      if (field === '_id') return (_doc, id) => id === String(wanted);
      const t = ctx.types.get(field);
      return (doc) => valuesAt(doc, field).some((v) => equals(t, v, wanted));
    }
    case 'terms': {
      if (!isPlainObject(body)) throw errors.parsing('[terms] query malformed, no start_object after query name');
      const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
      if (fields.length !== 1 || !Array.isArray(body[fields[0]])) throw errors.parsing('[terms] query requires one field with an array of values');
      const field = fields[0];
      const wanted = (body[field] as unknown[]).map((v) => scalar(v, 'terms'));
      if (wanted.length > MAX_CLAUSES * 64) throw errors.parsing(`[terms] query has more than [${MAX_CLAUSES * 64}] values`);
      if (field === '_id') {
        const set = new Set(wanted.map(String));
        return (_doc, id) => set.has(id);
      }
      const t = ctx.types.get(field);
      return (doc) => valuesAt(doc, field).some((v) => wanted.some((w) => equals(t, v, w)));
    }
    case 'match': {
      const { field, value } = single(body, 'match', 'query');
      const wanted = scalar(value, 'match');
      const t = ctx.types.get(field);
      if (t !== 'text') return (doc) => valuesAt(doc, field).some((v) => equals(t, v, wanted));
      const want = new Set(tokens(String(wanted)));
      return (doc) => valuesAt(doc, field).some((v) => typeof v === 'string' && tokens(v).some((tok) => want.has(tok)));
    }
    case 'wildcard': {
      const { field, value, opts } = single(body, 'wildcard', 'value');
      const pattern = opts.value ?? opts.wildcard ?? value;
      if (typeof pattern !== 'string') throw errors.parsing('[wildcard] query requires a string [value]');
      if (pattern.length > MAX_PATTERN) throw errors.parsing(`[wildcard] pattern is longer than [${MAX_PATTERN}] characters`);
      for (const k of Object.keys(opts)) {
        if (!['value', 'wildcard', 'case_insensitive', 'boost', 'rewrite', '_name'].includes(k)) throw errors.parsing(`[wildcard] query does not support [${k}]`);
      }
      const fold = opts.case_insensitive === true;
      const glob = parseGlob(fold ? asciiLower(pattern) : pattern);
      if (field === '_id') return (_doc, id) => globMatch(glob, fold ? asciiLower(id) : id);
      return (doc) => valuesAt(doc, field).some((v) => typeof v === 'string' && globMatch(glob, fold ? asciiLower(v) : v));
    }
    case 'exists': {
      const field = isPlainObject(body) ? body.field : undefined;
      if (typeof field !== 'string') throw errors.parsing('[exists] must be provided with a [field]');
      return (doc) => valuesAt(doc, field).length > 0;
    }
    case 'range':
      return range(body, ctx);
    default:
      throw errors.parsing(`unknown query [${type}] (the connector system indices answer match_all, match_none, bool, term, terms, ids, match, wildcard, exists and range)`);
  }
}

/** Longest `wildcard` pattern taken (matching is O(pattern × value)). */
export const MAX_PATTERN = 1000;

/** Lowercases ASCII letters only (the same as the store's `asciiLower`). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** A glob's parts: literal code points, `*` (any run) or `?` (one code point); `\\` escapes. */
type Glob = (string | typeof STAR | typeof ONE)[];
const STAR = Symbol('*');
const ONE = Symbol('?');

function parseGlob(pattern: string): Glob {
  const out: Glob = [];
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c === '\\' && i + 1 < cps.length) out.push(cps[++i]);
    else if (c === '*') {
      if (out[out.length - 1] !== STAR) out.push(STAR);
    } else if (c === '?') out.push(ONE);
    else out.push(c);
  }
  return out;
}

/** Whole-value glob match, iterative with one backtrack point (no regular expression, no blow-up). */
function globMatch(g: Glob, value: string): boolean {
  const v = Array.from(value);
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < v.length) {
    if (j < g.length && g[j] !== STAR && (g[j] === ONE || g[j] === v[i])) {
      i++;
      j++;
    } else if (j < g.length && g[j] === STAR) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (j < g.length && g[j] === STAR) j++;
  return j === g.length;
}

function bool(body: unknown, ctx: Ctx, depth: number): DocPredicate {
  if (!isPlainObject(body)) throw errors.parsing('[bool] query malformed, no start_object after query name');
  const list = (k: string): DocPredicate[] => {
    const v = body[k];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map((c) => compile(c, ctx, depth + 1));
  };
  for (const k of Object.keys(body)) {
    if (!['must', 'filter', 'should', 'must_not', 'minimum_should_match', 'boost', '_name'].includes(k)) throw errors.parsing(`[bool] query does not support [${k}]`);
  }
  const must = [...list('must'), ...list('filter')];
  const should = list('should');
  const mustNot = list('must_not');
  const msm = body.minimum_should_match;
  // Elasticsearch: with no must/filter, at least one should clause must match.
  const need = msm === undefined ? (must.length === 0 && should.length > 0 ? 1 : 0) : Math.min(should.length, Number.parseInt(String(msm), 10) || 0);
  return (doc, id) =>
    must.every((p) => p(doc, id)) &&
    !mustNot.some((p) => p(doc, id)) &&
    (need === 0 || should.filter((p) => p(doc, id)).length >= need);
}

function range(body: unknown, ctx: Ctx): DocPredicate {
  const { field, opts } = single(body, 'range', 'gte');
  const t = ctx.types.get(field);
  const bounds: [string, unknown][] = Object.entries(opts).filter(([k]) => ['gt', 'gte', 'lt', 'lte', 'from', 'to'].includes(k));
  for (const k of Object.keys(opts)) {
    if (!['gt', 'gte', 'lt', 'lte', 'from', 'to', 'include_lower', 'include_upper', 'format', 'time_zone', 'boost'].includes(k)) throw errors.parsing(`[range] query does not support [${k}]`);
  }
  const key = (v: unknown, roundUp: boolean): number | string => {
    if (t === 'date') {
      const ms = parseDateMath(v, roundUp, ctx.now);
      if (Number.isNaN(ms)) throw errors.parsing(`failed to parse date field [${String(v)}]`);
      return ms;
    }
    if (t === 'long') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw errors.parsing(`[range] on [${field}]: [${String(v)}] is not a number`);
      return n;
    }
    return String(v);
  };
  const checks = bounds
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => {
      const lower = k === 'gt' || k === 'gte' || k === 'from';
      const inclusive = k === 'gte' || k === 'lte' || (k === 'from' && opts.include_lower !== false) || (k === 'to' && opts.include_upper !== false);
      // Date math rounds down for gte/lt and up for gt/lte, as Elasticsearch.
      const b = key(v, (lower && !inclusive) || (!lower && inclusive));
      return (x: number | string) => (lower ? (inclusive ? x >= b : x > b) : inclusive ? x <= b : x < b);
    });
  const stored = (v: unknown): number | string | null => {
    if (t === 'date') {
      const ms = dateMillis(v);
      return Number.isNaN(ms) ? null : ms;
    }
    if (t === 'long') return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : null;
    return String(v);
  };
  return (doc) =>
    valuesAt(doc, field).some((v) => {
      const x = stored(v);
      return x !== null && checks.every((c) => c(x));
    });
}

/** The predicate of a query (`undefined`: every document). */
export function compileDocQuery(query: unknown, mappings: Record<string, unknown>, now = Date.now()): DocPredicate {
  if (query === undefined) return () => true;
  return compile(query, { types: fieldTypes(mappings), now, clauses: 0 }, 0);
}

/**
 * Strings in code-point order, which is UTF-8 byte order: as Elasticsearch sorts keywords and
 * both stores sort (SQLite BINARY, PostgreSQL COLLATE "C"). JavaScript's `<` compares UTF-16
 * units, which puts U+E000–U+FFFF after the astral planes; surrogates are moved above them.
 */
export function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** A compiled `sort`: the comparator (missing values last, as Elasticsearch) and a hit's `sort` values. */
export interface DocSort {
  compare: DocComparator;
  values(e: { doc: Record<string, unknown>; id: string }): unknown[];
}

/** The `sort` of a search (`undefined`: none). */
export function compileDocSort(sort: unknown, mappings: Record<string, unknown>): DocSort | undefined {
  if (sort === undefined) return undefined;
  const types = fieldTypes(mappings);
  const keys = (Array.isArray(sort) ? sort : [sort]).map((s) => {
    if (typeof s === 'string') return { field: s, desc: false };
    if (isPlainObject(s) && Object.keys(s).length === 1) {
      const [field] = Object.keys(s);
      const o = s[field];
      const order = typeof o === 'string' ? o : isPlainObject(o) ? o.order : undefined;
      if (order !== undefined && order !== 'asc' && order !== 'desc') throw errors.parsing(`[sort] order must be asc or desc, got [${String(order)}]`);
      return { field, desc: order === 'desc' };
    }
    throw errors.parsing('[sort] must be a field name, {field: order} or an array of them');
  });
  if (keys.length > 16) throw errors.parsing('[sort] takes at most 16 fields');
  const valueOf = (field: string, d: { doc: Record<string, unknown>; id: string }): number | string | null => {
    if (field === '_id') return d.id;
    const v = valuesAt(d.doc, field)[0];
    if (v === undefined) return null;
    const t = types.get(field);
    if (t === 'date') return dateMillis(v);
    if (t === 'long') return Number(v);
    return String(v);
  };
  const compare: DocComparator = (a, b) => {
    for (const k of keys) {
      if (k.field === '_doc' || k.field === '_score') continue;
      const x = valueOf(k.field, a);
      const y = valueOf(k.field, b);
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = typeof x === 'string' && typeof y === 'string' ? codePointCompare(x, y) : x < y ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  };
  return { compare, values: (e) => keys.filter((k) => k.field !== '_doc' && k.field !== '_score').map((k) => valueOf(k.field, e)) };
}
