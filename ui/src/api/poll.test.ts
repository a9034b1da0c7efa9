/** Polling backoff (poll.ts): the normal wait after a success, doubling per failure up to the cap. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextDelay } from './poll';

test('the wait doubles per consecutive failure and stops at the cap', () => {
  assert.equal(nextDelay(1000, 0, 30_000), 1000);
  assert.equal(nextDelay(1000, 1, 30_000), 2000);
  assert.equal(nextDelay(1000, 3, 30_000), 8000);
  assert.equal(nextDelay(1000, 5, 30_000), 30_000);
  assert.equal(nextDelay(5000, 1000, 30_000), 30_000);
});
