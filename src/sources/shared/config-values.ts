/**
 * Reading a source's configuration: schema entries in Elasticsearch's configuration-entry
 * format, and typed, bounded values out of what a connector manager stored. Every source uses
 * these, so a bad value reads the same whatever the source: a SourceConfigError naming the
 * field, never echoing a value that may be secret.
 */
import type { ConfigEntry } from '../../domain/connector/document.js';
import { SourceConfigError, type ConfigValues } from '../source.js';

/**
 * A configuration entry with the fields Elastic's schema always carries. `defaults` are the
 * source's own (the database sources make every entry required unless it says otherwise).
 */
export function configEntry(e: ConfigEntry, defaults: Partial<ConfigEntry> = {}): ConfigEntry {
  const out: ConfigEntry = { required: false, sensitive: false, tooltip: null, ui_restrictions: [], validations: [], ...defaults, ...e };
  out.default_value ??= null;
  if (out.value === undefined) out.value = out.default_value ?? '';
  return out;
}

/** The `greater_than` / `less_than` validations of an integer from `min` to `max`. */
export function intRange(min: number, max: number): ConfigEntry['validations'] {
  return [
    { type: 'greater_than', constraint: min - 1 },
    { type: 'less_than', constraint: max + 1 },
  ];
}

/** A string setting, trimmed; null or absent → ''. */
export function stringValue(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** A string setting of at most `max` characters (the value is not echoed: it may be secret). */
export function boundedString(field: string, v: string, max: number): string {
  if (v.length > max) throw new SourceConfigError(`Configuration field [${field}] is ${v.length} characters long; at most ${max} are allowed.`);
  return v;
}

/** An integer field from `min` to `max` (this server's bounds); empty = `dflt`. */
export function intValue(c: ConfigValues, field: string, dflt: number, min: number, max: number): number {
  const raw = c[field];
  if (raw === null || raw === undefined || raw === '') return dflt;
  const n = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    const shown = typeof raw === 'string' && raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    throw new SourceConfigError(`Configuration field [${field}] must be an integer from ${min} to ${max} (this server's limit); got ${JSON.stringify(shown)}.`);
  }
  return n;
}

/** A toggle: true, "true", 1 or "1". */
export function boolValue(v: unknown): boolean {
  return v === true || v === 'true' || v === 1 || v === '1';
}
