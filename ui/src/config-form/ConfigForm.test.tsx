/**
 * The generated configuration form (docs/ui.md "Configuration form") in a DOM: one input per
 * `display`, `depends_on` showing and hiding fields, `required` and `validations` blocking the
 * save, tooltips shown, and sensitive values never pre-filled nor sent back unless typed.
 */
import '../../test/dom';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { click, render, select, settle, type, type Mounted } from '../../test/dom';
import type { ConfigScalar, Configuration } from '../api/types';
import { ConfigForm } from './ConfigForm';

const SCHEMA: Configuration = {
  host: { label: 'Host', display: 'textbox', type: 'str', order: 1, required: true, value: 'db.local', tooltip: 'Name or address of the server.' },
  notes: { label: 'Notes', display: 'textarea', type: 'str', order: 2, value: 'line one\nline two' },
  port: { label: 'Port', display: 'numeric', type: 'int', order: 3, required: true, value: 5432, validations: [{ type: 'greater_than', constraint: 0 }, { type: 'less_than', constraint: 65536 }] },
  ssl: { label: 'Use TLS', display: 'toggle', type: 'bool', order: 4, value: false },
  ca: { label: 'CA certificate', display: 'textarea', type: 'str', order: 5, depends_on: [{ field: 'ssl', value: true }], required: true, value: '' },
  mode: { label: 'Mode', display: 'dropdown', type: 'str', order: 6, value: 'tables', options: [{ label: 'Tables', value: 'tables' }, { label: 'Query', value: 'query' }] },
  query: { label: 'Query', display: 'textarea', type: 'str', order: 7, depends_on: [{ field: 'mode', value: 'query' }], value: '' },
  tables: { label: 'Tables', display: 'list', type: 'list', order: 8, value: 'a,b' },
  password: { label: 'Password', display: 'textbox', type: 'str', order: 9, sensitive: true, required: true, value: 'hunter2' },
};

let mounted: Mounted | null = null;
afterEach(async () => {
  await mounted?.unmount();
  mounted = null;
});

async function mount(schema: Configuration = SCHEMA, onSave: (v: Record<string, ConfigScalar>) => Promise<void> = async () => {}) {
  mounted = await render(<ConfigForm configuration={schema} onSave={onSave} />);
  return mounted.container;
}

const field = (c: HTMLElement, name: string) => c.querySelector(`[name="${name}"]`) as HTMLInputElement | null;
const save = (c: HTMLElement) => click(c.querySelector('button[type="submit"]'));

describe('generated configuration form', () => {
  test('one input per display type, with the stored values and the tooltip', async () => {
    const c = await mount();
    assert.equal(field(c, 'host')!.tagName, 'INPUT');
    assert.equal(field(c, 'host')!.value, 'db.local');
    assert.equal(field(c, 'notes')!.tagName, 'TEXTAREA');
    assert.equal(field(c, 'notes')!.value, 'line one\nline two');
    assert.equal(field(c, 'port')!.getAttribute('inputmode'), 'numeric');
    assert.equal(field(c, 'port')!.value, '5432');
    assert.equal(field(c, 'ssl')!.type, 'checkbox');
    assert.equal(field(c, 'ssl')!.checked, false);
    assert.equal(field(c, 'mode')!.tagName, 'SELECT');
    assert.equal(field(c, 'mode')!.value, 'tables');
    assert.equal(field(c, 'tables')!.value, 'a,b');
    assert.equal(field(c, 'tables')!.placeholder, 'comma-separated');
    assert.match(c.textContent ?? '', /Name or address of the server\./);
    assert.ok(field(c, 'host')!.required);
  });

  test('a sensitive field is a password input that starts empty', async () => {
    const c = await mount();
    const pw = field(c, 'password')!;
    assert.equal(pw.type, 'password');
    assert.equal(pw.value, '');
    assert.doesNotMatch(c.innerHTML, /hunter2/);
    assert.match(pw.placeholder, /Stored/);
  });

  test('depends_on hides a field until its condition holds (toggle and dropdown)', async () => {
    const c = await mount();
    assert.equal(field(c, 'ca'), null);
    assert.equal(field(c, 'query'), null);
    await click(field(c, 'ssl'));
    assert.ok(field(c, 'ca'), 'CA certificate shows once TLS is on');
    await select(field(c, 'mode'), 'query');
    assert.ok(field(c, 'query'), 'Query shows in query mode');
    await select(field(c, 'mode'), 'tables');
    assert.equal(field(c, 'query'), null);
  });

  test('saves typed values; a stored secret is not sent back, a typed one is', async () => {
    const sent: Record<string, ConfigScalar>[] = [];
    const c = await mount(SCHEMA, async (v) => {
      sent.push(v);
    });
    await type(field(c, 'port'), '6543');
    await type(field(c, 'tables'), ' x, y,,z ');
    await save(c);
    await settle();
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0], { host: 'db.local', notes: 'line one\nline two', port: 6543, ssl: false, ca: null, mode: 'tables', query: null, tables: 'x,y,z' });
    assert.match(c.textContent ?? '', /Configuration saved/);
    await type(field(c, 'password'), 's3cret');
    await save(c);
    await settle();
    assert.equal(sent[1].password, 's3cret');
    assert.equal(field(c, 'password')!.value, '', 'the typed secret is cleared once saved');
  });

  test('required and validations block the save with inline messages; hidden fields are not checked', async () => {
    const sent: unknown[] = [];
    const c = await mount(SCHEMA, async (v) => {
      sent.push(v);
    });
    await type(field(c, 'host'), '');
    await type(field(c, 'port'), '70000');
    await save(c);
    await settle();
    assert.equal(sent.length, 0);
    assert.match(c.textContent ?? '', /Host is required/);
    assert.match(c.textContent ?? '', /Port must be less than 65536/);
    assert.doesNotMatch(c.textContent ?? '', /CA certificate is required/, 'hidden by depends_on');
    await type(field(c, 'port'), 'abc');
    assert.match(c.textContent ?? '', /Port must be a whole number/);
    await type(field(c, 'host'), 'db2');
    await type(field(c, 'port'), '1');
    await click(field(c, 'ssl'));
    await save(c);
    await settle();
    assert.equal(sent.length, 0);
    assert.match(c.textContent ?? '', /CA certificate is required/, 'shown and required once TLS is on');
    await type(field(c, 'ca'), '-----BEGIN CERTIFICATE-----');
    await save(c);
    await settle();
    assert.equal(sent.length, 1);
  });

  test('a failed save shows the API reason', async () => {
    const c = await mount(SCHEMA, async () => {
      throw new Error('Connector [c1] configuration value [port] is invalid');
    });
    await save(c);
    await settle();
    assert.match(c.querySelector('[role="alert"]')?.textContent ?? '', /configuration value \[port\] is invalid/);
  });

  test('a required sensitive field without a stored value must be typed', async () => {
    const sent: unknown[] = [];
    const c = await mount({ token: { label: 'Token', display: 'textbox', type: 'str', sensitive: true, required: true, value: null } }, async (v) => {
      sent.push(v);
    });
    await save(c);
    await settle();
    assert.equal(sent.length, 0);
    assert.match(c.textContent ?? '', /Token is required/);
  });
});
