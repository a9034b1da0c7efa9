/**
 * Templates in processor options (`{{field}}`, `{{{field}}}`, `{{_ingest.timestamp}}`): the
 * simple variable part of Mustache that pipelines use. A variable names a field by its dotted
 * path; a missing field renders as nothing; strings render as they are, other values as JSON.
 * Sections, partials and lambdas are not supported (refused when the pipeline is stored).
 */
import { errors } from '../errors.js';
import { fail, hasField, getField, MAX_VALUE_CHARS, type IngestDoc } from './ingest-doc.js';

export type Template = (doc: IngestDoc) => string;

/** Longest template, in characters. */
export const MAX_TEMPLATE_LENGTH = 10_000;

const TAG = /\{\{\{([^{}]*)\}\}\}|\{\{([^{}]*)\}\}/g;

function render(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Compiles a template; a string without `{{` renders as itself. */
export function compileTemplate(text: string, property: string, processorType: string): Template {
  if (text.length > MAX_TEMPLATE_LENGTH) {
    throw errors.badBody(`[${property}] of processor [${processorType}] is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  }
  if (!text.includes('{{')) return () => text;
  const parts: (string | { path: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(TAG)) {
    const name = (m[1] ?? m[2] ?? '').trim();
    if (name === '' || /^[#^/>!&=]/.test(name) || name.includes(' ')) {
      throw errors.badBody(`[${property}] of processor [${processorType}]: only variables ({{field.name}}) are supported in templates, found [${m[0]}]`);
    }
    parts.push(text.slice(last, m.index), { path: name });
    last = m.index! + m[0].length;
  }
  parts.push(text.slice(last));
  if (parts.some((p) => typeof p === 'string' && p.includes('{{'))) {
    throw errors.badBody(`[${property}] of processor [${processorType}]: an unclosed template tag`);
  }
  return (doc) => {
    let out = '';
    for (const p of parts) {
      out += typeof p === 'string' ? p : hasField(doc, p.path) ? render(getField(doc, p.path)) : '';
      if (out.length > MAX_VALUE_CHARS) throw fail(`[${property}] of processor [${processorType}] rendered more than ${MAX_VALUE_CHARS} characters`);
    }
    return out;
  };
}

/** A value with every string in it a template (for `set` and `append`'s `value`). */
export function compileValue(value: unknown, property: string, processorType: string): (doc: IngestDoc) => unknown {
  if (typeof value === 'string') {
    const t = compileTemplate(value, property, processorType);
    return (doc) => t(doc);
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => compileValue(v, property, processorType));
    return (doc) => items.map((f) => f(doc));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileValue(v, property, processorType)] as const);
    return (doc) => {
      const out: Record<string, unknown> = {};
      for (const [k, f] of entries) Object.defineProperty(out, k, { value: f(doc), enumerable: true, writable: true, configurable: true });
      return out;
    };
  }
  return () => value;
}
