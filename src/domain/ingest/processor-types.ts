/**
 * The processors Tributary runs, each with Elasticsearch's options and failure reasons:
 * set, remove, rename, lowercase, uppercase, trim, append, convert, gsub (here) and
 * attachment (attachment.ts). A factory reads a processor's options (options.ts) when the
 * pipeline is stored, and returns what runs on each document.
 */
import { RE2JS } from 're2js';
import { deepEqual } from '../shared/json.js';
import { attachmentProcessor } from './attachment.js';
import { fail, getField, hasField, MAX_VALUE_CHARS, removeField, setField, typeName, type Exec, type IngestDoc } from './ingest-doc.js';
import type { Options } from './options.js';
import { compileTemplate, compileValue } from './template.js';

export type ProcessorFactory = (o: Options) => Exec;

/** Runs `fn` on the field's value unless it is missing and `ignore_missing` is set. */
function onField(o: Options, fn: (doc: IngestDoc, value: unknown, field: string) => void): Exec {
  const field = compileTemplate(o.required('field'), 'field', o.type);
  const ignoreMissing = o.bool('ignore_missing', false);
  return (doc) => {
    const path = field(doc);
    if (!hasField(doc, path) || (getField(doc, path) === null && ignoreMissing)) {
      if (ignoreMissing) return;
      if (!hasField(doc, path)) getField(doc, path);
      throw fail(`field [${path}] is null, cannot process it.`);
    }
    fn(doc, getField(doc, path), path);
  };
}

/** lowercase, uppercase, trim, gsub: a string (or each string of a list) to target_field. */
function stringProcessor(o: Options, change: (s: string) => string): Exec {
  const target = o.string('target_field');
  return onField(o, (doc, value, path) => {
    const one = (v: unknown) => {
      if (typeof v !== 'string') throw fail(`field [${path}] of type [${typeName(v)}] cannot be cast to [string]`);
      return change(v);
    };
    setField(doc, target ?? path, Array.isArray(value) ? value.map(one) : one(value));
  });
}

const set: ProcessorFactory = (o) => {
  const field = compileTemplate(o.required('field'), 'field', o.type);
  const hasValue = o.has('value');
  const value = compileValue(o.raw('value'), 'value', o.type);
  const copyFrom = o.string('copy_from');
  if (hasValue && copyFrom !== undefined) throw o.error('either [value] or [copy_from] can be set, not both', 'value');
  if (!hasValue && copyFrom === undefined) throw o.error('[value] required property is missing', 'value');
  const override = o.bool('override', true);
  const ignoreEmpty = o.bool('ignore_empty_value', false);
  o.string('media_type');
  return (doc) => {
    const path = field(doc);
    const v = copyFrom !== undefined ? structuredClone(getField(doc, copyFrom)) : value(doc);
    if (ignoreEmpty && (v === null || v === undefined || v === '')) return;
    if (!override && hasField(doc, path) && getField(doc, path) !== null) return;
    setField(doc, path, v);
  };
};

const remove: ProcessorFactory = (o) => {
  const fields = o.list('field')?.map((f) => compileTemplate(f, 'field', o.type));
  const keep = o.list('keep');
  if ((fields === undefined) === (keep === undefined)) throw o.error('exactly one of [field] or [keep] must be set', 'field');
  const ignoreMissing = o.bool('ignore_missing', false);
  return (doc) => {
    if (keep) {
      const kept = new Set(keep.map((k) => k.split('.')[0]!));
      for (const k of Object.keys(doc.source)) if (!kept.has(k)) delete doc.source[k];
      return;
    }
    for (const f of fields!) {
      const path = f(doc);
      if (ignoreMissing && !hasField(doc, path)) continue;
      removeField(doc, path);
    }
  };
};

const rename: ProcessorFactory = (o) => {
  const field = compileTemplate(o.required('field'), 'field', o.type);
  const target = compileTemplate(o.required('target_field'), 'target_field', o.type);
  const ignoreMissing = o.bool('ignore_missing', false);
  const override = o.bool('override', false);
  return (doc) => {
    const from = field(doc);
    const to = target(doc);
    if (!hasField(doc, from)) {
      if (ignoreMissing) return;
      throw fail(`field [${from}] doesn't exist`);
    }
    if (hasField(doc, to) && !override) throw fail(`field [${to}] already exists`);
    const v = getField(doc, from);
    removeField(doc, from);
    try {
      setField(doc, to, v);
    } catch (e) {
      setField(doc, from, v);
      throw e;
    }
  };
};

const append: ProcessorFactory = (o) => {
  const field = compileTemplate(o.required('field'), 'field', o.type);
  if (!o.has('value')) throw o.error('[value] required property is missing', 'value');
  const value = compileValue(o.raw('value'), 'value', o.type);
  const allowDuplicates = o.bool('allow_duplicates', true);
  o.string('media_type');
  return (doc) => {
    const path = field(doc);
    const add = value(doc);
    const items = Array.isArray(add) ? add : [add];
    const current = hasField(doc, path) ? getField(doc, path) : undefined;
    const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
    for (const v of items) if (allowDuplicates || !list.some((x) => deepEqual(x, v))) list.push(v);
    setField(doc, path, list);
  };
};

