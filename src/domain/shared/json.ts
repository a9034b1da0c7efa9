/**
 * JSON helpers with Elasticsearch's partial-update semantics (connector-api.md §1.5): maps
 * merge recursively, every other value (arrays and null included) replaces the old one.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns a new object: `patch` deep-merged into `base`. Neither input is modified. */
export function deepMerge<T extends object>(base: T, patch: object): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const old = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isPlainObject(v) && isPlainObject(old) ? deepMerge(old, v) : v);
  }
  return out as T;
}

/**
 * `o[k] = v` that also works for the key `__proto__` (a legal JSON key, kept as data): plain
 * assignment would change the object's prototype instead and silently drop the value.
 */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Structural equality of JSON values; key order of objects does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}

/** Drops keys whose value is undefined or null (Elasticsearch's "omit if null" writers). */
export function omitNulls<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out as T;
}

/**
 * Largest nesting depth accepted in a request body. Elasticsearch's JSON parser stops at 1000
 * (Jackson's StreamReadConstraints); Tributary stops at 500 so a stored document (body plus the
 * few levels it is nested under) stays within SQLite's JSON depth limit of 1000, and recursive
 * helpers (deepMerge, deepEqual) stay far from the stack limit.
 */
export const MAX_NESTING_DEPTH = 500;

/** True when `value` nests objects/arrays deeper than `max` levels. Iterative: safe on any input. */
export function nestingDepthExceeds(value: unknown, max = MAX_NESTING_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
