import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoginRateLimiter } from './rate-limit.js';

test('a sliding window of failures per key', () => {
  let now = 1_000_000;
  const l = new LoginRateLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) {
    assert.equal(l.retryAfter('k'), 0);
    l.fail('k');
    now += 1000;
  }
  assert.equal(l.retryAfter('k'), 57, 'until the oldest failure leaves the window');
  assert.equal(l.retryAfter('other'), 0);
  now += 57_000;
  assert.equal(l.retryAfter('k'), 0);
  l.fail('k');
  assert.ok(l.retryAfter('k') > 0, 'two failures still in the window plus the new one');
  l.succeed('k');
  assert.equal(l.retryAfter('k'), 0, 'a success clears the count');
});
