/**
 * The clock: a port so domain code stays pure. `systemClock` yields strictly increasing
 * microsecond timestamps, so two writes in one millisecond still order (`is_after` in the
 * conformance suite compares check-ins made back to back).
 */

export interface Clock {
  /** Now as an Elasticsearch timestamp string (`2026-01-01T00:00:00.000123Z`). */
  now(): string;
}

let lastMicros = 0;

export const systemClock: Clock = {
  now(): string {
    let micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    if (micros <= lastMicros) micros = lastMicros + 1;
    lastMicros = micros;
    const ms = Math.floor(micros / 1000);
    const iso = new Date(ms).toISOString();
    return iso.slice(0, 23) + String(micros % 1000).padStart(3, '0') + 'Z';
  },
};
