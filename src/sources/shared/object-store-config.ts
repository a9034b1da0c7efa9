/**
 * Configuration pieces shared by the object-store sources (`s3`, `google_cloud_storage`,
 * `azure_blob_storage`): the `buckets` (`containers`) list and endpoint URLs (entries and
 * integers are read through config-values.ts, as every source's). Errors name the
 * configuration field to fix.
 */
import { SourceConfigError } from '../source.js';

export const MAX_BUCKETS = 1000;

/** What the list field is called: `buckets` of buckets (s3, gcs), `containers` of containers (azure_blob_storage). */
export interface ListField {
  field: string;
  noun: string;
}

const BUCKETS: ListField = { field: 'buckets', noun: 'bucket' };

/** The `buckets` (or `containers`) field: names checked by `nameProblem`, deduplicated, or ['*']. */
export function bucketList(v: unknown, nameProblem: (b: string) => string | null, what: ListField = BUCKETS): string[] {
  const { field, noun } = what;
  let out: string[];
  if (v === null || v === undefined || v === '') out = [];
  else if (Array.isArray(v)) out = v.map((x) => String(x).trim()).filter((x) => x !== '');
  else if (typeof v === 'string') out = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  else throw new SourceConfigError(`Configuration field [${field}] must be a comma-separated list of ${noun} names, or *`);
  if (out.length === 0) throw new SourceConfigError(`Configuration field [${field}] is required: list ${noun} names, or * for every ${noun}`);
  if (out.length > MAX_BUCKETS) throw new SourceConfigError(`Configuration field [${field}] lists ${out.length} ${noun}s; at most ${MAX_BUCKETS} are allowed`);
  if (out.includes('*')) return ['*'];
  for (const b of out) {
    const p = nameProblem(b);
    if (p) throw new SourceConfigError(`Configuration field [${field}]: ${noun} [${b.slice(0, 70)}] ${p}`);
  }
  return [...new Set(out)];
}

/** An http(s) URL without credentials in it; errors name `field`. */
export function httpUrl(raw: string, field: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SourceConfigError(`Configuration field [${field}] must be a URL, got [${raw.slice(0, 100)}]`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SourceConfigError(`Configuration field [${field}] must be an http:// or https:// URL`);
  if (u.username || u.password) throw new SourceConfigError(`Configuration field [${field}] must not hold credentials`);
  return u;
}
