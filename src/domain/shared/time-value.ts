/** Elasticsearch time values (`500ms`, `30s`, `1m`, `2h`, `1d`) in milliseconds, for API key expiry and settings. */

const UNITS: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or throws Error with Elasticsearch's message (`setting` names the field). */
export function parseTimeValue(value: string, setting: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)\s*$/.exec(value.toLowerCase());
  if (!m) {
    throw new Error(`failed to parse setting [${setting}] with value [${value}] as a time value: unit is missing or unrecognized`);
  }
  const ms = Number(m[1]) * UNITS[m[2]];
  if (ms < 0) throw new Error(`failed to parse setting [${setting}] with value [${value}] as a time value: negative durations are not supported`);
  return Math.round(ms);
}