const CONVERT_TYPES = new Set(['integer', 'long', 'float', 'double', 'string', 'boolean', 'auto']);

function convertOne(v: unknown, type: string): unknown {
  const s = typeof v === 'string' ? v.trim() : v;
  const bad = () => fail(`unable to convert [${String(v)}] to ${type}`);
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    case 'boolean':
      if (s === true || s === false) return s;
      if (typeof s === 'string' && /^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
      throw fail(`[${String(v)}] is not a boolean value, cannot convert to boolean`);
    case 'integer':
    case 'long': {
      const n = typeof s === 'number' ? s : typeof s === 'string' && /^[+-]?(\d+|0x[0-9a-f]+)$/i.test(s) ? Number(s.replace(/^\+/, '')) : NaN;
      if (!Number.isSafeInteger(n) || (type === 'integer' && (n > 2 ** 31 - 1 || n < -(2 ** 31)))) throw bad();
      return n;
    }
    case 'float':
    case 'double': {
      const n = typeof s === 'number' ? s : typeof s === 'string' && s !== '' ? Number(s) : NaN;
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    default: {
      // auto: boolean, then integer, then floating point, else the string unchanged.
      if (typeof s !== 'string') return v;
      if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
      if (/^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s))) return Number(s);
      if (s !== '' && Number.isFinite(Number(s))) return Number(s);
      return v;
    }
  }
}

const convert: ProcessorFactory = (o) => {
  const type = o.required('type');
  if (!CONVERT_TYPES.has(type)) throw o.error(`type [${type}] not supported, cannot convert field.`, 'type');
  const target = o.string('target_field');
  return onField(o, (doc, value, path) => {
    setField(doc, target ?? path, Array.isArray(value) ? value.map((v) => convertOne(v, type)) : convertOne(value, type));
  });
};

/** The longest gsub pattern, and its RE2 program size: matching is linear in the text. */
const MAX_PATTERN_LENGTH = 1000;
const MAX_PROGRAM_SIZE = 4000;

const gsub: ProcessorFactory = (o) => {
  const pattern = o.required('pattern');
  const replacement = o.string('replacement');
  if (replacement === undefined) throw o.error('[replacement] required property is missing', 'replacement');
  if (pattern.length > MAX_PATTERN_LENGTH) throw o.error(`[pattern] is longer than ${MAX_PATTERN_LENGTH} characters`, 'pattern');
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw o.error(`[pattern] is not a valid regular expression for RE2 (no lookaround, no backreferences): ${(e as Error).message}`, 'pattern');
  }
  const size = (re.re2() as { prog?: { inst?: unknown[] } }).prog?.inst?.length ?? 0;
  if (size > MAX_PROGRAM_SIZE) throw o.error(`[pattern] is too complex (${size} RE2 instructions, at most ${MAX_PROGRAM_SIZE})`, 'pattern');
  const parts = replacementParts(replacement, re.groupCount(), o);
  return stringProcessor(o, (s) => replaceAllBounded(re, s, parts));
};

/** A Java-style replacement (`$1` a group, `\$` a literal dollar) as literal parts and group numbers. */
function replacementParts(replacement: string, groups: number, o: Options): (string | number)[] {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\' && i + 1 < replacement.length) {
      lit += replacement[++i];
    } else if (c === '$') {
      const m = /^\d+/.exec(replacement.slice(i + 1, i + 12));
      if (!m) throw o.error('[replacement]: a [$] must be followed by a group number (or escaped as [\\$]); named groups are not supported', 'replacement');
      // Java reads as many digits as still name an existing group.
      let digits = m[0].slice(0, 1);
      for (const d of m[0].slice(1)) if (Number(digits + d) <= groups) digits += d; else break;
      if (Number(digits) > groups) throw o.error(`[replacement] refers to group [${digits}]; the pattern has ${groups}`, 'replacement');
      if (lit) parts.push(lit);
      lit = '';
      parts.push(Number(digits));
      i += digits.length;
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

/** Every match replaced, the result bounded by MAX_VALUE_CHARS as it is built. */
function replaceAllBounded(re: RE2JS, s: string, parts: (string | number)[]): string {
  const m = re.matcher(s);
  let out = '';
  let pos = 0;
  while (m.find()) {
    out += s.slice(pos, m.start());
    for (const p of parts) out += typeof p === 'string' ? p : (m.group(p) ?? '');
    pos = m.end();
    if (out.length > MAX_VALUE_CHARS) throw fail(`gsub produced more than ${MAX_VALUE_CHARS} characters`);
  }
  out += s.slice(pos);
  if (out.length > MAX_VALUE_CHARS) throw fail(`gsub produced more than ${MAX_VALUE_CHARS} characters`);
  return out;
}

export const PROCESSORS: Record<string, ProcessorFactory> = {
  set,
  remove,
  rename,
  append,
  convert,
  gsub,
  lowercase: (o) => stringProcessor(o, (s) => s.toLowerCase()),
  uppercase: (o) => stringProcessor(o, (s) => s.toUpperCase()),
  trim: (o) => stringProcessor(o, (s) => s.trim()),
  attachment: attachmentProcessor,
};
