/**
 * Advanced sync rules of the `s3` source, Elastic's format (docs/sources/s3.md "Advanced sync
 * rules"): a list of `{ bucket, prefix?, extension? }`. Each rule reads the objects of `bucket`
 * whose keys start with `prefix` and, when `extension` is given, end with one of the listed
 * extensions (`.pdf` or `pdf`, case-insensitive). When rules are set, `buckets` is ignored.
 */
import type { RulesValidation } from '../source.js';
import { bucketNameProblem } from './config.js';

export const MAX_RULES = 100;
export const MAX_EXTENSIONS = 100;
const KEYS = new Set(['bucket', 'prefix', 'extension']);

export interface S3Rule {
  bucket: string;
  prefix: string;
  /** Lower-case extensions without the dot; null = every object. */
  extensions: Set<string> | null;
}

function normExt(e: string): string {
  return e.trim().toLowerCase().replace(/^\./, '');
}

export function validateS3Rules(value: unknown): RulesValidation {
  const messages: string[] = [];
  if (value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) {
    return { valid: true, messages: [] };
  }
  if (!Array.isArray(value)) return { valid: false, messages: ['Advanced rules must be a list of {"bucket": …, "prefix": …, "extension": […]} objects'] };
  if (value.length > MAX_RULES) return { valid: false, messages: [`Advanced rules hold ${value.length} rules; at most ${MAX_RULES} are allowed`] };
  value.forEach((r, i) => {
    const at = `Rule ${i + 1}`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      messages.push(`${at} must be an object with "bucket", and optionally "prefix" and "extension"`);
      return;
    }
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!KEYS.has(k)) messages.push(`${at} has an unknown key [${k.slice(0, 40)}]: only bucket, prefix and extension are allowed`);
    if (typeof o.bucket !== 'string' || o.bucket.trim() === '') messages.push(`${at} needs "bucket": the name of the bucket to read`);
    else {
      const p = bucketNameProblem(o.bucket.trim());
      if (p) messages.push(`${at}: bucket [${o.bucket.slice(0, 70)}] ${p}`);
    }
    if (o.prefix !== undefined && o.prefix !== null && (typeof o.prefix !== 'string' || o.prefix.length > 1024)) messages.push(`${at}: "prefix" must be a string of at most 1024 characters`);
    if (o.extension !== undefined && o.extension !== null) {
      if (!Array.isArray(o.extension) || o.extension.some((e) => typeof e !== 'string' || normExt(e) === '' || e.length > 32)) {
        messages.push(`${at}: "extension" must be a list of extensions such as [".pdf", ".txt"]`);
      } else if (o.extension.length > MAX_EXTENSIONS) messages.push(`${at}: "extension" lists more than ${MAX_EXTENSIONS} extensions`);
    }
  });
  return { valid: messages.length === 0, messages };
}

/** The rules to apply, or null when none are set. Throws nothing: validate first. */
export function s3Rules(value: unknown): S3Rule[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.map((r: Record<string, unknown>) => ({
    bucket: String(r.bucket).trim(),
    prefix: typeof r.prefix === 'string' ? r.prefix : '',
    extensions: Array.isArray(r.extension) && r.extension.length > 0 ? new Set((r.extension as string[]).map(normExt)) : null,
  }));
}

export { extensionOf } from '../shared/object-store-content.js';
