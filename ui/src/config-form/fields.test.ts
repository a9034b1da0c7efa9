/** The configuration form's rules without a DOM (fields.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Configuration } from '../api/types';
import { configurationWithValues, fieldError, initialValues, isVisible, orderedKeys, valuesToSend } from './fields';

const schema: Configuration = {
  b: { label: 'B', order: 2, display: 'textbox', type: 'str', value: null, default_value: 'dflt' },
  a: { label: 'A', order: 1, display: 'toggle', type: 'bool', value: 'true' },
  s: { label: 'S', order: 3, display: 'textbox', type: 'str', sensitive: true, value: 'secret' },
  d: { label: 'D', order: 4, display: 'textbox', type: 'str', depends_on: [{ field: 'a', value: true }, { field: 'b', value: 'dflt' }] },
  l: { label: 'L', order: 5, display: 'textarea', type: 'list', validations: [{ type: 'included_in', constraint: ['x', 'y'] }] },
  r: { label: 'R', order: 6, display: 'textbox', type: 'str', validations: [{ type: 'regex', constraint: '^[a-z]+$' }] },
  n: { label: 'N', order: 7, display: 'textarea', type: 'list', validations: [{ type: 'list_type', constraint: 'int' }] },
};

describe('configuration form rules', () => {
  test('order, initial values: defaults fill empty values, toggles from "true", secrets start empty', () => {
    assert.deepEqual(orderedKeys(schema), ['a', 'b', 's', 'd', 'l', 'r', 'n']);
    const v = initialValues(schema);
    assert.equal(v.a, true);
    assert.equal(v.b, 'dflt');
    assert.equal(v.s, '');
  });

  test('depends_on: every condition, compared as text', () => {
    const v = initialValues(schema);
    assert.equal(isVisible(schema, v, 'd'), true);
    assert.equal(isVisible(schema, { ...v, a: false }, 'd'), false);
    assert.equal(isVisible(schema, { ...v, b: 'other' }, 'd'), false);
  });

  test('validations: included_in per list item, regex, list of integers', () => {
    const v = initialValues(schema);
    assert.equal(fieldError(schema, { ...v, l: 'x, y' }, 'l'), null);
    assert.equal(fieldError(schema, { ...v, l: 'x, z' }, 'l'), 'L: [z] is not one of x, y');
    assert.equal(fieldError(schema, { ...v, r: 'Abc' }, 'r'), 'R must match ^[a-z]+$');
    assert.equal(fieldError(schema, { ...v, n: '1, 2, x' }, 'n'), 'N must be a list of whole numbers');
    assert.equal(fieldError(schema, { ...v, n: '1,\n2' }, 'n'), null);
  });

  test('values sent: typed, a secret only when typed, lists comma-joined', () => {
    const v = { ...initialValues(schema), l: 'x\ny' };
    const sent = valuesToSend(schema, v);
    assert.equal('s' in sent, false);
    assert.equal(sent.a, true);
    assert.equal(sent.l, 'x,y');
    assert.equal(valuesToSend(schema, { ...v, s: 'new' }).s, 'new');
    const whole = configurationWithValues(schema, { ...v, s: 'new' });
    assert.equal(whole.s.value, 'new');
    assert.equal(whole.b.label, 'B');
    assert.equal(whole.b.value, 'dflt');
  });
});
