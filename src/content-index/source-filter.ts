/**
 * `_source` filtering as Elasticsearch does it: `true` / `false`, a pattern or list of patterns
 * (includes), or `{includes, excludes}`. Patterns are dotted paths with `*` wildcards; a pattern
 * that names an object keeps all of it.
 */
import { errors } from '../domain/errors.js';
import { isPlainObject } from '../domain/shared/json.js';
import { WildcardCache, type WildcardMatcher } from '../domain/shared/wildcard.js';

export interface SourceFilter {
  enabled: boolean;
  includes: WildcardMatcher[];
  excludes: WildcardMatcher[];
}

/** Field-name patterns of requests (`_source`, `fields`, query and highlight fields), compiled once while in use. */
const fieldPatterns = new WildcardCache({}, 1024);

/** A linear-time matcher of field paths for a pattern with `*` wildcards. */
export function fieldPattern(pattern: string): WildcardMatcher {
  return fieldPatterns.get(pattern);
}

function patterns(v: unknown, what: string): WildcardMatcher[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : undefined;
  if (!list || list.some((p) => typeof p !== 'string')) throw errors.parsing(`[_source] ${what} must be a string or an array of strings`);
  return (list as string[])
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map(fieldPattern);
}

/** Parses the `_source` body option (and `_source_includes` / `_source_excludes` params). */
export function parseSourceFilter(v: unknown, includes?: unknown, excludes?: unknown): SourceFilter {
  let f: SourceFilter;
  if (v === undefined || v === null || v === true || v === 'true') f = { enabled: true, includes: [], excludes: [] };
  else if (v === false || v === 'false') f = { enabled: false, includes: [], excludes: [] };
  else if (typeof v === 'string' || Array.isArray(v)) f = { enabled: true, includes: patterns(v, 'includes'), excludes: [] };
  else if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (!['includes', 'include', 'excludes', 'exclude'].includes(k)) throw errors.parsing(`Unknown key for a START_ARRAY in [${k}].`);
    }
    f = {
      enabled: true,
      includes: patterns(v.includes ?? v.include, 'includes'),
      excludes: patterns(v.excludes ?? v.exclude, 'excludes'),
    };
  } else throw errors.parsing('[_source] must be a boolean, a string, an array or an object');
  if (includes !== undefined) f = { ...f, enabled: true, includes: [...f.includes, ...patterns(includes, 'includes')] };
  if (excludes !== undefined) f = { ...f, enabled: true, excludes: [...f.excludes, ...patterns(excludes, 'excludes')] };
  return f;
}

const matches = (ms: WildcardMatcher[], path: string) => ms.some((m) => m(path));

/** Returns the filtered copy of `source` (the same object when nothing is filtered). */
export function applySourceFilter(source: Record<string, unknown>, f: SourceFilter): Record<string, unknown> {
  if (f.includes.length === 0 && f.excludes.length === 0) return source;
  return filterObject(source, '', f, f.includes.length === 0);
}

function filterObject(obj: Record<string, unknown>, prefix: string, f: SourceFilter, included: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix + k;
    const kept = filterValue(v, path, f, included || matches(f.includes, path));
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

function filterValue(v: unknown, path: string, f: SourceFilter, included: boolean): unknown {
  if (matches(f.excludes, path)) return undefined;
  if (Array.isArray(v)) {
    const items = v.map((x) => filterValue(x, path, f, included)).filter((x) => x !== undefined);
    return items.length > 0 || (included && v.length === 0) ? items : undefined;
  }
  if (isPlainObject(v)) {
    const inner = filterObject(v, path + '.', f, included);
    return Object.keys(inner).length > 0 || (included && Object.keys(v).length === 0) ? inner : undefined;
  }
  return included ? v : undefined;
}
