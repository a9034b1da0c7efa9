/**
 * The `content.search` section of the configuration file (embedded index only;
 * docs/embedded-index.md "Search limits"):
 *
 *   content:
 *     search:
 *       threads: 2              # search threads (0: on the main thread, for debugging)
 *       max_queue: 64           # searches waiting for a thread; beyond: 429
 *       timeout: 10s            # default budget: then partial hits, timed_out: true
 *       hard_timeout: 30s       # then 400 task_cancelled_exception
 *       max_clause_count: 1024  # indices.query.bool.max_clause_count
 *       max_nested_depth: 30    # indices.query.bool.max_nested_depth
 */
import { parseTimeValue } from '../domain/shared/time-value.js';
import type { SearchLimits } from './read-pool.js';

const INTS: Record<string, [keyof SearchLimits, number, number]> = {
  threads: ['threads', 0, 64],
  max_queue: ['maxQueue', 1, 100_000],
  max_clause_count: ['maxClauseCount', 1, 65_536],
  max_nested_depth: ['maxNestedDepth', 1, 1_000],
};
const TIMES: Record<string, keyof SearchLimits> = { timeout: 'timeoutMs', hard_timeout: 'hardTimeoutMs' };
/** The keys of `content.search` (src/config/schema.ts). */
export const SEARCH_KEYS: readonly string[] = [...Object.keys(INTS), ...Object.keys(TIMES)];

export function parseSearchLimits(raw: unknown, file = 'config'): Partial<SearchLimits> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: content.search: expected a mapping`);
  const out: Partial<Record<keyof SearchLimits, number>> = {};
  for (const [k, v] of Object.entries(raw)) {
    const where = `${file}: content.search.${k}`;
    if (INTS[k]) {
      const [key, min, max] = INTS[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${where}: expected a whole number from ${min} to ${max}`);
      out[key] = v;
    } else if (TIMES[k]) {
      const ms = typeof v === 'number' ? v * 1000 : parseTimeValue(String(v), `content.search.${k}`);
      if (!Number.isFinite(ms) || ms < 1) throw new Error(`${where}: expected a duration such as 10s`);
      out[TIMES[k]] = ms;
    } else {
      throw new Error(`${where}: unknown key; expected one of ${SEARCH_KEYS.join(', ')}`);
    }
  }
  if (out.timeoutMs !== undefined && out.hardTimeoutMs !== undefined && out.timeoutMs > out.hardTimeoutMs) {
    throw new Error(`${file}: content.search.timeout must not exceed content.search.hard_timeout`);
  }
  return out;
}
