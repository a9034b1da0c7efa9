import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budget } from './budget.js';

test('budget: waits while over capacity, first come first served, abort leaves the queue', async () => {
  const b = new Budget(10);
  const order: string[] = [];
  const r1 = await b.acquire(6);
  const big = b.acquire(100).then((r) => (order.push('big'), r)); // clamped to 10: waits for all
  const ac = new AbortController();
  const aborted = b.acquire(1, ac.signal).catch((e) => (order.push('aborted'), e));
  const small = b.acquire(1).then((r) => (order.push('small'), r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'nothing passes a waiting request');
  ac.abort(new Error('stop'));
  assert.equal(((await aborted) as Error).message, 'stop');
  r1();
  const rBig = await big;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['aborted', 'big']);
  rBig();
  (await small)();
  assert.deepEqual(order, ['aborted', 'big', 'small']);
  await assert.rejects(b.acquire(1, AbortSignal.abort(new Error('already'))), /already/);
  // A granted request no longer listens to its signal.
  const ac2 = new AbortController();
  const r = await b.acquire(1, ac2.signal);
  ac2.abort();
  r();
  (await b.acquire(10))();
});
