import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from './clock.js';
import { normaliseTimestamp, timestampMicros } from './time.js';

describe('systemClock', () => {
  it('returns ISO-8601 UTC with microsecond digits', () => {
    assert.match(systemClock.now(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('is close to Date.now()', () => {
    const drift = Math.abs(Date.parse(systemClock.now()) - Date.now());
    assert.ok(drift < 1000, `drift ${drift} ms`);
  });

  it('is strictly increasing, even within one millisecond', () => {
    let prev = timestampMicros(systemClock.now());
    for (let i = 0; i < 10_000; i++) {
      const t = timestampMicros(systemClock.now());
      assert.ok(t > prev, `${t} <= ${prev}`);
      prev = t;
    }
  });

  it('produces timestamps the request parser accepts and keeps as the same instant', () => {
    const t = systemClock.now();
    const n = normaliseTimestamp(t)!;
    assert.equal(timestampMicros(n), timestampMicros(t));
  });
});
