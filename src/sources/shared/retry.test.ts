import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, sleep, withRetry } from './retry.js';

test('withRetry retries transient errors up to `retries`, then throws the last error', async () => {
  let calls = 0;
  const transient = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  await assert.rejects(
    withRetry(async () => {
      calls++;
      throw transient;
    }, { retries: 2, baseDelayMs: 1, isTransient: (e) => (e as { code?: string }).code === 'ECONNRESET' }),
    /reset/,
  );
  assert.equal(calls, 3);
});

test('withRetry does not retry permanent errors and returns the first success', async () => {
  let calls = 0;
  await assert.rejects(withRetry(async () => { calls++; throw new Error('auth'); }, { retries: 5, baseDelayMs: 1, isTransient: () => false }), /auth/);
  assert.equal(calls, 1);
  const retried: number[] = [];
  const v = await withRetry(async (attempt) => {
    if (attempt < 2) throw new Error('deadlock');
    return 'ok';
  }, { retries: 3, baseDelayMs: 1, isTransient: () => true, onRetry: (_e, a) => { retried.push(a); } });
  assert.equal(v, 'ok');
  assert.deepEqual(retried, [1, 2]);
});

test('backoff doubles with jitter and caps; sleep stops on abort', async () => {
  for (let i = 0; i < 20; i++) {
    const d = backoffDelay(3, 100, 1000);
    assert.ok(d >= 320 && d <= 480, String(d));
    assert.ok(backoffDelay(10, 100, 1000) <= 1200);
  }
  const ac = new AbortController();
  const p = sleep(10_000, ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
});
