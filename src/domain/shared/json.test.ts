import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepEqual, deepMerge, isPlainObject, MAX_NESTING_DEPTH, nestingDepthExceeds, omitNulls, setOwn } from './json.js';

describe('deepMerge (connector-api.md §1.5)', () => {
  it('merges maps recursively', () => {
    const base = { a: { x: 1, y: { p: 1, q: 2 } }, b: 1 };
    assert.deepEqual(deepMerge(base, { a: { y: { q: 3, r: 4 } } }), { a: { x: 1, y: { p: 1, q: 3, r: 4 } }, b: 1 });
  });

  it('replaces arrays, nulls and scalars wholesale', () => {
    assert.deepEqual(deepMerge({ a: [1, 2, 3] }, { a: [9] }), { a: [9] });
    assert.deepEqual(deepMerge({ a: { x: 1 } }, { a: null }), { a: null });
    assert.deepEqual(deepMerge({ a: { x: 1 } }, { a: 'str' }), { a: 'str' });
    assert.deepEqual(deepMerge({ a: 1 }, { a: { x: 1 } }), { a: { x: 1 } });
  });

  it('skips undefined values in the patch', () => {
    assert.deepEqual(deepMerge({ a: 1 }, { a: undefined, b: 2 }), { a: 1, b: 2 });
  });

  it('modifies neither input', () => {
    const base = { a: { x: 1 } };
    const patch = { a: { y: 2 } };
    deepMerge(base, patch);
    assert.deepEqual(base, { a: { x: 1 } });
    assert.deepEqual(patch, { a: { y: 2 } });
  });

  it('keeps __proto__ keys as data and never touches prototypes', () => {
    const base = JSON.parse('{"c":{"__proto__":{"old":1}}}');
    const out = deepMerge(base, JSON.parse('{"c":{"__proto__":{"polluted":true}}}')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(JSON.parse(JSON.stringify(out)), JSON.parse('{"c":{"__proto__":{"old":1,"polluted":true}}}'));
    assert.equal(Object.getPrototypeOf(out.c), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('merges into keys that only exist on Object.prototype as fresh values', () => {
    const out = deepMerge({}, JSON.parse('{"constructor":{"a":1},"toString":2}'));
    assert.equal(JSON.stringify(out), '{"constructor":{"a":1},"toString":2}');
  });
});

describe('deepEqual', () => {
  it('compares JSON structurally, ignoring key order', () => {
    assert.equal(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), true);
    assert.equal(deepEqual([1, 2], [2, 1]), false);
    assert.equal(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(deepEqual({ a: null }, { a: undefined }), false);
    assert.equal(deepEqual({ a: undefined }, {}), true);
    assert.equal(deepEqual([], {}), false);
    assert.equal(deepEqual(null, {}), false);
    assert.equal(deepEqual('1', 1), false);
    assert.equal(deepEqual({ a: 1 }, { b: 1 }), false);
  });
});

describe('small helpers', () => {
  it('isPlainObject', () => {
    assert.equal(isPlainObject({}), true);
    for (const v of [null, [], 'x', 1, undefined]) assert.equal(isPlainObject(v), false);
  });
  it('omitNulls drops null and undefined', () => {
    assert.deepEqual(omitNulls({ a: null, b: undefined, c: 0, d: '' }), { c: 0, d: '' });
  });
  it('setOwn defines __proto__ as an own enumerable property', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', 1);
    setOwn(o, 'x', 2);
    assert.equal(JSON.stringify(o), '{"__proto__":1,"x":2}');
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
  });
});

describe('nestingDepthExceeds', () => {
  const deep = (n: number): unknown => JSON.parse('['.repeat(n) + ']'.repeat(n));
  it('counts object and array levels; scalars are depth 0', () => {
    assert.equal(nestingDepthExceeds(1, 0), false);
    assert.equal(nestingDepthExceeds({}, 0), true);
    assert.equal(nestingDepthExceeds({}, 1), false);
    assert.equal(nestingDepthExceeds({ a: [{}] }, 2), true);
    assert.equal(nestingDepthExceeds({ a: [{}] }, 3), false);
    assert.equal(nestingDepthExceeds({ a: 1, b: { c: [1, 2, { d: null }] } }, 3), true);
    assert.equal(nestingDepthExceeds({ a: 1, b: { c: [1, 2, { d: null }] } }, 4), false);
  });
  it(`defaults to MAX_NESTING_DEPTH (${MAX_NESTING_DEPTH}) and copes with any depth without recursion`, () => {
    assert.equal(nestingDepthExceeds(deep(MAX_NESTING_DEPTH)), false);
    assert.equal(nestingDepthExceeds(deep(MAX_NESTING_DEPTH + 1)), true);
    assert.equal(nestingDepthExceeds(deep(200_000)), true);
  });
});
