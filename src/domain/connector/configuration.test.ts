import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApi } from '../../../test/helpers/assert-es.js';
import { configurationEntry, configurationMap } from './configuration.js';

const entry = (v: unknown) => configurationEntry(v, 'configuration.k', 'connector_update_configuration_request') as Record<string, unknown>;

describe('configuration entry normalisation (connector-api.md §3.4)', () => {
  it('only label is required; always-written keys get their defaults', () => {
    assert.deepEqual(entry({ label: 'Host' }), { default_value: null, label: 'Host', required: false, sensitive: false, value: null });
    throwsApi(() => entry({}), 'illegal_argument_exception', 'Required [label]');
  });

  it('keeps every field, in stored order', () => {
    const full = {
      value: 'v', validations: [{ constraint: 5, type: 'GREATER_THAN' }], ui_restrictions: ['advanced'], type: 'int', tooltip: 't',
      sensitive: true, required: true, placeholder: 'p', order: 3, options: [{ label: 'a', value: 1 }], label: 'L',
      display: 'NUMERIC', depends_on: [{ field: 'other', value: true }], default_value: 2, category: 'c',
    };
    const out = entry(full);
    assert.deepEqual(Object.keys(out), [
      'category', 'default_value', 'depends_on', 'display', 'label', 'options', 'order', 'placeholder', 'required',
      'sensitive', 'tooltip', 'type', 'ui_restrictions', 'validations', 'value',
    ]);
    assert.equal(out.display, 'numeric', 'display is case-insensitive, written lowercase');
    assert.deepEqual(out.validations, [{ constraint: 5, type: 'greater_than' }]);
    assert.deepEqual(out.depends_on, [{ field: 'other', value: true }]);
    assert.deepEqual(out.options, [{ label: 'a', value: 1 }]);
  });

  it('omits omit-if-null keys given as null, keeps always-written ones', () => {
    const out = entry({
      label: 'L', category: null, depends_on: null, display: null, options: null, order: null, placeholder: null, tooltip: null,
      type: null, ui_restrictions: null, validations: null, default_value: null, value: null, required: null, sensitive: null,
    });
    assert.deepEqual(out, { default_value: null, label: 'L', required: false, sensitive: false, value: null });
  });

  it('drops unknown keys (lenient nested parser)', () => {
    assert.deepEqual(entry({ label: 'L', bogus: 1, options: [{ label: 'a', value: 'b', extra: true }] }).options, [{ label: 'a', value: 'b' }]);
    assert.equal('bogus' in entry({ label: 'L', bogus: 1 }), false);
  });

  it('value may be any JSON value; default_value only a scalar', () => {
    for (const v of ['s', 1, true, { a: 1 }, [1, 2]]) assert.deepEqual(entry({ label: 'L', value: v }).value, v);
    for (const v of ['s', 1.5, false]) assert.equal(entry({ label: 'L', default_value: v }).default_value, v);
    for (const [v, tok] of [[{ a: 1 }, 'START_OBJECT'], [[1], 'START_ARRAY']] as const) {
      const e = throwsApi(() => entry({ label: 'L', default_value: v }), 'x_content_parse_exception');
      assert.equal(e.causedBy?.reason, `Unsupported token [${tok}]`);
    }
  });

  it('display: every value, case-insensitive; unknown rejected', () => {
    for (const d of ['text', 'textbox', 'textarea', 'numeric', 'toggle', 'dropdown']) assert.equal(entry({ label: 'L', display: d.toUpperCase() }).display, d);
    const e = throwsApi(() => entry({ label: 'L', display: 'slider' }), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown ConfigurationDisplayType [slider].');
  });

  it('type: exact match only', () => {
    for (const t of ['str', 'int', 'list', 'bool']) assert.equal(entry({ label: 'L', type: t }).type, t);
    const e = throwsApi(() => entry({ label: 'L', type: 'STR' }), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown ConfigurationFieldType [STR].');
  });

  it('validations: type case-insensitive and required, constraint required', () => {
    for (const t of ['less_than', 'greater_than', 'list_type', 'included_in', 'regex']) {
      assert.deepEqual(entry({ label: 'L', validations: [{ constraint: ['a'], type: t.toUpperCase() }] }).validations, [{ constraint: ['a'], type: t }]);
    }
    const e = throwsApi(() => entry({ label: 'L', validations: [{ constraint: 1, type: 'max' }] }), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown ConfigurationValidationType [max].');
    throwsApi(() => entry({ label: 'L', validations: [{ type: 'regex' }] }), 'illegal_argument_exception', 'Required [constraint]');
    throwsApi(() => entry({ label: 'L', validations: [{ constraint: 1 }] }), 'illegal_argument_exception', 'Required [type]');
  });

  it('depends_on and options require both their keys', () => {
    throwsApi(() => entry({ label: 'L', depends_on: [{ field: 'f' }] }), 'illegal_argument_exception', 'Required [value]');
    throwsApi(() => entry({ label: 'L', depends_on: [{ value: 1 }] }), 'illegal_argument_exception', 'Required [field]');
    assert.deepEqual(entry({ label: 'L', depends_on: [{ field: 'f', value: null }] }).depends_on, [{ field: 'f', value: null }]);
    throwsApi(() => entry({ label: 'L', options: [{ label: 'a' }] }), 'illegal_argument_exception', 'Required [value]');
  });

  it('rejects wrong JSON types', () => {
    throwsApi(() => entry({ label: 5 }), 'x_content_parse_exception');
    throwsApi(() => entry({ label: 'L', required: 'yes' }), 'x_content_parse_exception');
    throwsApi(() => entry({ label: 'L', order: 'first' }), 'x_content_parse_exception');
    throwsApi(() => entry({ label: 'L', ui_restrictions: 'advanced' }), 'x_content_parse_exception');
    throwsApi(() => entry('not an object'), 'x_content_parse_exception');
    throwsApi(() => entry(null), 'x_content_parse_exception');
  });

  it('accepts boolean strings for booleans and numeric strings for order, as ObjectParser does', () => {
    const out = entry({ label: 'L', required: 'true', sensitive: 'false', order: '4' });
    assert.equal(out.required, true);
    assert.equal(out.sensitive, false);
    assert.equal(out.order, 4);
  });
});

describe('configuration map', () => {
  it('normalises every entry and keeps keys like __proto__ as data', () => {
    const parsed = configurationMap(JSON.parse('{"a":{"label":"A"},"__proto__":{"label":"P"}}'), 'configuration', 'p') as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['a', '__proto__']);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(JSON.parse(JSON.stringify(parsed)).__proto__.label, 'P');
  });

  it('rejects a non-object', () => {
    for (const v of [[], 'x', 1, true]) throwsApi(() => configurationMap(v, 'configuration', 'p'), 'x_content_parse_exception');
  });
});
