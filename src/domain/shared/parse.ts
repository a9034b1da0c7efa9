/**
 * Declarative request-body parsing with Elasticsearch's ObjectParser semantics
 * (connector-api.md §1.4): top-level parsers are strict (unknown field → 400
 * `x_content_parse_exception`), nested parsers are lenient (unknown keys dropped),
 * `declareString` fields reject `null`, required keys missing → `Required [k]`.
 */
import { errors, ApiError } from '../errors.js';
import { isPlainObject, setOwn } from './json.js';
import { normaliseTimestamp } from './time.js';

export type FieldParser = (value: unknown, field: string, parser: string) => unknown;

export interface FieldSpec {
  parse: FieldParser;
  /** `null` accepted (declareStringOrNull and friends). */
  nullable?: boolean;
  /** Key must be present (constructor argument in Elasticsearch). */
  required?: boolean;
}

export type ObjectSpec = Record<string, FieldSpec>;

function typeName(v: unknown): string {
  if (v === null) return 'VALUE_NULL';
  if (Array.isArray(v)) return 'START_ARRAY';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'string') return 'VALUE_STRING';
  if (typeof v === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_NUMBER';
}

function fieldError(parser: string, field: string, cause: string): ApiError {
  return errors.parse(`[${parser}] failed to parse field [${field}]`, { type: 'illegal_argument_exception', reason: cause });
}

/** Parses `body` as an object with `spec`. Strict: unknown keys are errors. */
export function parseStrict(parser: string, body: unknown, spec: ObjectSpec): Record<string, unknown> {
  return parseObject(parser, body, spec, true);
}

/** Lenient nested parse: unknown keys are dropped. */
export function parseLenient(parser: string, body: unknown, spec: ObjectSpec): Record<string, unknown> {
  return parseObject(parser, body, spec, false);
}

function parseObject(parser: string, body: unknown, spec: ObjectSpec, strict: boolean): Record<string, unknown> {
  if (body === undefined) body = {};
  if (!isPlainObject(body)) {
    throw errors.parse(`[${parser}] Expected START_OBJECT but found [${typeName(body)}]`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    // Own keys only: `constructor`, `__proto__` or `toString` in a body are unknown fields,
    // not Object.prototype members (they used to crash the handler with a 500).
    const f = Object.hasOwn(spec, k) ? spec[k] : undefined;
    if (!f) {
      if (strict) throw errors.parse(`[${parser}] unknown field [${k}]`);
      continue;
    }
    if (v === null) {
      if (!f.nullable) throw errors.parse(`[${parser}] ${k} doesn't support values of type: VALUE_NULL`);
      setOwn(out, k, null);
      continue;
    }
    setOwn(out, k, f.parse(v, k, parser));
  }
  // ConstructingObjectParser names every missing constructor argument at once, in declaration
  // order: `Required [deleted_document_count, indexed_document_count]`.
  const missing = Object.entries(spec).filter(([k, f]) => f.required && !Object.hasOwn(body as object, k)).map(([k]) => k);
  if (missing.length) throw errors.illegalArgument(`Required [${missing.join(', ')}]`);
  return out;
}

/* Field parsers. Each throws the Elasticsearch-shaped error for a wrong JSON type. */

/**
 * ObjectParser's `ValueType.STRING` accepts only `VALUE_STRING`: a number, boolean, object or
 * array is rejected with `[parser] field doesn't support values of type: <TOKEN>`
 * (connector-api.md §6.6, §6.7, §6.15: "a non-string value gives 400").
 */
export const str: FieldParser = (v, field, parser) => {
  if (typeof v === 'string') return v;
  return unsupported(parser, field, v);
};

/** Throws ObjectParser's wrong-token error. Never stringifies `v` (a body object may own a `toString`). */
function unsupported(parser: string, field: string, v: unknown): never {
  throw errors.parse(`[${parser}] ${field} doesn't support values of type: ${typeName(v)}`);
}

/** ObjectParser BOOLEAN: VALUE_BOOLEAN, or the strings "true"/"false". */
export const bool: FieldParser = (v, field, parser) => {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') unsupported(parser, field, v);
  if (v === 'true' || v === 'false') return v === 'true';
  throw fieldError(parser, field, `Failed to parse value [${v}] as only [true] or [false] are allowed.`);
};

export const long: FieldParser = (v, field, parser) => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  if (typeof v === 'number') return Math.trunc(v);
  throw fieldError(parser, field, `[${field}] expected a number but found ${typeName(v)}`);
};

export const object: FieldParser = (v, field, parser) => {
  if (isPlainObject(v)) return v;
  throw fieldError(parser, field, `[${field}] expected an object but found ${typeName(v)}`);
};

/** Timestamp: ISO-8601 string or a string of epoch millis; a JSON number is rejected. */
export const timestamp: FieldParser = (v, field, parser) => {
  if (typeof v !== 'string') throw fieldError(parser, field, `[${field}] expected a timestamp string but found ${typeName(v)}`);
  const ts = normaliseTimestamp(v);
  if (ts === undefined) throw fieldError(parser, field, `failed to parse date field [${v}]`);
  return ts;
};

/** Case-insensitive enum, written lowercase; the error text follows Elasticsearch's enums. */
export function enumOf(values: readonly string[], unknown: (v: string) => string, caseSensitive = false): FieldParser {
  return (v, field, parser) => {
    // Enums are string fields in Elasticsearch: another JSON type is a wrong token.
    if (typeof v !== 'string') unsupported(parser, field, v);
    const hit = caseSensitive ? values.find((x) => x === v) : values.find((x) => x === v.toLowerCase());
    if (hit === undefined) throw fieldError(parser, field, unknown(v));
    return hit;
  };
}

export function arrayOf(item: FieldParser): FieldParser {
  return (v, field, parser) => {
    if (!Array.isArray(v)) throw fieldError(parser, field, `[${field}] expected an array but found ${typeName(v)}`);
    return v.map((x) => item(x, field, parser));
  };
}

export function nested(name: string, spec: ObjectSpec): FieldParser {
  return (v, field, parser) => {
    if (!isPlainObject(v)) throw fieldError(parser, field, `[${name}] expected START_OBJECT but found ${typeName(v)}`);
    return parseLenient(name, v, spec);
  };
}

export const any: FieldParser = (v) => v;

/** Scalar (string, number, boolean); objects and arrays rejected with ES's token message. */
export const scalar: FieldParser = (v, field, parser) => {
  if (typeof v === 'object' && v !== null) {
    throw fieldError(parser, field, `Unsupported token [${typeName(v)}]`);
  }
  return v;
};

/** Drops keys whose value is undefined, keeping declared order. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
