import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher } from './batcher.js';

const tick = () => new Promise((r) => setImmediate(r));

test('calls of one turn go out as one batch; calls made while batches run form the next ones, bounded', async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const b = new Batcher<number, number>(
    {
      runOne: async (n) => (batches.push([n]), n * 10),
      runAll: async (ns) => {
        batches.push(ns);
        await gate;
        return ns.map((n) => n * 10);
      },
    },
    3,
    1,
  );
  const first = [1, 2].map((n) => b.push(n));
  await tick();
  // The first batch is running (one in flight at most): these wait and go out together, 3 at a time.
  const later = [3, 4, 5, 6, 7].map((n) => b.push(n));
  await tick();
  assert.deepEqual(batches, [[1, 2]]);
  release();
  assert.deepEqual(await Promise.all(first), [10, 20]);
  gate = Promise.resolve();
  assert.deepEqual(await Promise.all(later), [30, 40, 50, 60, 70]);
  assert.deepEqual(batches, [[1, 2], [3, 4, 5], [6, 7]]);
});

test('a batch failing for one item is run again item by item; any other failure fails the whole batch', async () => {
  const clash = Object.assign(new Error('clash'), { code: 'row' });
  const b = new Batcher<string, string>({
    runOne: async (s) => {
      if (s === 'bad') throw new Error(`bad alone`);
      return s.toUpperCase();
    },
    runAll: async (items) => {
      if (items.includes('bad')) throw clash;
      if (items.includes('down')) throw new Error('unavailable');
      return items.map((s) => s.toUpperCase());
    },
    retryEach: (e) => e === clash,
  });
  const r = await Promise.allSettled(['a', 'bad', 'c'].map((s) => b.push(s)));
  assert.deepEqual(r.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message)), ['A', 'bad alone', 'C']);
  const d = await Promise.allSettled(['x', 'down'].map((s) => b.push(s)));
  assert.deepEqual(d.map((x) => (x.status === 'rejected' ? (x.reason as Error).message : x.value)), ['unavailable', 'unavailable']);
});
