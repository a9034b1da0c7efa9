/**
 * Field types of the embedded content index: Elasticsearch mapping types grouped into the few
 * kinds the engine treats differently, dynamic type inference, and value checks (Elasticsearch's
 * dynamic field mapping and `coerce` rules, simplified).
 */
import { dateMillis } from '../domain/shared/date-math.js';

export type FieldKind = 'text' | 'keyword' | 'number' | 'date' | 'boolean' | 'object' | 'other';

const KINDS: Record<string, FieldKind> = {
  text: 'text',
  match_only_text: 'text',
  search_as_you_type: 'text',
  keyword: 'keyword',
  constant_keyword: 'keyword',
  wildcard: 'keyword',
  version: 'keyword',
  ip: 'keyword',
  flattened: 'keyword',
  long: 'number',
  integer: 'number',
  short: 'number',
  byte: 'number',
  double: 'number',
  float: 'number',
  half_float: 'number',
  scaled_float: 'number',
  unsigned_long: 'number',
  token_count: 'number',
  date: 'date',
  date_nanos: 'date',
  boolean: 'boolean',
  object: 'object',
  nested: 'object',
};

const STORED_ONLY = new Set([
  'binary', 'dense_vector', 'sparse_vector', 'rank_feature', 'rank_features', 'geo_point', 'geo_shape',
  'point', 'shape', 'completion', 'semantic_text', 'histogram', 'percolator', 'join', 'alias',
  'integer_range', 'float_range', 'long_range', 'double_range', 'date_range', 'ip_range',
  'aggregate_metric_double', 'counted_keyword',
]);

/** The kind of a mapping type, or undefined when Elasticsearch has no such type. */
export function kindOf(type: string): FieldKind | undefined {
  return KINDS[type] ?? (STORED_ONLY.has(type) ? 'other' : undefined);
}

/** `strict_date_optional_time`, the format Elasticsearch's date detection recognises. */
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

export function looksLikeDate(s: string): boolean {
  return DATE.test(s) && !Number.isNaN(Date.parse(s.replace(',', '.')));
}

/** Dynamic mapping of a JSON scalar, as Elasticsearch's default dynamic templates do. */
export function inferType(value: string | number | boolean): string {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'float';
  return looksLikeDate(value) ? 'date' : 'text';
}


/** Whether a scalar fits a leaf field of `kind` (after Elasticsearch's coercion). */
export function fitsKind(kind: FieldKind, value: string | number | boolean): boolean {
  switch (kind) {
    case 'number':
      if (typeof value === 'number') return true;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' || value === '';
    case 'date':
      return !Number.isNaN(dateMillis(value));
    case 'object':
      return false;
    default:
      return true;
  }
}
