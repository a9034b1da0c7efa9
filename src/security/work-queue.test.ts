import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueFull, WorkQueue } from './work-queue.js';

test('at most maxConcurrent run, maxQueued wait, the rest are refused at once', async () => {
  const q = new WorkQueue('test-pool', 2, 3);
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await sleep(20);
    running--;
    return 'done';
  };
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => q.run(task)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5, '2 running + 3 queued');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(refused.length, 3);
  for (const r of refused) {
    assert.ok(r.reason instanceof QueueFull);
    assert.match(r.reason.message, /^rejected execution of work on \[test-pool\]: queue capacity \[3\] reached \(\[2\] running, \[3\] queued\)$/);
  }
  assert.equal(peak, 2);
  assert.equal(q.active, 0);
  assert.equal(q.queued, 0);
});

test('a failing task frees its slot', async () => {
  const q = new WorkQueue('test-pool', 1, 1);
  await assert.rejects(q.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await q.run(async () => 7), 7);
  assert.equal(q.active, 0);
});
