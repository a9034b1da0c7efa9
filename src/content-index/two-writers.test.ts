/**
 * Two connections writing one content file (the API's and a sync's write thread, embedded-sink.ts):
 * each notices the other's commits (PRAGMA data_version) and reloads its index handles, so
 * `_seq_no` keeps counting up, mappings the other added are known, and full text finds both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ContentIndex } from './content-index.js';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';

describe('embedded index: two writers on one file', () => {
  let t: TempIndex;
  let other: ContentIndex;
  before(() => {
    t = tempIndex({ search: { threads: 0 } });
    other = new ContentIndex(t.path, { search: { threads: 0 }, docValuesBackfill: false });
  });
  after(async () => {
    await other.close();
    t.cleanup();
  });

  it('sees the other connection\'s index, documents, fields and _seq_no', () => {
    assert.equal(t.ci.indexDocument('shared', 'a', { title: 'first alpha' }).body._seq_no, 0);
    // The other connection writes to the index this one created and holds a handle of.
    const bulk = other.bulk([
      { action: 'index', index: 'shared', id: 'b', source: { title: 'second beta', count: 7 } },
      { action: 'index', index: 'shared', id: 'c', source: { title: 'third gamma', tag: 'x' } },
    ]);
    assert.equal(bulk.errors, false);
    const written = t.ci.indexDocument('shared', 'd', { title: 'fourth delta', count: 9 });
    assert.equal(written.body._seq_no, 3, 'the counter continues after the other connection\'s writes');
    const props = (t.ci.getMapping('shared').shared.mappings as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(Object.keys(props).sort(), ['count', 'tag', 'title']);
    assert.equal(t.ci.count('shared').count, 4);
    const hits = (t.ci.search('shared', { query: { match: { title: 'beta' } } }).hits as { hits: { _id: string }[] }).hits;
    assert.deepEqual(hits.map((h) => h._id), ['b']);
    assert.equal(t.ci.count('shared', { query: { term: { count: 9 } } }).count, 1);
    // And the other way round.
    assert.equal(other.indexDocument('shared', 'e', { title: 'fifth', count: 1 }).body._seq_no, 4);
    assert.equal(other.count('shared', { query: { range: { count: { gte: 7 } } } }).count, 2);
  });

  it('an index the other connection deleted and re-created is not written through a stale handle', () => {
    t.ci.indexDocument('again', 'a', { n: 1 });
    other.deleteIndex('again');
    other.createIndex('again', { mappings: { properties: { n: { type: 'keyword' } } } });
    t.ci.indexDocument('again', 'b', { n: 'two' });
    assert.equal(t.ci.count('again').count, 1);
    assert.deepEqual(t.ci.getMapping('again').again.mappings, { properties: { n: { type: 'keyword' } } });
  });

  it('a commit of the other connection between the lookup and the write lock is seen (no stale handle)', () => {
    // The window is between a request's first look at the index and BEGIN IMMEDIATE: make the
    // other connection commit exactly there, once, for each write path that names an index.
    const db = (t.ci as unknown as { db: { transaction: (fn: () => unknown) => unknown } }).db;
    const original = db.transaction.bind(db);
    const interleave = (between: () => void, write: () => void) => {
      let armed = true;
      db.transaction = (fn: () => unknown) => {
        if (armed) {
          armed = false;
          between();
        }
        return original(fn);
      };
      try {
        write();
      } finally {
        db.transaction = original;
      }
    };
    const recreate = (name: string, type: string) => () => {
      other.deleteIndex(name);
      other.createIndex(name, { mappings: { properties: { n: { type } } } });
      other.indexDocument(name, 'fresh', { n: type === 'long' ? 5 : 'five' });
    };
    t.ci.indexDocument('race', 'a', { n: 1 });
    interleave(recreate('race', 'keyword'), () => t.ci.deleteDocument('race', 'fresh'));
    assert.equal(t.ci.count('race').count, 0, 'the delete reached the re-created index');

    t.ci.indexDocument('race2', 'a', { n: 1 });
    interleave(recreate('race2', 'keyword'), () => t.ci.putMapping('race2', { properties: { extra: { type: 'keyword' } } }));
    const props = (t.ci.getMapping('race2').race2.mappings as { properties: Record<string, unknown> }).properties;
    assert.deepEqual(Object.keys(props).sort(), ['extra', 'n'], 'the mapping was added to the re-created index');
    assert.deepEqual(props.n, { type: 'keyword' });

    t.ci.indexDocument('race3', 'a', { n: 1 });
    interleave(recreate('race3', 'long'), () => t.ci.deleteIndex('race3'));
    assert.equal(other.exists('race3'), false, 'the re-created index was the one deleted');
    assert.equal(t.ci.exists('race3'), false);
  });
});
