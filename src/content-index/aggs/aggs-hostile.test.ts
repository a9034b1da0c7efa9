/**
 * Hostile aggregation requests (docs/embedded-index.md "Aggregations"): random combinations of
 * every aggregation type with options of the wrong type, range and shape answer either a
 * response or a 4xx ApiError — never a crash or a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../domain/errors.js';
import { tempIndex, type TempIndex } from '../temp-index.fixture.js';

const VALUES = [undefined, null, 5, -1, 0, 1e12, 'x', '', [], {}, [1], { a: 1 }, true, 'NaN', '1d', '0d', '-5', 1.5, '(a', 'Mars/Base', [{ to: 'x' }]];
const TYPES = ['terms', 'value_count', 'min', 'max', 'avg', 'sum', 'stats', 'cardinality', 'missing', 'filter', 'filters', 'range', 'date_range', 'histogram', 'date_histogram', 'top_hits'];
const KEYS = ['field', 'size', 'order', 'min_doc_count', 'missing', 'include', 'exclude', 'interval', 'calendar_interval', 'fixed_interval', 'time_zone', 'format', 'extended_bounds', 'ranges', 'filters', 'sort', '_source', 'offset', 'from', 'keyed', 'other_bucket'];
const FIELDS = ['cat', 'n', 'd', 'b', 'nope'];

describe('hostile aggregation requests', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    t.ci.createIndex('x', { mappings: { properties: { cat: { type: 'keyword' }, n: { type: 'long' }, d: { type: 'date' }, b: { type: 'boolean' } } } });
    assert.equal(t.ci.bulk([{ action: 'index', index: 'x', id: '1', source: { cat: 'a', n: 1, d: '2024-01-01', b: true } }]).errors, false);
  });
  after(() => t.cleanup());

  it('answer a response or a 4xx', () => {
    let seed = 1;
    const r = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % k;
    };
    let refused = 0;
    const check = (req: Record<string, unknown>) => {
      try {
        t.ci.search('x', req);
      } catch (e) {
        assert.ok(e instanceof ApiError && e.status >= 400 && e.status < 500, `${JSON.stringify(req)}: ${String((e as Error).stack ?? e)}`);
        refused++;
      }
    };
    for (let i = 0; i < 4000; i++) {
      const body: Record<string, unknown> = { field: FIELDS[r(FIELDS.length)] };
      for (let j = 0; j < 3; j++) body[KEYS[r(KEYS.length)]!] = VALUES[r(VALUES.length)];
      const sub = r(3) === 0 ? { aggs: { s: { terms: { field: 'cat' } } } } : {};
      check({ size: 0, aggs: { a: { [TYPES[r(TYPES.length)]!]: body, ...sub } } });
    }
    for (const raw of [5, 'x', [], { a: 5 }, { a: {} }, { a: { terms: 5 } }, { 'a[': { min: { field: 'n' } } }, { a: { terms: { field: 'cat' }, aggs: 5 } }, { a: { terms: { field: 'cat' }, meta: 5 } }]) {
      check({ aggs: raw });
    }
    assert.ok(refused > 1000, `the random requests exercise the refusals (${refused})`);
  });
});
