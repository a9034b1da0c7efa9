/**
 * Rendering at the API edge: the Elasticsearch error envelope (connector-api.md §1.3),
 * `filter_path` and `pretty`.
 */
import { ApiError } from '../domain/errors.js';

export function errorBody(e: ApiError): Record<string, unknown> {
  const cause: Record<string, unknown> = { type: e.type, reason: e.reason, ...(e.extra ?? {}) };
  const error: Record<string, unknown> = { root_cause: [cause], ...cause };
  if (e.causedBy) error.caused_by = { ...e.causedBy };
  return { error, status: e.status };
}

function matches(pattern: string, key: string): boolean {
  if (pattern === '*' || pattern === '**') return true;
  if (!pattern.includes('*')) return pattern === key;
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(key);
}

/** Elasticsearch `filter_path`: dotted include paths with `*` and `**`; `-path` excludes. */
export function filterPath(value: unknown, paths: string[]): unknown {
  const includes = paths.filter((p) => !p.startsWith('-')).map((p) => p.split('.'));
  const excludes = paths.filter((p) => p.startsWith('-')).map((p) => p.slice(1).split('.'));
  let out = includes.length ? include(value, includes) : value;
  if (excludes.length) out = exclude(out, excludes);
  return out ?? {};
}

function include(value: unknown, paths: string[][]): unknown {
  if (paths.some((p) => p.length === 0)) return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => include(v, paths)).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const next: string[][] = [];
    for (const p of paths) {
      if (p[0] === '**') {
        next.push(p, p.slice(1));
        if (p.length > 1 && matches(p[1], k)) next.push(p.slice(2));
      } else if (matches(p[0], k)) next.push(p.slice(1));
    }
    if (!next.length) continue;
    const sub = include(v, next);
    if (sub !== undefined) out[k] = sub;
  }
  return Object.keys(out).length ? out : undefined;
}

function exclude(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => exclude(v, paths));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const hit = paths.filter((p) => matches(p[0], k));
    if (hit.some((p) => p.length === 1)) continue;
    out[k] = hit.length ? exclude(v, hit.map((p) => p.slice(1))) : v;
  }
  return out;
}
