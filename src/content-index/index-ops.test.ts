/** Index-level operations of the embedded index: create, exists, delete, get, mappings, names. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

describe('embedded index: indices', () => {
  let t: TempIndex;
  before(() => (t = tempIndex()));
  after(() => t.cleanup());

  it('creates, reports existence, and refuses a second create', () => {
    assert.deepEqual(t.ci.createIndex('books'), { acknowledged: true, shards_acknowledged: true, index: 'books' });
    assert.equal(t.ci.exists('books'), true);
    assert.equal(t.ci.exists('nope'), false);
    const e = throws4xx(() => t.ci.createIndex('books'), 'resource_already_exists_exception', /^index \[books\/.+\] already exists$/);
    assert.equal(e.status, 400);
    assert.equal(e.extra?.index, 'books');
  });

  it('deletes an index and 404s a missing one', () => {
    t.ci.createIndex('gone');
    t.ci.indexDocument('gone', '1', { a: 'x' });
    assert.deepEqual(t.ci.deleteIndex('gone'), { acknowledged: true });
    assert.equal(t.ci.exists('gone'), false);
    const e = throws4xx(() => t.ci.deleteIndex('gone'), 'index_not_found_exception', 'no such index [gone]');
    assert.equal(e.status, 404);
    assert.equal(e.extra?.['resource.id'], 'gone');
    // the name can be used again, empty
    t.ci.createIndex('gone');
    assert.equal(t.ci.count('gone').count, 0);
  });

  it('validates index names like Elasticsearch', () => {
    const bad: [string, RegExp][] = [
      ['Upper', /must be lowercase/],
      ['_under', /must not start with '_', '-', or '\+'/],
      ['-dash', /must not start/],
      ['+plus', /must not start/],
      ['a*b', /must not contain the following characters/],
      ['a b', /must not contain the following characters/],
      ['a,b', /must not contain the following characters/],
      ['a#b', /must not contain '#'/],
      ['a:b', /must not contain ':'/],
      ['.', /must not be '\.' or '\.\.'/],
      ['..', /must not be/],
      ['', /must not be empty/],
      ['x'.repeat(256), /too long/],
    ];
    for (const [name, reason] of bad) {
      const e = throws4xx(() => t.ci.createIndex(name), 'invalid_index_name_exception', reason);
      assert.equal(e.status, 400);
    }
    t.ci.createIndex('.hidden-ok');
    t.ci.createIndex('content-ünïcode');
    assert.ok(t.ci.exists('.hidden-ok'));
  });

  it('auto-creates an index on first document write, not on read', () => {
    throws4xx(() => t.ci.search('auto'), 'index_not_found_exception');
    throws4xx(() => t.ci.getDocument('auto', '1'), 'index_not_found_exception');
    t.ci.indexDocument('auto', '1', { title: 'hello' });
    assert.equal(t.ci.exists('auto'), true);
    throws4xx(() => t.ci.indexDocument('Auto', '1', { a: 1 }), 'invalid_index_name_exception');
  });

  it('infers a dynamic mapping from the documents', () => {
    t.ci.createIndex('dyn');
    t.ci.indexDocument('dyn', '1', {
      title: 'x', n: 3, f: 1.5, ok: true, when: '2024-05-01T10:00:00Z', day: '2024-05-01', num_text: '42',
      meta: { author: 'a', depth: { level: 2 } }, tags: ['a', 'b'], empty: [], nothing: null,
    });
    const m = t.ci.getMapping('dyn').dyn.mappings as { properties: Record<string, any> };
    const kw = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    assert.deepEqual(m.properties.title, kw);
    assert.deepEqual(m.properties.num_text, kw);
    assert.deepEqual(m.properties.tags, kw);
    assert.deepEqual(m.properties.n, { type: 'long' });
    assert.deepEqual(m.properties.f, { type: 'float' });
    assert.deepEqual(m.properties.ok, { type: 'boolean' });
    assert.deepEqual(m.properties.when, { type: 'date' });
    assert.deepEqual(m.properties.day, { type: 'date' });
    assert.deepEqual(m.properties.meta, { properties: { author: kw, depth: { properties: { level: { type: 'long' } } } } });
    assert.equal(m.properties.empty, undefined);
    assert.equal(m.properties.nothing, undefined);
    assert.deepEqual(Object.keys(m.properties), [...Object.keys(m.properties)].sort());
  });

  it('keeps explicit mappings and settings, and adds dynamic fields beside them', () => {
    t.ci.createIndex('expl', {
      settings: { number_of_shards: 1, index: { number_of_replicas: 0 } },
      mappings: { dynamic: 'true', properties: { status: { type: 'keyword' }, body: { type: 'text', analyzer: 'english' }, price: { type: 'scaled_float', scaling_factor: 100 } } },
    });
    t.ci.indexDocument('expl', '1', { status: 'Open', body: 'running', extra: 'x' });
    const m = t.ci.getMapping('expl').expl.mappings as { dynamic: string; properties: Record<string, any> };
    assert.equal(m.dynamic, 'true');
    assert.deepEqual(m.properties.status, { type: 'keyword' });
    assert.deepEqual(m.properties.body, { type: 'text', analyzer: 'english' });
    assert.deepEqual(m.properties.price, { type: 'scaled_float', scaling_factor: 100 });
    assert.equal(m.properties.extra.type, 'text');
    const got = t.ci.getIndex('expl').expl as unknown as { aliases: object; settings: { index: Record<string, unknown> } };
    assert.deepEqual(got.aliases, {});
    assert.equal(got.settings.index.number_of_shards, '1');
    assert.equal(got.settings.index.number_of_replicas, '0');
    assert.equal(got.settings.index.provided_name, 'expl');
    assert.equal(typeof got.settings.index.uuid, 'string');
    // english analyser named → porter stemming: "runs" finds "running"
    assert.equal(t.ci.count('expl', { query: { match: { body: 'runs' } } }).count, 1);
    // keyword fields are exact
    assert.equal(t.ci.count('expl', { query: { match: { status: 'open' } } }).count, 0);
    assert.equal(t.ci.count('expl', { query: { match: { status: 'Open' } } }).count, 1);
  });

  it('rejects bad create bodies and mappings with 4xx', () => {
    throws4xx(() => t.ci.createIndex('b1', { nope: {} }), 'x_content_parse_exception');
    throws4xx(() => t.ci.createIndex('b2', { mappings: 'x' }), 'x_content_parse_exception');
    throws4xx(() => t.ci.createIndex('b3', { mappings: { properties: { a: { type: 'nonsense' } } } }), 'mapper_parsing_exception', /No handler for type \[nonsense\]/);
    throws4xx(() => t.ci.createIndex('b4', { mappings: { properties: { a: 'text' } } }), 'mapper_parsing_exception');
    assert.equal(t.ci.exists('b3'), false, 'a failed create leaves nothing behind');
  });

  it('put mapping adds fields and refuses type changes', () => {
    t.ci.createIndex('pm');
    t.ci.putMapping('pm', { properties: { a: { type: 'keyword' } } });
    t.ci.putMapping('pm', { properties: { a: { type: 'keyword' }, b: { type: 'long' } } });
    throws4xx(() => t.ci.putMapping('pm', { properties: { a: { type: 'long' } } }), 'illegal_argument_exception', /cannot be changed from type \[keyword\] to \[long\]/);
    const m = t.ci.getMapping('pm').pm.mappings as { properties: Record<string, any> };
    assert.deepEqual(m.properties, { a: { type: 'keyword' }, b: { type: 'long' } });
  });

  it('strict and false dynamic mappings', () => {
    t.ci.createIndex('strict', { mappings: { dynamic: 'strict', properties: { a: { type: 'keyword' } } } });
    t.ci.indexDocument('strict', '1', { a: 'x' });
    throws4xx(() => t.ci.indexDocument('strict', '2', { b: 'x' }), 'document_parsing_exception', /mapping set to strict, dynamic introduction of \[b\] within \[_doc\]/);
    t.ci.createIndex('loose', { mappings: { dynamic: false, properties: { a: { type: 'keyword' } } } });
    t.ci.indexDocument('loose', '1', { a: 'x', b: 'stored but not indexed' });
    assert.deepEqual(Object.keys((t.ci.getMapping('loose').loose.mappings as any).properties), ['a']);
    assert.equal((t.ci.getDocument('loose', '1').body._source as any).b, 'stored but not indexed');
    assert.equal(t.ci.count('loose', { query: { match: { b: 'stored' } } }).count, 0);
  });

  it('lists indices for _cat/indices and answers refresh', () => {
    const rows = t.ci.catIndices();
    const books = rows.find((r) => r.index === 'books');
    assert.ok(books);
    assert.equal(books['docs.count'], '0');
    assert.deepEqual(t.ci.refresh('books'), { _shards: { total: 1, successful: 1, failed: 0 } });
    throws4xx(() => t.ci.refresh('missing'), 'index_not_found_exception');
  });

  it('refuses wildcards and index lists (one index per request)', () => {
    throws4xx(() => t.ci.search('bo*'), 'illegal_argument_exception');
    throws4xx(() => t.ci.count('a,b'), 'illegal_argument_exception');
  });

  it('finds everything again after reopening the file', () => {
    t.ci.createIndex('persist', { mappings: { properties: { k: { type: 'keyword' } } } });
    t.ci.bulk([
      { action: 'index', index: 'persist', id: 'a', source: { k: 'x', title: 'quick brown fox' } },
      { action: 'index', index: 'persist', id: 'b', source: { k: 'y', title: 'lazy dog' } },
    ]);
    t.ci.indexDocument('persist', 'a', { k: 'x', title: 'quick brown fox again' });
    const ci = t.reopen();
    assert.ok(ci.exists('persist'));
    assert.equal(ci.count('persist').count, 2);
    assert.equal(ci.count('persist', { query: { match: { title: 'fox' } } }).count, 1);
    assert.equal(ci.count('persist', { query: { term: { k: 'y' } } }).count, 1);
    const a = ci.getDocument('persist', 'a').body;
    assert.equal(a._version, 2);
    // _seq_no continues after a reopen
    const next = ci.indexDocument('persist', 'c', { k: 'z' }).body;
    assert.equal(next._seq_no, 3);
    assert.deepEqual((ci.getMapping('persist').persist.mappings as any).properties.k, { type: 'keyword' });
  });
});
