import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planChunks, planOp } from './batch.js';
import type { BulkOperation } from '../sink.js';

const doc = (id: string, extra: Record<string, unknown> = {}, pipeline?: string): BulkOperation => ({
  op: 'index', index: 'i', id, doc: { id, title: `t${id}`, ...extra }, ...(pipeline ? { pipeline } : {}),
});
const del = (id: string): BulkOperation => ({ op: 'delete', index: 'i', id });

test('an operation is serialized once: action line (no pipeline in the metadata) and source line', () => {
  const p = planOp({ op: 'index', index: 'idx', id: 'a', doc: { x: 1 }, pipeline: 'p' });
  assert.deepEqual(p.lines, ['{"index":{"_index":"idx","_id":"a"}}', '{"x":1}']);
  assert.equal(p.bytes, p.lines.join('\n').length + 1);
  assert.deepEqual(planOp(del('b')).lines, ['{"delete":{"_index":"i","_id":"b"}}']);
});

test('chunks are bounded in count', () => {
  const chunks = planChunks(Array.from({ length: 25 }, (_, i) => doc(String(i))), { maxDocs: 10, maxBytes: 1e9 });
  assert.deepEqual(chunks.map((c) => c.ops.length), [10, 10, 5]);
  assert.ok(chunks.every((c) => !c.barrier));
});

test('chunks are bounded in bytes; a document larger than the bound goes alone', () => {
  const big = doc('big', { body: 'x'.repeat(5000) });
  const ops = [doc('1'), doc('2'), big, doc('3')];
  const one = planOp(doc('1')).bytes;
  const chunks = planChunks(ops, { maxDocs: 100, maxBytes: one * 2 + 10 });
  assert.deepEqual(chunks.map((c) => c.ops.map((o) => o.op.id)), [['1', '2'], ['big'], ['3']]);
  for (const c of chunks) assert.equal(c.bytes, c.ops.reduce((n, o) => n + o.bytes, 0));
  assert.ok(chunks.filter((c) => c.ops.length > 1).every((c) => c.bytes <= one * 2 + 10));
});

test('one pipeline per request: a change of pipeline starts a new chunk; deletes join any', () => {
  const chunks = planChunks([doc('1', {}, 'a'), del('x'), doc('2', {}, 'a'), doc('3', {}, 'b'), doc('4')], { maxDocs: 100, maxBytes: 1e9 });
  assert.deepEqual(chunks.map((c) => [c.pipeline, c.ops.map((o) => o.op.id)]), [['a', ['1', 'x', '2']], ['b', ['3']], [undefined, ['4']]]);
  const onlyDeletes = planChunks([del('1'), del('2')], { maxDocs: 100, maxBytes: 1e9 });
  assert.equal(onlyDeletes[0].pipeline, undefined);
});

test('an id repeated in a later chunk makes that chunk a barrier (order per document is kept)', () => {
  const chunks = planChunks([doc('1'), doc('2'), doc('3'), del('1'), doc('5'), doc('6'), doc('7')], { maxDocs: 2, maxBytes: 1e9 });
  assert.deepEqual(chunks.map((c) => [c.ops.map((o) => o.op.id).join(','), c.barrier]), [
    ['1,2', false], ['3,1', true], ['5,6', false], ['7', false],
  ]);
  // the same id within one request needs no barrier: a request applies its items in order
  assert.ok(planChunks([doc('1'), del('1')], { maxDocs: 10, maxBytes: 1e9 }).every((c) => !c.barrier));
});
