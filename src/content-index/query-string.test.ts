/** The query_string → Query DSL translation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQueryString } from './query-string.js';

const parse = (q: string, op: 'and' | 'or' = 'or', fields = ['*']) => parseQueryString(q, { defaultFields: fields, defaultOperator: op });

describe('query_string translation', () => {
  it('single terms and phrases on default fields', () => {
    assert.deepEqual(parse('fox'), { multi_match: { query: 'fox', fields: ['*'], lenient: true, boost: 1 } });
    assert.deepEqual(parse('fox', 'or', ['title']), { match: { title: { query: 'fox', lenient: true, boost: 1 } } });
    assert.deepEqual(parse('"a b"~2', 'or', ['body']), { match_phrase: { body: { query: 'a b', slop: 2, boost: 1 } } });
    assert.deepEqual(parse('fo*', 'or', ['body']), { match_phrase_prefix: { body: { query: 'fo', slop: 0, boost: 1 } } });
  });

  it('operators, precedence and modifiers', () => {
    const a = { match: { f: { query: 'a', lenient: true, boost: 1 } } };
    const b = { match: { f: { query: 'b', lenient: true, boost: 1 } } };
    const c = { match: { f: { query: 'c', lenient: true, boost: 1 } } };
    const P = (x: string) => parse(x, 'or', ['f']);
    assert.deepEqual(P('a AND b'), { bool: { must: [a, b], must_not: [] } });
    assert.deepEqual(P('a OR b'), { bool: { should: [a, b], minimum_should_match: 1 } });
    assert.deepEqual(P('a b'), { bool: { should: [a, b], minimum_should_match: 1 } });
    assert.deepEqual(parse('a b', 'and', ['f']), { bool: { must: [a, b], must_not: [] } });
    assert.deepEqual(P('a OR b AND c'), { bool: { should: [a, { bool: { must: [b, c], must_not: [] } }], minimum_should_match: 1 } });
    assert.deepEqual(P('a AND NOT b'), { bool: { must: [a], must_not: [b] } });
    assert.deepEqual(P('-a'), { bool: { must_not: [a] } });
    assert.deepEqual(P('+a -b c'), { bool: { must: [a], must_not: [b], should: [c] } });
    assert.deepEqual(P('(a OR b) && c'), { bool: { must: [{ bool: { should: [a, b], minimum_should_match: 1 } }, c], must_not: [] } });
    assert.deepEqual(P('a || !b'), { bool: { must: [], must_not: [b], should: [a] } });
  });

  it('fields, ranges, exists, boosts, escapes', () => {
    assert.deepEqual(parse('title:fox^2'), { match: { title: { query: 'fox', lenient: true, boost: 2 } } });
    assert.deepEqual(parse('n:[1 TO 5}'), { range: { n: { gte: '1', lt: '5', boost: 1 } } });
    assert.deepEqual(parse('n:{* TO 5]'), { range: { n: { lte: '5', boost: 1 } } });
    assert.deepEqual(parse('n:>=3'), { range: { n: { gte: '3', boost: 1 } } });
    assert.deepEqual(parse('_exists_:title'), { exists: { field: 'title' } });
    assert.deepEqual(parse('*:*'), { match_all: { boost: 1 } });
    assert.deepEqual(parse('url:http\\://x'), { match: { url: { query: 'http://x', lenient: true, boost: 1 } } });
    assert.deepEqual(parse('title:"a b"'), { match_phrase: { title: { query: 'a b', slop: 0, boost: 1 } } });
    assert.deepEqual(parse('t*:x'), { multi_match: { query: 'x', fields: ['t*'], lenient: true, boost: 1 } });
    assert.deepEqual(parse(''), { match_none: {} });
  });
});
