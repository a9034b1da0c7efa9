/**
 * Configuration pieces shared by the object-store sources (`s3`, `google_cloud_storage`):
 * schema entries with Elastic's defaults, bounded integers and the `buckets` list. Errors name
 * the configuration field to fix.
 */
import { SourceConfigError } from '../source.js';

export { configEntry, intValue } from './config-values.js';

export const MAX_BUCKETS = 1000;

/** The `buckets` field: names checked by `nameProblem`, deduplicated, or ['*']. */
export function bucketList(v: unknown, nameProblem: (b: string) => string | null): string[] {
  let out: string[];
  if (v === null || v === undefined || v === '') out = [];
  else if (Array.isArray(v)) out = v.map((x) => String(x).trim()).filter((x) => x !== '');
  else if (typeof v === 'string') out = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  else throw new SourceConfigError('Configuration field [buckets] must be a comma-separated list of bucket names, or *');
  if (out.length === 0) throw new SourceConfigError('Configuration field [buckets] is required: list bucket names, or * for every bucket');
  if (out.length > MAX_BUCKETS) throw new SourceConfigError(`Configuration field [buckets] lists ${out.length} buckets; at most ${MAX_BUCKETS} are allowed`);
  if (out.includes('*')) return ['*'];
  for (const b of out) {
    const p = nameProblem(b);
    if (p) throw new SourceConfigError(`Configuration field [buckets]: bucket [${b.slice(0, 70)}] ${p}`);
  }
  return [...new Set(out)];
}
