/**
 * The `value` text of the redis source is Python's str() of the value, as Elastic's source
 * writes it. Expected strings below are what CPython 3 prints for the same values.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyFloat, pyFromJson, pyScore, pyStr, pyStringValue } from './render.js';

test('str repr: quote choice, escapes, non-printable characters', () => {
  assert.equal(pyStr("it's"), `"it's"`);
  assert.equal(pyStr(`a"b'c`), `'a"b\\'c'`);
  assert.equal(pyStr('tab\there\nnl\x00\x7f\u00a0é\u2028😀'), `'tab\\there\\nnl\\x00\\x7f\\xa0é\\u2028😀'`);
  assert.equal(pyStr('back\\slash'), `'back\\\\slash'`);
});

test('float repr: shortest digits, fixed between 1e-4 and 1e16', () => {
  const cases: [number, string][] = [
    [1e16, '1e+16'], [1e-5, '1e-05'], [0.0001, '0.0001'], [123456789012345.6, '123456789012345.6'], [1, '1.0'],
    [2.5, '2.5'], [1e22, '1e+22'], [-0, '-0.0'], [0.1, '0.1'], [1e15, '1000000000000000.0'],
    [12345678901234567, '1.2345678901234568e+16'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  ];
  for (const [x, s] of cases) assert.equal(pyFloat(x), s, String(x));
  assert.equal(pyScore('inf'), 'inf');
  assert.equal(pyScore('-inf'), '-inf');
  assert.equal(pyScore('3'), '3.0');
});

test('string values that are JSON read as their Python form; others as themselves', () => {
  assert.equal(
    pyStringValue('{"a": 1, "b": [true, null, 1.5, "x"], "a": 2, "c": 1E3, "d": -0, "e": 12345678901234567890}'),
    "{'a': 2, 'b': [True, None, 1.5, 'x'], 'c': 1000.0, 'd': 0, 'e': 12345678901234567890}",
  );
  assert.equal(pyStringValue('"just text"'), 'just text');
  assert.equal(pyStringValue('42'), '42');
  assert.equal(pyStringValue('[]'), '[]');
  assert.equal(pyStringValue('{}'), '{}');
  assert.equal(pyStringValue('[NaN, Infinity, -Infinity]'), '[nan, inf, -inf]');
  assert.equal(pyStringValue('hello world'), 'hello world');
  assert.equal(pyStringValue('12abc'), '12abc');
  assert.equal(pyStringValue('{"a": 1'), '{"a": 1');
  assert.equal(pyStringValue(''), '');
  assert.equal(pyFromJson('"\\u00e9\\n"'), 'é\n');
  assert.equal(pyFromJson('["\\u00e9\\n"]'), "['é\\n']");
});

test('deep or long JSON stays linear and bounded', () => {
  const deep = '['.repeat(10_000) + ']'.repeat(10_000);
  assert.equal(pyStringValue(deep), deep); // past the nesting bound: the text itself
  const long = JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ i })));
  const t0 = Date.now();
  assert.ok(pyStringValue(long).startsWith("[{'i': 0}, {'i': 1}"));
  // Linear is a few hundred ms here; quadratic would be minutes. The margin is for a loaded machine.
  assert.ok(Date.now() - t0 < 5000);
});
