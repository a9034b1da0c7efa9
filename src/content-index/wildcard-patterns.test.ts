/**
 * Issue 11 item 6 in the embedded index: field patterns from requests (`_source` includes and
 * excludes, `fields`, `multi_match` / `query_string` fields, highlight fields) are matched with
 * the linear wildcard matcher. They were regexes (`^.*a.*a…b$`) that backtracked for seconds on
 * a long field name.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempIndex, type TempIndex } from './temp-index.fixture.js';

const LONG = 'a'.repeat(64);
const HOSTILE = '*a'.repeat(7) + '*b';

describe('embedded index: hostile field patterns', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    t.ci.bulk([{ action: 'index' as const, index: 'w', id: '1', source: { [LONG]: 'quick fox', title: 'quick', [`${LONG}b`]: 'x' } }]);
  });
  after(() => t.cleanup());

  const timed = <T>(fn: () => T): T => {
    const started = performance.now();
    const out = fn();
    const took = performance.now() - started;
    assert.ok(took < 1000, `took ${Math.round(took)} ms`);
    return out;
  };

  it('_source includes / excludes, fields, multi_match, query_string and highlight fields', () => {
    const hit = (res: unknown) => (res as { hits: { hits: Record<string, unknown>[] } }).hits.hits[0]!;
    const src = hit(timed(() => t.ci.search('w', { _source: { includes: [HOSTILE, 'title'], excludes: [HOSTILE + 'c'] } })));
    assert.deepEqual(src._source, { title: 'quick', [`${LONG}b`]: 'x' });
    const fields = hit(timed(() => t.ci.search('w', { fields: [HOSTILE], _source: false })));
    assert.deepEqual(Object.keys(fields.fields as object), [`${LONG}b`]);
    assert.equal(hit(timed(() => t.ci.search('w', { query: { multi_match: { query: 'quick', fields: [HOSTILE, `*${'a'.repeat(30)}`] } } })))._id, '1');
    assert.equal(hit(timed(() => t.ci.search('w', { query: { query_string: { query: 'fox', fields: [HOSTILE + '*', '*a*a*a*a*a*a*a*a'] } } })))._id, '1');
    const hl = hit(timed(() => t.ci.search('w', { query: { match: { [LONG]: 'fox' } }, highlight: { fields: { [HOSTILE + '*']: {}, ['*a'.repeat(7)]: {} } } })));
    assert.deepEqual(Object.keys(hl.highlight as object), [LONG]);
  });
});
