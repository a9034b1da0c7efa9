/** `_bulk` of the embedded index: ndjson parsing, every action, per-item errors, response shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_BULK_ITEMS, parseBulk } from './bulk.js';
import { tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

const nd = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

describe('embedded index: _bulk', () => {
  let t: TempIndex;
  before(() => (t = tempIndex()));
  after(() => t.cleanup());

  it('runs index, create, update and delete and answers like Elasticsearch', () => {
    const res = t.ci.bulk(nd(
      { index: { _index: 'b', _id: '1' } }, { title: 'one', n: 1 },
      { create: { _index: 'b', _id: '2' } }, { title: 'two', n: 2 },
      { index: { _index: 'b' } }, { title: 'auto id' },
      { update: { _index: 'b', _id: '1' } }, { doc: { n: 10 } },
      { update: { _index: 'b', _id: '3' } }, { doc: { title: 'three' }, doc_as_upsert: true },
      { delete: { _index: 'b', _id: '2' } },
      { delete: { _index: 'b', _id: 'nope' } },
    ));
    assert.equal(typeof res.took, 'number');
    assert.equal(res.errors, false);
    const items = res.items as Record<string, any>[];
    assert.deepEqual(items.map((i) => Object.keys(i)[0]), ['index', 'create', 'index', 'update', 'update', 'delete', 'delete']);
    assert.deepEqual(items[0].index, {
      _index: 'b', _id: '1', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1, status: 201,
    });
    assert.equal(items[2].index.status, 201);
    assert.match(items[2].index._id, /^[A-Za-z0-9_-]{20}$/);
    assert.deepEqual([items[3].update.result, items[3].update.status, items[3].update._version], ['updated', 200, 2]);
    assert.deepEqual([items[4].update.result, items[4].update.status], ['created', 201]);
    assert.deepEqual([items[5].delete.result, items[5].delete.status], ['deleted', 200]);
    assert.deepEqual([items[6].delete.result, items[6].delete.status], ['not_found', 404]);
    assert.equal(t.ci.count('b').count, 3);
    assert.deepEqual(t.ci.getDocument('b', '1').body._source, { title: 'one', n: 10 });
  });

  it('reports per-item errors and keeps going', () => {
    const res = t.ci.bulk(nd(
      { create: { _index: 'b', _id: '1' } }, { title: 'dup' },
      { update: { _index: 'b', _id: 'missing' } }, { doc: { a: 1 } },
      { index: { _index: 'b', _id: 'bad' } }, { n: 'not a number' },
      { index: { _index: 'Bad-Name', _id: 'x' } }, { a: 1 },
      { delete: { _index: 'no-such-index', _id: 'x' } },
      { index: { _index: 'b', _id: 'good' } }, { title: 'fine' },
    ) + '{"index":{"_index":"b","_id":"broken"}}\n{not json}\n');
    assert.equal(res.errors, true);
    const items = res.items as Record<string, any>[];
    const errs = items.map((i) => Object.values(i)[0]).map((r) => [r.status, r.error?.type]);
    assert.deepEqual(errs, [
      [409, 'version_conflict_engine_exception'],
      [404, 'document_missing_exception'],
      [400, 'document_parsing_exception'],
      [400, 'invalid_index_name_exception'],
      [404, 'index_not_found_exception'],
      [201, undefined],
      [400, 'document_parsing_exception'],
    ]);
    assert.equal(items[0].create.error.reason, '[1]: version conflict, document already exists (current version [2])');
    assert.equal(items[0].create._id, '1');
    assert.equal(items[0].create.error.index, 'b');
    assert.equal(t.ci.getDocument('b', 'good').status, 200);
    assert.equal(t.ci.exists('bad-name'), false);
  });

  it('uses the path index as the default and accepts parsed items', () => {
    const res = t.ci.bulk(nd({ index: { _id: 'p1' } }, { a: 1 }, { index: { _index: 'other', _id: 'p2' } }, { a: 2 }), 'dflt');
    assert.equal(res.errors, false);
    assert.equal(t.ci.count('dflt').count, 1);
    assert.equal(t.ci.count('other').count, 1);
    const r2 = t.ci.bulk([{ action: 'index', index: 'dflt', id: 'p3', source: { a: 3 } }]);
    assert.equal(r2.errors, false);
    assert.equal(t.ci.count('dflt').count, 2);
  });

  it('if_seq_no in bulk metadata', () => {
    const seq = t.ci.getDocument('b', 'good').body._seq_no as number;
    const res = t.ci.bulk(nd(
      { index: { _index: 'b', _id: 'good', if_seq_no: seq + 100, if_primary_term: 1 } }, { title: 'x' },
      { index: { _index: 'b', _id: 'good', if_seq_no: seq, if_primary_term: 1 } }, { title: 'y' },
    ));
    const items = res.items as Record<string, any>[];
    assert.equal(items[0].index.status, 409);
    assert.equal(items[1].index.status, 200);
  });

  it('fails the whole request for malformed action lines', () => {
    throws4xx(() => parseBulk('{"index":{}}\n{"a":1}\n'), 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
    throws4xx(() => parseBulk('not json\n'), 'illegal_argument_exception', /Malformed action\/metadata line \[1\]/);
    throws4xx(() => parseBulk('{"explode":{"_index":"x"}}\n'), 'illegal_argument_exception', /expected field \[create\], \[delete\], \[index\] or \[update\] but found \[explode\]/);
    throws4xx(() => parseBulk('{"index":{"_index":"x","bogus":1}}\n{}\n'), 'illegal_argument_exception', /contains an unknown parameter \[bogus\]/);
    throws4xx(() => parseBulk('{"index":{"_index":"x"}}\n'), 'illegal_argument_exception');
    throws4xx(() => parseBulk('{"delete":{"_index":"x"}}\n'), 'action_request_validation_exception');
    throws4xx(() => parseBulk('\n\n'), 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
    throws4xx(() => parseBulk('[1]\n'), 'illegal_argument_exception');
    throws4xx(() => t.ci.bulk('{"index":{}}\n{}\n'), 'action_request_validation_exception');
  });

  it('tolerates CRLF, blank lines and a missing final newline', () => {
    const res = t.ci.bulk('{"index":{"_index":"crlf","_id":"1"}}\r\n{"a":1}\r\n\r\n{"delete":{"_index":"crlf","_id":"1"}}');
    assert.equal(res.errors, false);
    assert.equal(res.items.length, 2);
  });

  it('indexes a few thousand documents in one request', () => {
    let body = '';
    for (let i = 0; i < 3000; i++) body += `{"index":{"_id":"${i}"}}\n${JSON.stringify({ title: `doc ${i}`, n: i, even: i % 2 === 0 })}\n`;
    const res = t.ci.bulk(body, 'many');
    assert.equal(res.errors, false);
    assert.equal(res.items.length, 3000);
    assert.equal(t.ci.count('many').count, 3000);
    assert.equal(t.ci.count('many', { query: { term: { even: true } } }).count, 1500);
    assert.equal(t.ci.count('many', { query: { match: { title: '2999' } } }).count, 1);
  });

  const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, i]));
  const fieldCount = (index: string) => Object.keys((t.ci.getMapping(index)[index].mappings as any).properties ?? {}).length;
  const deepText = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const deep = (depth: number) => JSON.parse(deepText(depth)) as Record<string, unknown>;

  it('a rejected item leaves no trace: no mapped field, no _seq_no, no index (issue 11 item 13)', () => {
    ok(t.ci.bulk(nd({ index: { _index: 'poison', _id: 'a' } }, { keep: 1 })));
    const seq = t.ci.getDocument('poison', 'a').body._seq_no as number;
    const res = t.ci.bulk(nd(
      { index: { _index: 'poison', _id: 'early' } }, { early: 'kept' },
      { index: { _index: 'poison', _id: 'wide' } }, wide(1500),
      { update: { _index: 'poison', _id: 'a' } }, { doc: { keep: 'not a number', also: 1 } },
      { index: { _index: 'fresh-index', _id: 'x' } }, wide(1500),
      { index: { _index: 'poison', _id: 'late' } }, { late: 1 },
    ));
    const items = res.items.map((i) => Object.values(i)[0] as Record<string, any>);
    assert.deepEqual(items.map((i) => i.status), [201, 400, 400, 400, 201]);
    assert.match(items[1].error.reason, /^Limit of total fields \[1000\] has been exceeded/);
    assert.equal(items[2].error.type, 'document_parsing_exception');
    // the failed items took no sequence number: the two good ones follow each other
    assert.deepEqual([items[0]._seq_no, items[4]._seq_no], [seq + 1, seq + 2]);
    assert.equal(t.ci.exists('fresh-index'), false);
    for (const ci of [t.ci, null]) {
      if (ci === null) t.reopen();
      assert.deepEqual(Object.keys((t.ci.getMapping('poison').poison.mappings as any).properties).sort(), ['early', 'keep', 'late']);
      assert.equal(t.ci.exists('fresh-index'), false);
      assert.equal(t.ci.count('poison').count, 3);
    }
    // the index is not poisoned: 990 more fields still fit
    assert.equal(t.ci.bulk(nd({ index: { _index: 'poison', _id: 'w' } }, wide(990))).errors, false);
    assert.equal(fieldCount('poison'), 993);
  });

  it('a rejected single-document write leaves no trace either', () => {
    const seq = t.ci.indexDocument('single', '1', { a: 1 }).body._seq_no as number;
    throws4xx(() => t.ci.indexDocument('single', '2', wide(1500)), 'illegal_argument_exception', /Limit of total fields/);
    throws4xx(() => t.ci.indexDocument('single', '2', { a: 'x', b: 1 }, { opType: 'create' }), 'document_parsing_exception');
    throws4xx(() => t.ci.updateDocument('single', '1', { doc: wide(1500) }), 'illegal_argument_exception');
    throws4xx(() => t.ci.updateDocument('single-new', '1', { doc: wide(1500), doc_as_upsert: true }), 'illegal_argument_exception');
    assert.equal(t.ci.exists('single-new'), false);
    assert.equal(fieldCount('single'), 1);
    assert.equal(t.ci.indexDocument('single', '3', { c: 1 }).body._seq_no, seq + 1);
  });

  it('a source line nested deeper than a request body fails alone (issue 11 item 18)', () => {
    const res = t.ci.bulk(
      '{"index":{"_index":"deep","_id":"1"}}\n' + deepText(20_000) + '\n' +
      '{"index":{"_index":"deep","_id":"2"}}\n' + JSON.stringify(deep(400)) + '\n' +
      '{"update":{"_index":"deep","_id":"2"}}\n' + JSON.stringify({ doc: deep(600) }) + '\n',
    );
    const items = res.items.map((i) => Object.values(i)[0] as Record<string, any>);
    assert.deepEqual(items.map((i) => [i.status, i.error?.type]), [[400, 'document_parsing_exception'], [201, undefined], [400, 'document_parsing_exception']]);
    assert.match(items[0].error.reason, /Document nesting depth \(501\) exceeds the maximum allowed \(500\)/);
    // parsed items (the worker's embedded sink) are held to the same limit
    const parsed = t.ci.bulk([{ action: 'index', index: 'deep', id: '3', source: deep(20_000) }]);
    assert.equal((Object.values(parsed.items[0])[0] as any).status, 400);
  });

  it('bounds the action lines: depth, simple values, item count', () => {
    throws4xx(() => parseBulk(`{"update":{"_index":"x","_id":"1","_source":${JSON.stringify(deep(600))}}}\n{"doc":{}}\n`), 'x_content_parse_exception', /nesting depth/);
    const deepArray = '['.repeat(20_000) + ']'.repeat(20_000);
    throws4xx(() => parseBulk(`{"delete":{"_index":"x","_id":${deepArray}}}\n`), 'x_content_parse_exception');
    throws4xx(() => parseBulk('{"delete":{"_index":"x","_id":[1]}}\n'), 'illegal_argument_exception', 'Malformed action/metadata line [1], expected a simple value for field [_id] but found [START_ARRAY]');
    throws4xx(() => parseBulk('{"index":{"_index":{"a":1}}}\n{}\n'), 'illegal_argument_exception', /expected a simple value for field \[_index\] but found \[START_OBJECT\]/);
    assert.equal(parseBulk('{"update":{"_index":"x","_id":"1","_source":["a"]}}\n{"doc":{}}\n').length, 1);
    throws4xx(() => parseBulk('{"delete":{"_id":"1"}}\n'.repeat(4), 'x', 3), 'action_request_validation_exception', /too many requests in one bulk request: the limit is \[3\]/);
    assert.equal(parseBulk('{"delete":{"_id":"1"}}\n'.repeat(MAX_BULK_ITEMS), 'x').length, MAX_BULK_ITEMS);
    throws4xx(() => parseBulk('{"delete":{"_id":"1"}}\n'.repeat(MAX_BULK_ITEMS + 1), 'x'), 'action_request_validation_exception');
  });
});

function ok<T extends { errors: boolean }>(r: T): T {
  assert.equal(r.errors, false, JSON.stringify(r));
  return r;
}
