/**
 * Bad input to the embedded index always ends as an ApiError with a 4xx status, never a crash or
 * an SQLite error: malformed queries, wrong types, odd values, and a seeded fuzz of query bodies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../domain/errors.js';
import { tempIndex, throws4xx, type TempIndex } from './temp-index.fixture.js';

describe('embedded index: bad input', () => {
  let t: TempIndex;
  before(() => {
    t = tempIndex();
    t.ci.bulk([
      { action: 'index', index: 'x', id: '1', source: { title: 'hello world', n: 1, when: '2024-01-01', ok: true, tags: ['a'] } },
      { action: 'index', index: 'x', id: '2', source: { title: 'other', n: 2 } },
    ]);
  });
  after(() => t.cleanup());

  it('malformed search bodies', () => {
    const cases: [unknown, string][] = [
      ['str', 'parsing_exception'],
      [[1], 'parsing_exception'],
      [{ query: 'x' }, 'parsing_exception'],
      [{ query: { unknown_q: {} } }, 'parsing_exception'],
      [{ query: { match: {}, term: {} } }, 'parsing_exception'],
      [{ query: { match: { a: 'x', b: 'y' } } }, 'parsing_exception'],
      [{ query: { match: 'x' } }, 'parsing_exception'],
      [{ query: { term: { n: { boost: 2 } } } }, 'parsing_exception'],
      [{ query: { range: { n: 5 } } }, 'parsing_exception'],
      [{ query: { bool: { must: 'x' } } }, 'parsing_exception'],
      [{ query: { bool: { nope: [] } } }, 'parsing_exception'],
      [{ query: { terms: { n: 5 } } }, 'parsing_exception'],
      [{ query: { exists: {} } }, 'parsing_exception'],
      [{ query: { ids: { values: 'x' } } }, 'parsing_exception'],
      [{ query: { match_all: { boost: 'high' } } }, 'parsing_exception'],
      [{ query: { multi_match: {} } }, 'parsing_exception'],
      [{ query: { constant_score: {} } }, 'parsing_exception'],
      [{ query: { dis_max: { queries: [] } } }, 'parsing_exception'],
      [{ query: { query_string: {} } }, 'parsing_exception'],
      [{ query: { query_string: { query: '"unterminated' } } }, 'query_shard_exception'],
      [{ query: { query_string: { query: 'a AND (b' } } }, 'query_shard_exception'],
      [{ query: { query_string: { query: 'n:[1 TO' } } }, 'query_shard_exception'],
      [{ query: { term: { n: 'abc' } } }, 'query_shard_exception'],
      [{ query: { range: { n: { gt: 'abc' } } } }, 'query_shard_exception'],
      [{ query: { range: { when: { gt: 'not a date' } } } }, 'query_shard_exception'],
      [{ query: { term: { ok: 'maybe' } } }, 'query_shard_exception'],
      [{ query: { term: { n: [1] } } }, 'parsing_exception'],
      [{ from: -1 }, 'illegal_argument_exception'],
      [{ size: -1 }, 'illegal_argument_exception'],
      [{ size: 'ten' }, 'parsing_exception'],
      [{ from: 9995, size: 10 }, 'illegal_argument_exception'],
      [{ sort: [{ n: 'sideways' }] }, 'parsing_exception'],
      [{ sort: [{ nope: 'asc' }] }, 'query_shard_exception'],
      [{ sort: [42] }, 'parsing_exception'],
      [{ sort: [{ n: { order: 'asc', mode: 'median' } }] }, 'illegal_argument_exception'],
      [{ _source: 5 }, 'parsing_exception'],
      [{ _source: { bogus: [] } }, 'parsing_exception'],
      [{ highlight: 'x' }, 'parsing_exception'],
      [{ highlight: { fields: {} } }, 'parsing_exception'],
      [{ aggs: { a: { nope: { field: 'n' } } } }, 'x_content_parse_exception'],
      [{ search_after: [1] }, 'illegal_argument_exception'],
      [{ unknown_key: 1 }, 'parsing_exception'],
      [{ track_total_hits: 'lots' }, 'parsing_exception'],
      [{ min_score: 'x' }, 'parsing_exception'],
      [{ fields: 'x' }, 'parsing_exception'],
    ];
    for (const [body, type] of cases) throws4xx(() => t.ci.search('x', body), type);
    throws4xx(() => t.ci.count('x', { query: { match_all: {} }, size: 1 }), 'parsing_exception');
  });

  it('FTS5 syntax in user text is inert', () => {
    for (const text of ['"', 'a OR', 'NEAR(', 'title:x', '*', 'AND', '(', '^', '-', 'a"b', "'", '\u0000', '😀', '-x +y']) {
      const res = t.ci.search('x', { query: { match: { title: text } } }) as any;
      assert.ok(Array.isArray(res.hits.hits), text);
      t.ci.search('x', { query: { match_phrase: { title: text } } });
      t.ci.search('x', { query: { multi_match: { query: text } } });
      t.ci.search('x', { query: { match: { title: text } }, highlight: { fields: { title: {} } } });
    }
    assert.equal(t.ci.count('x', { query: { match: { title: 'hello OR other' } } }).count, 2, 'OR is just a word here');
  });

  it('a seeded fuzz of query shapes never escapes as a non-ApiError', () => {
    let seed = Number(process.env.FUZZ_SEED ?? 7);
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const values: unknown[] = [null, true, 1, -1.5, '', 'x', 'hello', '2024-01-01', [], ['a'], {}, { a: 1 }, 'now-1d/d', 1e308, '*'];
    const fields = ['title', 'n', 'when', 'ok', 'tags', 'nope', 'title.keyword', '', '*'];
    const kinds = ['match', 'term', 'terms', 'range', 'exists', 'prefix', 'wildcard', 'match_phrase', 'multi_match', 'query_string', 'ids', 'bool', 'simple_query_string', 'constant_score', 'dis_max',
      'fuzzy', 'match_bool_prefix', 'match_phrase_prefix', 'function_score', 'fuzzy_match'];
    const gen = (depth: number): unknown => {
      const k = kinds[rnd(kinds.length)];
      const f = fields[rnd(fields.length)];
      const v = values[rnd(values.length)];
      switch (k) {
        case 'bool': return depth > 2 ? { match_all: {} } : { bool: { must: [gen(depth + 1)], should: [gen(depth + 1)], must_not: [gen(depth + 1)], filter: gen(depth + 1), minimum_should_match: values[rnd(values.length)] } };
        case 'range': return { range: { [f]: { gte: v, lt: values[rnd(values.length)] } } };
        case 'exists': return { exists: { field: v } };
        case 'ids': return { ids: { values: v } };
        case 'multi_match': return { multi_match: { query: v, fields: [f], type: ['best_fields', 'phrase', 'cross_fields', 'most_fields'][rnd(4)] } };
        case 'query_string': case 'simple_query_string': return { [k]: { query: v } };
        case 'constant_score': return { constant_score: { filter: depth > 2 ? { match_all: {} } : gen(depth + 1) } };
        case 'dis_max': return { dis_max: { queries: [gen(depth + 1)] } };
        case 'terms': return { terms: { [f]: v } };
        case 'fuzzy_match': return { match: { [f]: { query: v, fuzziness: values[rnd(values.length)], prefix_length: values[rnd(values.length)], max_expansions: values[rnd(values.length)] } } };
        case 'function_score': {
          const fn = [
            { field_value_factor: { field: f, modifier: values[rnd(values.length)], factor: v, missing: values[rnd(values.length)] } },
            { [['gauss', 'exp', 'linear'][rnd(3)]]: { [f]: { origin: v, scale: values[rnd(values.length)], offset: values[rnd(values.length)], decay: values[rnd(values.length)] } } },
            { weight: v, filter: depth > 2 ? { match_all: {} } : gen(depth + 1) },
            { random_score: { seed: v, field: f } },
          ][rnd(4)];
          return { function_score: { query: depth > 2 ? { match_all: {} } : gen(depth + 1), functions: [fn], score_mode: values[rnd(values.length)], boost_mode: values[rnd(values.length)], max_boost: v, min_score: values[rnd(values.length)] } };
        }
        default: return { [k]: { [f]: rnd(2) ? v : { value: v, query: v } } };
      }
    };
    for (let i = 0; i < 400; i++) {
      const body = {
        query: gen(0), sort: rnd(3) === 0 ? [{ [fields[rnd(fields.length)]]: 'asc' }] : undefined,
        highlight: rnd(4) === 0 ? { fields: { '*': { fragment_size: values[rnd(values.length)], number_of_fragments: values[rnd(values.length)], no_match_size: values[rnd(values.length)] } } } : undefined,
        collapse: rnd(6) === 0 ? { field: fields[rnd(fields.length)], inner_hits: rnd(2) ? { name: 'x', size: values[rnd(values.length)] } : undefined } : undefined,
        suggest: rnd(6) === 0 ? { s: { text: values[rnd(values.length)], term: { field: fields[rnd(fields.length)], max_edits: values[rnd(values.length)], size: values[rnd(values.length)] } } } : undefined,
      };
      try {
        t.ci.search('x', body);
      } catch (e) {
        assert.ok(e instanceof ApiError, `not an ApiError for ${JSON.stringify(body)}: ${(e as Error).stack}`);
        assert.ok(e.status >= 400 && e.status < 500, `${e.status} for ${JSON.stringify(body)}`);
      }
    }
  });
});
