import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, Retrier, retryAfterDelay, sleep, withRetry } from './retry.js';

const fast = { initialDelayMs: 1, maxDelayMs: 1 };

test('backoff doubles per retry with equal jitter in [step/2, step], capped', () => {
  const b = { initialDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffDelay(1, b, () => 0), 50);
  assert.equal(backoffDelay(1, b, () => 1), 100);
  assert.equal(backoffDelay(3, b, () => 1), 400);
  assert.equal(backoffDelay(3, b, () => 0), 200);
  assert.equal(backoffDelay(10, b, () => 1), 1000);
  assert.equal(backoffDelay(10, b, () => 0), 500);
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(2, b);
    assert.ok(d >= 100 && d <= 200, String(d));
  }
});

test('Retry-After: never earlier than asked, at most 10 % (and 1 s) later', () => {
  assert.equal(retryAfterDelay(300, () => 0), 300);
  assert.equal(retryAfterDelay(300, () => 1), 330);
  assert.equal(retryAfterDelay(60_000, () => 1), 61_000);
});

test('withRetry retries transient errors up to `retries`, then throws the last error', async () => {
  let calls = 0;
  const retried: number[] = [];
  await assert.rejects(
    withRetry(async () => {
      calls++;
      throw new Error(`reset ${calls}`);
    }, { retries: 2, backoff: fast, classify: () => ({}), onRetry: (_e, n) => { retried.push(n); } }),
    /reset 3/,
  );
  assert.equal(calls, 3);
  assert.deepEqual(retried, [1, 2]);
});

test('withRetry does not retry permanent errors and returns the first success', async () => {
  let calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new Error('auth'); }, { retries: 5, backoff: fast, classify: () => null }), /auth/);
  assert.equal(calls, 1);
  const v = await withRetry(async (attempt) => {
    if (attempt < 2) throw new Error('deadlock');
    return `ok after ${attempt}`;
  }, { retries: 3, backoff: fast, classify: () => ({}) });
  assert.equal(v, 'ok after 2');
});

test('a Retry-After is waited for; one past the time budget is not waited for at all', async () => {
  let started = Date.now();
  const r = new Retrier({ backoff: fast, budgetMs: 5000 });
  assert.equal(await r.wait(new Error('429'), { retryAfterMs: 300 }), true);
  assert.ok(Date.now() - started >= 295, `waited ${Date.now() - started} ms`);
  assert.equal(r.attempts, 2);
  started = Date.now();
  assert.equal(await new Retrier({ backoff: fast, budgetMs: 1000 }).wait(new Error('429'), { retryAfterMs: 60_000 }), false);
  assert.ok(Date.now() - started < 100);
  assert.equal(await new Retrier({ backoff: fast, retries: 0 }).wait(new Error('x')), false);
});

test('an abort cuts a wait short with the signal reason, and stops withRetry', async () => {
  const ac = new AbortController();
  const p = sleep(10_000, ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
  const ac2 = new AbortController();
  setTimeout(() => ac2.abort(new Error('closed')), 20);
  const started = Date.now();
  await assert.rejects(
    withRetry(async () => { throw new Error('503'); }, { backoff: { initialDelayMs: 30_000, maxDelayMs: 30_000 }, signal: ac2.signal, classify: () => ({}) }),
    /closed/,
  );
  assert.ok(Date.now() - started < 5000);
});
