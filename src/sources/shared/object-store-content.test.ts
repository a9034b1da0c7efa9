import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Budget } from '../../extraction/budget.js';
import { testContext } from '../source.case.js';
import { wantsContent, withObjectText } from './object-store-content.js';

const limits = { maxFileSize: 4096, timeoutMs: 10_000 };

async function read(key: string, bytes: Buffer, ctx = testContext()) {
  let downloads = 0;
  const doc = await withObjectText({ _id: key }, {
    where: `Object [${key}]`,
    key,
    size: bytes.length,
    download: async (max) => {
      downloads++;
      return bytes.length > max ? 'too-big' : bytes;
    },
    perObject: () => null,
  }, new Budget(1 << 20), limits, ctx);
  return { doc, downloads, failures: ctx.failures };
}

test('objects without an extension are read when their bytes are text; others are skipped quietly', async () => {
  const ctx = testContext();
  assert.equal(wantsContent('docs/README', ctx), true);
  assert.equal(wantsContent('img/photo.jpg', ctx), false, 'a known non-text extension is not downloaded');
  assert.equal(wantsContent('notes/a.md', ctx), true);

  const text = await read('docs/README', Buffer.from('Read me first'));
  assert.equal(text.doc.body, 'Read me first');
  const elf = await read('bin/tool', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 3, 0]));
  assert.equal(elf.doc.body, undefined);
  assert.deepEqual(elf.failures, []);
  const big = await read('logs/huge', Buffer.from('z'.repeat(5000)));
  assert.equal(big.doc.body, undefined);
  assert.equal(big.downloads, 0, 'over max_file_size: not downloaded');
  assert.deepEqual(big.failures, [], 'and not reported: it was only a guess');
});

test('an object with a text extension over the limit is still reported', async () => {
  const r = await read('logs/huge.txt', Buffer.from('z'.repeat(5000)));
  assert.equal(r.failures.length, 1);
  assert.match(r.failures[0][1], /over \[max_file_size\] 4096/);
});
