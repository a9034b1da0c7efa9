import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApi } from '../../../test/helpers/assert-es.js';
import {
  any, arrayOf, bool, compact, enumOf, long, nested, object, parseLenient, parseStrict, scalar, str, timestamp, type ObjectSpec,
} from './parse.js';

const X = 'x_content_parse_exception';
const spec: ObjectSpec = {
  a: { parse: str },
  b: { parse: str, nullable: true },
  r: { parse: long, required: true },
};

describe('parseStrict / parseLenient (connector-api.md §1.4)', () => {
  it('returns declared fields, in body order', () => {
    assert.deepEqual(parseStrict('p', { r: 1, a: 'x' }, spec), { r: 1, a: 'x' });
  });

  it('strict: an unknown field is an error naming the parser', () => {
    throwsApi(() => parseStrict('p', { r: 1, zz: 1 }, spec), X, '[p] unknown field [zz]');
  });

  it('lenient: unknown fields are dropped', () => {
    assert.deepEqual(parseLenient('p', { r: 1, zz: 1 }, spec), { r: 1 });
  });

  it('inherited names are unknown, never looked up on Object.prototype', () => {
    for (const k of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__']) {
      throwsApi(() => parseStrict('p', JSON.parse(`{"r":1,"${k}":{}}`), spec), X, `[p] unknown field [${k}]`);
      assert.deepEqual(parseLenient('p', JSON.parse(`{"r":1,"${k}":{}}`), spec), { r: 1 });
    }
  });

  it('null: rejected for declareString fields, kept for nullable ones', () => {
    throwsApi(() => parseStrict('p', { r: 1, a: null }, spec), X, "[p] a doesn't support values of type: VALUE_NULL");
    assert.deepEqual(parseStrict('p', { r: 1, b: null }, spec), { r: 1, b: null });
  });

  it('a required key absent → Required [k]; present as null is "present"', () => {
    throwsApi(() => parseStrict('p', { a: 'x' }, spec), 'illegal_argument_exception', 'Required [r]');
    const s: ObjectSpec = { r: { parse: str, required: true, nullable: true } };
    assert.deepEqual(parseStrict('p', { r: null }, s), { r: null });
  });

  it('a required key is not satisfied by an inherited property', () => {
    const s: ObjectSpec = { toString: { parse: str, required: true } };
    throwsApi(() => parseStrict('p', {}, s), 'illegal_argument_exception', 'Required [toString]');
  });

  it('undefined body = empty object; other non-objects rejected with the token name', () => {
    assert.deepEqual(parseStrict('p', undefined, { a: { parse: str } }), {});
    throwsApi(() => parseStrict('p', [], spec), X, '[p] Expected START_OBJECT but found [START_ARRAY]');
    throwsApi(() => parseStrict('p', 'x', spec), X, '[p] Expected START_OBJECT but found [VALUE_STRING]');
    throwsApi(() => parseStrict('p', 1, spec), X, '[p] Expected START_OBJECT but found [VALUE_NUMBER]');
    throwsApi(() => parseStrict('p', false, spec), X, '[p] Expected START_OBJECT but found [VALUE_BOOLEAN]');
    throwsApi(() => parseStrict('p', null, spec), X, '[p] Expected START_OBJECT but found [VALUE_NULL]');
  });

  it('keeps a __proto__ field as data when declared', () => {
    const out = parseStrict('p', JSON.parse('{"__proto__":"v"}'), { ['__proto__']: { parse: str } } as ObjectSpec);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});

describe('field parsers', () => {
  it('str: strings only (ObjectParser STRING accepts VALUE_STRING only)', () => {
    assert.equal(str('x', 'f', 'p'), 'x');
    assert.equal(str('', 'f', 'p'), '');
    for (const [v, tok] of [[1, 'VALUE_NUMBER'], [true, 'VALUE_BOOLEAN'], [{}, 'START_OBJECT'], [[], 'START_ARRAY']] as const) {
      throwsApi(() => str(v, 'f', 'p'), X, `[p] f doesn't support values of type: ${tok}`);
    }
  });

  it('bool: booleans and the strings "true"/"false"', () => {
    assert.equal(bool(true, 'f', 'p'), true);
    assert.equal(bool('false', 'f', 'p'), false);
    for (const v of ['TRUE', 'yes', '']) {
      const e = throwsApi(() => bool(v, 'f', 'p'), X, '[p] failed to parse field [f]');
      assert.deepEqual(e.causedBy, { type: 'illegal_argument_exception', reason: `Failed to parse value [${v}] as only [true] or [false] are allowed.` });
    }
    for (const [v, tok] of [[1, 'VALUE_NUMBER'], [{}, 'START_OBJECT'], [[true], 'START_ARRAY']] as const) {
      throwsApi(() => bool(v, 'f', 'p'), X, `[p] f doesn't support values of type: ${tok}`);
    }
    // An object owning a non-function toString must not crash the error message (was a 500).
    throwsApi(() => bool(JSON.parse('{"toString":1}'), 'f', 'p'), X, "[p] f doesn't support values of type: START_OBJECT");
  });

  it('long: integers, integral strings, truncated decimals', () => {
    assert.equal(long(5, 'f', 'p'), 5);
    assert.equal(long(' -12 ', 'f', 'p'), -12);
    assert.equal(long(2.9, 'f', 'p'), 2);
    for (const v of ['1.5', 'x', '', true, {}, []]) throwsApi(() => long(v, 'f', 'p'), X);
  });

  it('object: plain objects only', () => {
    assert.deepEqual(object({ a: 1 }, 'f', 'p'), { a: 1 });
    for (const v of [[], 'x', 1, true]) throwsApi(() => object(v, 'f', 'p'), X);
  });

  it('timestamp: ISO or epoch-millis strings, normalised; numbers rejected', () => {
    assert.equal(timestamp('2023-05-25T12:30:00Z', 'f', 'p'), '2023-05-25T12:30:00.000Z');
    assert.equal(timestamp('0', 'f', 'p'), '1970-01-01T00:00:00.000Z');
    throwsApi(() => timestamp(0, 'f', 'p'), X);
    const e = throwsApi(() => timestamp('soon', 'f', 'p'), X);
    assert.equal(e.causedBy?.reason, 'failed to parse date field [soon]');
  });

  it('enumOf: case-insensitive by default, written as declared; exact when asked', () => {
    const e = enumOf(['a_b', 'c'], (v) => `Unknown E [${v}].`);
    assert.equal(e('A_B', 'f', 'p'), 'a_b');
    const err = throwsApi(() => e('z', 'f', 'p'), X, '[p] failed to parse field [f]');
    assert.deepEqual(err.causedBy, { type: 'illegal_argument_exception', reason: 'Unknown E [z].' });
    throwsApi(() => e(1, 'f', 'p'), X, "[p] f doesn't support values of type: VALUE_NUMBER");
    throwsApi(() => e(JSON.parse('[{"toString":1}]'), 'f', 'p'), X, "[p] f doesn't support values of type: START_ARRAY");
    const exact = enumOf(['>', 'abc'], (v) => v, true);
    assert.equal(exact('>', 'f', 'p'), '>');
    throwsApi(() => exact('ABC', 'f', 'p'), X);
  });

  it('arrayOf: arrays of the item type', () => {
    assert.deepEqual(arrayOf(str)(['a', 'b'], 'f', 'p'), ['a', 'b']);
    throwsApi(() => arrayOf(str)('a', 'f', 'p'), X);
    throwsApi(() => arrayOf(str)(['a', 1], 'f', 'p'), X);
  });

  it('nested: a lenient object parser', () => {
    const n = nested('inner', { x: { parse: long, required: true } });
    assert.deepEqual(n({ x: 1, y: 2 }, 'f', 'p'), { x: 1 });
    throwsApi(() => n([], 'f', 'p'), X, '[p] failed to parse field [f]');
    throwsApi(() => n({}, 'f', 'p'), 'illegal_argument_exception', 'Required [x]');
  });

  it('scalar and any', () => {
    for (const v of ['s', 1, true]) assert.equal(scalar(v, 'f', 'p'), v);
    throwsApi(() => scalar({}, 'f', 'p'), X);
    throwsApi(() => scalar([], 'f', 'p'), X);
    const o = { deep: [1, { x: null }] };
    assert.equal(any(o, 'f', 'p'), o);
  });

  it('compact drops undefined keys only', () => {
    assert.deepEqual(compact({ a: undefined, b: null, c: 0 }), { b: null, c: 0 });
  });
});
