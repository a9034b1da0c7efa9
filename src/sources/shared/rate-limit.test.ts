import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NetworkError } from './http.js';
import { HttpStatusError, httpTransient, MAX_SERVER_WAIT_MS, rateLimitResetMs, retryAfterMs, serverWaitMs } from './rate-limit.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.equal(retryAfterMs({ 'retry-after': '7' }, NOW), 7000);
  assert.equal(retryAfterMs({ 'retry-after': 'Mon, 07 Dec 2026 12:00:30 GMT' }, NOW), 30_000);
  assert.equal(retryAfterMs({ 'retry-after': 'Mon, 07 Dec 2026 11:00:00 GMT' }, NOW), 0, 'a date in the past means now');
  assert.equal(retryAfterMs({ 'retry-after': 'soon' }, NOW), undefined);
  assert.equal(retryAfterMs({}, NOW), undefined);
});

test('X-RateLimit-Reset counts only when the limit is exhausted', () => {
  const reset = String(NOW / 1000 + 90);
  assert.equal(rateLimitResetMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, NOW), 90_000);
  assert.equal(rateLimitResetMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }, NOW), undefined);
  assert.equal(serverWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'retry-after': '5' }, NOW), 90_000, 'the longer wait wins');
  assert.equal(serverWaitMs({ 'retry-after': '999999' }, NOW), MAX_SERVER_WAIT_MS, 'a wait is capped');
});

test('what is worth another attempt', () => {
  const e = (status: number, headers = {}) => new HttpStatusError(status, headers, '');
  assert.deepEqual(httpTransient(new NetworkError('reset', 'ECONNRESET')), {});
  assert.deepEqual(httpTransient(e(503)), {});
  assert.deepEqual(httpTransient(e(429, { 'retry-after': '3' })), { retryAfterMs: 3000 });
  assert.ok(httpTransient(e(403, { 'retry-after': '60' })), "GitHub's secondary limit is a 403 with Retry-After");
  assert.ok(httpTransient(e(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 10) })), 'primary limit');
  assert.equal(httpTransient(e(403)), null, 'a denial is not retried');
  assert.equal(httpTransient(e(401)), null);
  assert.equal(httpTransient(e(404)), null);
  assert.equal(httpTransient(new Error('x')), null);
});
