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

test('attempts in flight count against the limit until settled (issue 11 item 9)', () => {
  const now = 1_000_000;
  const l = new LoginRateLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now);
  for (let i = 0; i < 3; i++) assert.equal(l.reserve('k'), 0, `reservation ${i + 1}`);
  assert.equal(l.reserve('k'), 1, 'a fourth concurrent attempt waits for the three in flight');
  assert.equal(l.reserve('other'), 0, 'other keys are independent');
  l.settle('k', 'released');
  assert.equal(l.reserve('k'), 0, 'a released reservation frees its place');
  l.settle('k', 'failed');
  l.settle('k', 'failed');
  l.settle('k', 'failed');
  assert.equal(l.retryAfter('k'), 60, 'three settled failures fill the window');
  assert.ok(l.reserve('k') > 0);
  l.succeed('k');
  assert.equal(l.reserve('k'), 0);
  l.settle('k', 'succeeded');
  assert.equal(l.retryAfter('k'), 0);
});
