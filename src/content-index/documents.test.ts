/** Single-document APIs of the embedded index: get, index, create, update, delete, versions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

const SHARDS = { total: 1, successful: 1, failed: 0 };

describe('embedded index: documents', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    t.ci.createIndex('docs');
  });
  after(() => t.cleanup());

  it('indexes, gets and re-indexes with versions and seq numbers', () => {
    const created = t.ci.indexDocument('docs', 'a', { title: 'one' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, { _index: 'docs', _id: 'a', _version: 1, result: 'created', _shards: SHARDS, _seq_no: 0, _primary_term: 1 });
    const updated = t.ci.indexDocument('docs', 'a', { title: 'two' });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body, { _index: 'docs', _id: 'a', _version: 2, result: 'updated', _shards: SHARDS, _seq_no: 1, _primary_term: 1 });
    const got = t.ci.getDocument('docs', 'a');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, { _index: 'docs', _id: 'a', _version: 2, _seq_no: 1, _primary_term: 1, found: true, _source: { title: 'two' } });
    assert.deepEqual(t.ci.getDocument('docs', 'zzz'), { status: 404, body: { _index: 'docs', _id: 'zzz', found: false } });
  });

  it('get honours _source filtering', () => {
    t.ci.indexDocument('docs', 'src', { a: 1, b: { c: 2, d: 3 } });
    assert.equal(t.ci.getDocument('docs', 'src', { _source: false }).body._source, undefined);
    assert.deepEqual(t.ci.getDocument('docs', 'src', { _source_includes: 'b.c' }).body._source, { b: { c: 2 } });
    assert.deepEqual(t.ci.getDocument('docs', 'src', { _source_excludes: 'b' }).body._source, { a: 1 });
  });

  it('auto-generates ids for POST /<index>/_doc', () => {
    const r = t.ci.indexDocument('docs', undefined, { title: 'auto' });
    assert.equal(r.status, 201);
    assert.match(String(r.body._id), /^[A-Za-z0-9_-]{20}$/);
    assert.equal(t.ci.getDocument('docs', String(r.body._id)).body.found, true);
  });

  it('create refuses an existing id with a version conflict', () => {
    assert.equal(t.ci.indexDocument('docs', 'c1', { x: 1 }, { opType: 'create' }).status, 201);
    const e = throws4xx(() => t.ci.indexDocument('docs', 'c1', { x: 2 }, { opType: 'create' }), 'version_conflict_engine_exception',
      '[c1]: version conflict, document already exists (current version [1])');
    assert.equal(e.status, 409);
    assert.equal(e.extra?.index, 'docs');
    assert.deepEqual(t.ci.getDocument('docs', 'c1').body._source, { x: 1 });
  });

  it('if_seq_no / if_primary_term: optimistic concurrency', () => {
    const first = t.ci.indexDocument('docs', 'occ', { v: 1 }).body;
    const ok = t.ci.indexDocument('docs', 'occ', { v: 2 }, { ifSeqNo: first._seq_no as number, ifPrimaryTerm: 1 });
    assert.equal(ok.body.result, 'updated');
    throws4xx(() => t.ci.indexDocument('docs', 'occ', { v: 3 }, { ifSeqNo: first._seq_no as number, ifPrimaryTerm: 1 }), 'version_conflict_engine_exception', /required seqNo \[\d+\], primary term \[1\]\. current document has seqNo/);
    throws4xx(() => t.ci.deleteDocument('docs', 'occ', { ifSeqNo: 0, ifPrimaryTerm: 2 }), 'version_conflict_engine_exception');
    throws4xx(() => t.ci.indexDocument('docs', 'occ-missing', { v: 1 }, { ifSeqNo: 1, ifPrimaryTerm: 1 }), 'version_conflict_engine_exception', /but no document was found/);
    assert.deepEqual(t.ci.getDocument('docs', 'occ').body._source, { v: 2 });
  });

  it('deletes, and reports not_found (404) for a missing document', () => {
    t.ci.indexDocument('docs', 'del', { x: 1 });
    const r = t.ci.deleteDocument('docs', 'del');
    assert.equal(r.status, 200);
    assert.equal(r.body.result, 'deleted');
    assert.equal(r.body._version, 2);
    const again = t.ci.deleteDocument('docs', 'del');
    assert.equal(again.status, 404);
    assert.equal(again.body.result, 'not_found');
    assert.equal(t.ci.getDocument('docs', 'del').status, 404);
    assert.equal(t.ci.count('docs', { query: { ids: { values: ['del'] } } }).count, 0);
    throws4xx(() => t.ci.deleteDocument('nope', 'x'), 'index_not_found_exception');
  });

  it('update merges a partial doc, detects noops, upserts', () => {
    t.ci.indexDocument('docs', 'u', { a: 1, nested: { x: 1, y: 2 }, list: [1, 2] });
    const r = t.ci.updateDocument('docs', 'u', { doc: { added: 2, nested: { y: 3 }, list: [9] } });
    assert.equal(r.status, 200);
    assert.equal(r.body.result, 'updated');
    assert.equal(r.body._version, 2);
    assert.deepEqual(t.ci.getDocument('docs', 'u').body._source, { a: 1, nested: { x: 1, y: 3 }, list: [9], added: 2 });
    const noop = t.ci.updateDocument('docs', 'u', { doc: { a: 1 } });
    assert.equal(noop.body.result, 'noop');
    assert.deepEqual(noop.body._shards, { total: 0, successful: 0, failed: 0 });
    assert.equal(noop.body._version, 2);
    assert.equal(t.ci.updateDocument('docs', 'u', { doc: { a: 1 }, detect_noop: false }).body.result, 'updated');

    const missing = throws4xx(() => t.ci.updateDocument('docs', 'u-missing', { doc: { a: 1 } }), 'document_missing_exception', '[u-missing]: document missing');
    assert.equal(missing.status, 404);
    const up = t.ci.updateDocument('docs', 'u-up', { doc: { a: 1 }, doc_as_upsert: true });
    assert.equal(up.status, 201);
    assert.equal(up.body.result, 'created');
    const up2 = t.ci.updateDocument('docs', 'u-up2', { doc: { a: 1 }, upsert: { a: 0, fresh: true } });
    assert.deepEqual(t.ci.getDocument('docs', 'u-up2').body._source, { a: 0, fresh: true });
    assert.equal(up2.body.result, 'created');
    // upsert on a missing index creates it
    t.ci.updateDocument('fresh-idx', '1', { doc: { a: 1 }, doc_as_upsert: true });
    assert.equal(t.ci.exists('fresh-idx'), true);
    throws4xx(() => t.ci.updateDocument('no-idx', '1', { doc: { a: 1 } }), 'document_missing_exception');
  });

  it('update input errors are 4xx', () => {
    throws4xx(() => t.ci.updateDocument('docs', 'u', {}), 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
    throws4xx(() => t.ci.updateDocument('docs', 'u', { script: 'ctx._source.a++' }), 'illegal_argument_exception');
    throws4xx(() => t.ci.updateDocument('docs', 'u', { doc: 'x' }), 'x_content_parse_exception');
    throws4xx(() => t.ci.updateDocument('docs', 'u', { doc: {}, bogus: 1 }), 'x_content_parse_exception');
    throws4xx(() => t.ci.updateDocument('docs', 'u', undefined), 'parse_exception');
  });

  it('updated text is searchable and the old text is not', () => {
    t.ci.indexDocument('docs', 'txt', { body: 'alpha beta' });
    assert.equal(t.ci.count('docs', { query: { match: { body: 'alpha' } } }).count, 1);
    t.ci.updateDocument('docs', 'txt', { doc: { body: 'gamma' } });
    assert.equal(t.ci.count('docs', { query: { match: { body: 'alpha' } } }).count, 0);
    assert.equal(t.ci.count('docs', { query: { match: { body: 'gamma' } } }).count, 1);
    // unchanged text, changed other field: still searchable once
    t.ci.indexDocument('docs', 'txt', { body: 'gamma', n: 2 });
    assert.equal(t.ci.count('docs', { query: { match: { body: 'gamma' } } }).count, 1);
    t.ci.deleteDocument('docs', 'txt');
    assert.equal(t.ci.count('docs', { query: { match: { body: 'gamma' } } }).count, 0);
  });

  it('rejects documents that do not fit the mapping, leaving the mapping untouched', () => {
    t.ci.createIndex('typed');
    t.ci.indexDocument('typed', '1', { n: 1, when: '2024-01-01', ok: true, obj: { a: 1 }, s: 'x' });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ n: 'abc' }, /failed to parse field \[n\] of type \[long\] in document with id '2'\. Preview of field's value: 'abc'/],
      [{ when: 'yesterday' }, /failed to parse field \[when\] of type \[date\]/],
      [{ ok: 'maybe' }, /failed to parse field \[ok\] of type \[boolean\]/],
      [{ obj: 'scalar' }, /object mapping for \[obj\] tried to parse field \[obj\] as object, but found a concrete value/],
      [{ s: { nested: 1 } }, /Existing mapping for \[s\] must be of type object but found \[text\]/],
      [{ _id: 'x' }, /Field \[_id\] is a metadata field and cannot be added inside a document/],
      [{ new_field: 1, n: 'bad' }, /failed to parse field \[n\]/],
    ];
    for (const [doc, reason] of cases) throws4xx(() => t.ci.indexDocument('typed', '2', doc), 'document_parsing_exception', reason);
    assert.equal((t.ci.getMapping('typed').typed.mappings as any).properties.new_field, undefined);
    assert.equal(t.ci.getDocument('typed', '2').status, 404);
    // coercion as in Elasticsearch: numeric strings into numbers
    assert.equal(t.ci.indexDocument('typed', '3', { n: '42', ok: 'false' }).status, 201);
    assert.equal(t.ci.count('typed', { query: { term: { n: 42 } } }).count, 1);
  });

  it('rejects bad ids and non-object sources', () => {
    throws4xx(() => t.ci.indexDocument('docs', '', { a: 1 }), 'action_request_validation_exception');
    throws4xx(() => t.ci.indexDocument('docs', 'x'.repeat(513), { a: 1 }), 'action_request_validation_exception', /is too long, must be no longer than 512 bytes/);
    throws4xx(() => t.ci.indexDocument('docs', 'x', [1, 2]), 'parse_exception');
    throws4xx(() => t.ci.indexDocument('docs', 'x', 'str'), 'parse_exception');
  });

  it('stores unicode, odd keys and large values exactly', () => {
    const src = { 'ключ': 'значение 😀', 'a.b': 1, a: { c: 2 }, big: 'x'.repeat(100_000), n: -0.000123, arr: [[1, 2], [3]] };
    t.ci.indexDocument('odd', 'ÿ/🙂 id', src);
    assert.deepEqual(t.ci.getDocument('odd', 'ÿ/🙂 id').body._source, src);
    assert.equal(t.ci.count('odd', { query: { term: { 'a.b': 1 } } }).count, 1);
    assert.equal(t.ci.count('odd', { query: { term: { 'a.c': 2 } } }).count, 1);
    assert.equal(t.ci.count('odd', { query: { match: { 'ключ': 'значение' } } }).count, 1);
    assert.equal(t.ci.count('odd', { query: { term: { arr: 3 } } }).count, 1);
  });
});
