/** The pure compare-and-write rules (seq-no.ts): Elasticsearch's validation and conflict texts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../errors.js';
import { checkSeqNo, parseIfSeqNo } from './seq-no.js';

function throws(fn: () => unknown, type: string, reason: string): ApiError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ApiError, `expected ${type}, got ${String(caught)}`);
  assert.deepEqual([caught.type, caught.reason], [type, reason]);
  return caught;
}

test('parseIfSeqNo: neither, both, and each invalid combination as Elasticsearch answers it', () => {
  assert.equal(parseIfSeqNo({}), undefined);
  assert.equal(parseIfSeqNo({ ifSeqNo: -2 }), undefined, '-2 is UNASSIGNED_SEQ_NO');
  assert.equal(parseIfSeqNo({ retryOnConflict: 3, docAsUpsert: true }), undefined);
  assert.deepEqual(parseIfSeqNo({ ifSeqNo: 0, ifPrimaryTerm: 1 }), { ifSeqNo: 0, ifPrimaryTerm: 1 });
  const v = 'action_request_validation_exception';
  throws(() => parseIfSeqNo({ ifSeqNo: 3 }), v, 'Validation Failed: 1: ifSeqNo is set, but primary term is [0];');
  throws(() => parseIfSeqNo({ ifPrimaryTerm: 2 }), v, 'Validation Failed: 1: ifSeqNo is unassigned, but primary term is [2];');
  throws(
    () => parseIfSeqNo({ ifSeqNo: 3, retryOnConflict: 1, docAsUpsert: true }),
    v,
    'Validation Failed: 1: ifSeqNo is set, but primary term is [0];2: compare and write operations can not be retried;3: compare and write operations can not be used with upsert;',
  );
  throws(() => parseIfSeqNo({ ifSeqNo: -1, ifPrimaryTerm: 1 }), 'illegal_argument_exception', 'sequence numbers must be non negative. got [-1].');
  throws(() => parseIfSeqNo({ ifSeqNo: 1, ifPrimaryTerm: -1 }), 'illegal_argument_exception', 'primary term must be non negative. got [-1]');
});

test('checkSeqNo: passes only when both numbers match; the 409 names the index', () => {
  const current = { seqNo: 7, primaryTerm: 1, version: 3 };
  checkSeqNo('j', current, undefined, 'idx');
  checkSeqNo('j', current, { ifSeqNo: 7, ifPrimaryTerm: 1 }, 'idx');
  const e = throws(
    () => checkSeqNo('j', current, { ifSeqNo: 6, ifPrimaryTerm: 1 }, 'idx'),
    'version_conflict_engine_exception',
    '[j]: version conflict, required seqNo [6], primary term [1]. current document has seqNo [7] and primary term [1]',
  );
  assert.equal(e.status, 409);
  assert.deepEqual(e.extra, { index_uuid: '_na_', shard: '0', index: 'idx' });
  throws(() => checkSeqNo('j', current, { ifSeqNo: 7, ifPrimaryTerm: 2 }, 'idx'), 'version_conflict_engine_exception',
    '[j]: version conflict, required seqNo [7], primary term [2]. current document has seqNo [7] and primary term [1]');
});
