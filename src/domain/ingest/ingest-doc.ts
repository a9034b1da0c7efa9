/**
 * The document an ingest pipeline works on (docs/embedded-index.md "Ingest pipelines"): its
 * `_source`, its metadata (`_index`, `_id`) and the `_ingest` values templates can read, and
 * Elasticsearch's dotted field paths over it. Pure.
 */
import { errors, type ApiError } from '../errors.js';
import { isPlainObject, setOwn } from '../shared/json.js';

export interface IngestDoc {
  source: Record<string, unknown>;
  meta: { _index: string; _id: string };
  /** `_ingest.timestamp`, and the `on_failure_*` values while an `on_failure` list runs. */
  ingest: Record<string, string>;
}

export interface ExtractedText {
  content: string;
  contentType: string;
  contentLength: number;
}

/** What processors need from outside the domain: text extraction (the extraction threads). */
export interface IngestEnv {
  extract(bytes: Uint8Array, maxChars: number): Promise<ExtractedText>;
}

/** A processor, ready to run on documents. */
export type Exec = (doc: IngestDoc, env: IngestEnv) => void | Promise<void>;
/**
 * Most characters a processor may produce in one value (a rendered template, a gsub result):
 * a short template or replacement repeated over a large field must not exhaust memory.
 */
export const MAX_VALUE_CHARS = 10_000_000;

/** What a processor does when it fails: an error saying which field and why (400). */
export function fail(reason: string): ApiError {
  return errors.illegalArgument(reason);
}

/** The JSON type name of a value, as error reasons print it. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const META = new Set(['_index', '_id']);

/** A path's root object and segments: `_source.a.b` and `a.b` name the source, `_ingest.x` the ingest values. */
function resolve(doc: IngestDoc, path: string): { root: Record<string, unknown>; parts: string[] } {
  if (path === '' ) throw fail('path cannot be null nor empty');
  if (META.has(path)) return { root: doc.meta as unknown as Record<string, unknown>, parts: [path] };
  if (path.startsWith('_ingest.')) return { root: doc.ingest, parts: path.slice(8).split('.') };
  const p = path.startsWith('_source.') ? path.slice(8) : path;
  if (p === '') throw fail(`path [${path}] is not valid`);
  return { root: doc.source, parts: p.split('.') };
}

function child(container: unknown, key: string): { found: boolean; value?: unknown } {
  if (isPlainObject(container)) return Object.hasOwn(container, key) ? { found: true, value: container[key] } : { found: false };
  if (Array.isArray(container) && /^\d+$/.test(key)) {
    const i = Number(key);
    return i < container.length ? { found: true, value: container[i] } : { found: false };
  }
  return { found: false };
}

/** Whether the field exists (its value may be null). */
export function hasField(doc: IngestDoc, path: string): boolean {
  const { root, parts } = resolve(doc, path);
  let cur: unknown = root;
  for (const k of parts) {
    const c = child(cur, k);
    if (!c.found) return false;
    cur = c.value;
  }
  return true;
}

/** The field's value; throws Elasticsearch's reason when it is missing. */
export function getField(doc: IngestDoc, path: string): unknown {
  const { root, parts } = resolve(doc, path);
  let cur: unknown = root;
  for (const k of parts) {
    const c = child(cur, k);
    if (!c.found) throw fail(`field [${k}] not present as part of path [${path}]`);
    cur = c.value;
  }
  return cur;
}

/** Sets the field, creating missing parent objects; a parent that is not an object fails. */
export function setField(doc: IngestDoc, path: string, value: unknown): void {
  const { root, parts } = resolve(doc, path);
  if (root === (doc.meta as unknown)) throw fail(`cannot set [${path}]: only _source fields can be changed`);
  let cur: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i]!;
    const c = child(cur, k);
    if (!c.found) {
      if (!isPlainObject(cur)) throw fail(`cannot set [${k}] with parent object of type [${typeName(cur)}] as part of path [${path}]`);
      const next = {};
      setOwn(cur, k, next);
      cur = next;
    } else if (isPlainObject(c.value) || Array.isArray(c.value)) {
      cur = c.value;
    } else {
      throw fail(`cannot set [${parts[i + 1]}] with parent object of type [${typeName(c.value)}] as part of path [${path}]`);
    }
  }
  const last = parts[parts.length - 1]!;
  if (Array.isArray(cur)) {
    if (!/^\d+$/.test(last) || Number(last) >= cur.length) throw fail(`[${last}] is out of bounds for array with length [${cur.length}] as part of path [${path}]`);
    cur[Number(last)] = value;
  } else {
    setOwn(cur, last, value);
  }
}

/** Removes the field; throws when it is missing. */
export function removeField(doc: IngestDoc, path: string): void {
  const { root, parts } = resolve(doc, path);
  if (root === (doc.meta as unknown)) throw fail(`cannot remove [${path}]: only _source fields can be changed`);
  let cur: unknown = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const c = child(cur, parts[i]!);
    if (!c.found) throw fail(`field [${parts[i]}] not present as part of path [${path}]`);
    cur = c.value;
  }
  const last = parts[parts.length - 1]!;
  if (isPlainObject(cur) && Object.hasOwn(cur, last)) {
    delete cur[last];
    return;
  }
  if (Array.isArray(cur) && /^\d+$/.test(last) && Number(last) < cur.length) {
    cur.splice(Number(last), 1);
    return;
  }
  throw fail(`field [${last}] not present as part of path [${path}]`);
}
