import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from './errors.js';
import {
  parseRetryAfter, RetryBudget, SinkUnavailableError, transientCause, withBudget,
} from './retry.js';

const http = (statusCode: number, headers: Record<string, string> = {}, body: unknown = {}) =>
  Object.assign(new Error(`status ${statusCode}`), { name: 'ResponseError', meta: { statusCode, headers, body } });

test('Retry-After: seconds, fractional seconds, HTTP date; junk is ignored', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(' 0.5 '), 500);
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now), 7000);
  assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter(['2', '9']), 2000);
});

test('transient: 429 / 502 / 503 / 504 and connection errors; not 400, 401, 403, 404, 409, 500', () => {
  assert.deepEqual(transientCause(http(429, { 'retry-after': '2' })), { status: 429, retryAfterMs: 2000 });
  for (const s of [502, 503, 504]) assert.equal(transientCause(http(s))?.status, s);
  for (const s of [400, 401, 403, 404, 409, 500]) assert.equal(transientCause(http(s)), null);
  assert.deepEqual(transientCause(Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' })), {});
  assert.deepEqual(transientCause(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), {});
  assert.deepEqual(transientCause(Object.assign(new Error('x'), { code: 'ECONNRESET' })), {});
  assert.equal(transientCause(new TypeError('bug')), null);
  assert.equal(transientCause(Object.assign(new Error('x'), { name: 'ProductNotSupportedError' })), null);
});

test('withBudget retries transient errors and returns; a permanent error is thrown at once', async () => {
  const p = { budgetMs: 5000, initialDelayMs: 5, maxDelayMs: 10 };
  let n = 0;
  const events: number[] = [];
  const v = await withBudget(async () => {
    if (++n < 4) throw http(503);
    return 'ok';
  }, p, 'thing', undefined, (e) => events.push(e.attempt));
  assert.equal(v, 'ok');
  assert.equal(n, 4);
  assert.deepEqual(events, [1, 2, 3]);
  n = 0;
  await assert.rejects(withBudget(async () => {
    n++;
    throw http(400, {}, { error: { type: 'mapper_parsing_exception', reason: 'bad' } });
  }, p, 'thing'), (e: Error) => e.name === 'ResponseError');
  assert.equal(n, 1);
});

test('the budget ends retries with an error that names the request, attempts, budget and last cause', async () => {
  const p = { budgetMs: 120, initialDelayMs: 20, maxDelayMs: 40 };
  const started = Date.now();
  const err = await withBudget(async () => {
    throw http(503, {}, { error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } });
  }, p, 'bulk request to Elasticsearch at http://x').catch((e: unknown) => e);
  assert.ok(err instanceof SinkUnavailableError);
  assert.ok(Date.now() - started <= 200);
  assert.match(err.message, /^bulk request to Elasticsearch at http:\/\/x failed after \d+ attempts in [\d.]+ s, giving up at the retry budget of 0\.1 s: HTTP 503 unavailable_shards_exception: primary shard is not active$/);
  assert.ok(err.attempts >= 2);
  assert.equal((err.cause as { meta: { statusCode: number } }).meta.statusCode, 503);
});

test('a Retry-After beyond the remaining budget gives up at once and says so', async () => {
  const b = new RetryBudget({ budgetMs: 1000, initialDelayMs: 10, maxDelayMs: 10 }, 'bulk');
  const started = Date.now();
  await assert.rejects(b.wait({ status: 429, retryAfterMs: 60_000 }, http(429, { 'retry-after': '60' })), /the target asked to wait 60 s more\): HTTP 429/);
  assert.ok(Date.now() - started < 100);
});

test('Retry-After is obeyed: the wait is at least what the target asked', async () => {
  const b = new RetryBudget({ budgetMs: 5000, initialDelayMs: 1, maxDelayMs: 1 }, 'bulk');
  const started = Date.now();
  await b.wait({ status: 429, retryAfterMs: 300 }, http(429));
  assert.ok(Date.now() - started >= 295, `waited ${Date.now() - started} ms`);
});

test('a closed sink cuts the wait short', async () => {
  const ac = new AbortController();
  const b = new RetryBudget({ budgetMs: 60_000, initialDelayMs: 30_000, maxDelayMs: 30_000 }, 'bulk', ac.signal);
  setTimeout(() => ac.abort(new Error('closed')), 20);
  await assert.rejects(b.wait({}, http(503)), /closed/);
});

test('error descriptions say what to do', () => {
  assert.match(describeError(http(401, {}, { error: { type: 'security_exception', reason: 'unable to authenticate' } })), /HTTP 401 security_exception: unable to authenticate — check content.api_key/);
  assert.match(describeError(http(403, {}, { error: { type: 'security_exception', reason: 'action [indices:admin/create] is unauthorized' } })), /lack a privilege/);
  assert.match(describeError(Object.assign(new Error('x'), { name: 'ProductNotSupportedError' })), /content.target: opensearch/);
  assert.match(describeError(http(400, {}, { error: { type: 'status_exception', reason: 'Accept version must be either version 8 or 7, but found 9' } })), /compatible_with: 8/);
  assert.match(describeError(Object.assign(new Error('self-signed certificate in certificate chain'), { name: 'ConnectionError' })), /^ConnectionError: self-signed .* content.ca_file/);
  assert.equal(describeError(http(502, {}, '<html>Bad   Gateway</html>')), 'HTTP 502 <html>Bad Gateway</html>');
  assert.equal(
    describeError(http(400, {}, { error: { type: 'a', reason: 'b', caused_by: { type: 'c', reason: 'd' } } })),
    'HTTP 400 a: b (caused by c: d)',
  );
});
