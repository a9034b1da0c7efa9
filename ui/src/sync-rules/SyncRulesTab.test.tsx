/**
 * The sync rules tab in a DOM: the draft's basic rules with the default rule fixed last, adding,
 * editing, reordering and removing rules and the saved draft body, the connector service's own
 * checks inline (a bad regex), the advanced rules JSON checked, the draft → validation → active
 * states (edited, invalid with its errors, valid with Activate), and a read-only user.
 */
import '../../test/dom';
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { click, render, select, type, type Mounted } from '../../test/dom';
import type { Connector, FilteringRule, FilteringRules } from '../api/types';
import { SyncRulesTab } from './SyncRulesTab';
import { draftBody, draftStatus, move } from './rules';

const T = '2026-12-07T00:00:00.000Z';
const DEFAULT: FilteringRule = { id: 'DEFAULT', order: 1, policy: 'include', field: '_', rule: 'regex', value: '.*', created_at: T, updated_at: T };
const rules = (list: FilteringRule[], state: FilteringRules['validation']['state'] = 'valid', errors: FilteringRules['validation']['errors'] = []): FilteringRules => ({
  advanced_snippet: { value: {} },
  rules: list,
  validation: { state, errors },
});
const PDF: FilteringRule = { id: 'r1', order: 0, policy: 'exclude', field: 'extension', rule: 'equals', value: 'pdf' };

function connector(active: FilteringRules, draft: FilteringRules): Connector {
  return { id: 'c1', name: 'c1', index_name: 'search-c1', service_type: 'directory', status: 'connected', configuration: {}, filtering: [{ domain: 'DEFAULT', active, draft }] } as Connector;
}
const SAME = connector(rules([PDF, DEFAULT]), rules([PDF, DEFAULT]));

let mounted: Mounted | null = null;
afterEach(async () => {
  await mounted?.unmount();
  mounted = null;
});

async function mount(c: Connector, opts: { readOnly?: boolean; advanced?: boolean; saveDraft?: (b: ReturnType<typeof draftBody>) => Promise<void>; activate?: () => Promise<void> } = {}) {
  mounted = await render(
    <SyncRulesTab connector={c} readOnly={opts.readOnly ?? false} advanced={opts.advanced ?? false} saveDraft={opts.saveDraft ?? (async () => {})} activate={opts.activate ?? (async () => {})} />,
  );
  return mounted.container;
}
const byLabel = (c: HTMLElement, label: string) => c.querySelector(`[aria-label="${label}"]`) as HTMLInputElement | null;
const button = (c: HTMLElement, text: string) => [...c.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) ?? null;
const draftRows = (c: HTMLElement) => [...c.querySelectorAll('form [data-rule]')].map((r) => r.getAttribute('data-rule'));

describe('sync rules tab', () => {
  test('the draft rules, the default rule fixed last, and the active rules', async () => {
    const c = await mount(SAME);
    assert.deepEqual(draftRows(c), ['1', 'default']);
    assert.equal(byLabel(c, 'Rule 1 policy')!.value, 'exclude');
    assert.equal(byLabel(c, 'Rule 1 field')!.value, 'extension');
    assert.equal(byLabel(c, 'Rule 1 condition')!.value, 'equals');
    assert.equal(byLabel(c, 'Rule 1 value')!.value, 'pdf');
    assert.equal(c.querySelector('[data-rule="default"] input, [data-rule="default"] button'), null, 'the default rule has no control');
    assert.deepEqual([...c.querySelectorAll('[data-active-rule]')].map((r) => r.getAttribute('data-active-rule')), ['r1', 'DEFAULT']);
    assert.equal(c.querySelector('[data-draft-state]')!.getAttribute('data-draft-state'), 'active');
  });

  test('add, edit, reorder and remove rules; the draft body keeps the default rule last', async () => {
    const sent: ReturnType<typeof draftBody>[] = [];
    const c = await mount(SAME, { saveDraft: async (b) => void sent.push(b) });
    await click(button(c, 'Add rule'));
    assert.deepEqual(draftRows(c), ['1', '2', 'default']);
    await select(byLabel(c, 'Rule 2 policy'), 'include');
    await type(byLabel(c, 'Rule 2 field'), 'path');
    await select(byLabel(c, 'Rule 2 condition'), 'starts_with');
    await type(byLabel(c, 'Rule 2 value'), '/reports/');
    await click(byLabel(c, 'Move rule 2 up'));
    assert.equal(byLabel(c, 'Rule 1 field')!.value, 'path');
    await click(button(c, 'Add rule'));
    await click(byLabel(c, 'Remove rule 3'));
    await click(button(c, 'Save and validate draft'));
    assert.equal(sent.length, 1);
    assert.deepEqual(
      sent[0].rules.map(({ order, policy, field, rule, value }) => ({ order, policy, field, rule, value })),
      [
        { order: 0, policy: 'include', field: 'path', rule: 'starts_with', value: '/reports/' },
        { order: 1, policy: 'exclude', field: 'extension', rule: 'equals', value: 'pdf' },
        { order: 2, policy: 'include', field: '_', rule: 'regex', value: '.*' },
      ],
    );
    assert.equal(sent[0].rules[2].id, 'DEFAULT');
    assert.deepEqual(sent[0].advanced_snippet, { value: {} });
  });

  test("the connector service's checks show inline and block the save", async () => {
    const c = await mount(SAME);
    await select(byLabel(c, 'Rule 1 condition'), 'regex');
    await type(byLabel(c, 'Rule 1 value'), '(unclosed');
    assert.match(c.querySelector('[data-rule="1"]')!.textContent!, /regex|regular expression|\(unclosed/i);
    assert.equal(byLabel(c, 'Rule 1 field')!.getAttribute('aria-invalid'), 'true');
    assert.equal(button(c, 'Save and validate draft')!.disabled, true);
    await type(byLabel(c, 'Rule 1 value'), '^draft-.*');
    assert.equal(button(c, 'Save and validate draft')!.disabled, false);
  });

  test('advanced rules: JSON checked before saving, sent parsed', async () => {
    const sent: ReturnType<typeof draftBody>[] = [];
    const c = await mount(SAME, { advanced: true, saveDraft: async (b) => void sent.push(b) });
    const area = c.querySelector('textarea')!;
    await type(area, '{"query": ');
    assert.match(c.textContent!, /Not valid JSON/);
    assert.equal(button(c, 'Save and validate draft')!.disabled, true);
    await type(area, '"42"');
    assert.match(c.textContent!, /must be a JSON object or array/);
    await type(area, '[{"query": "SELECT 1"}]');
    await click(button(c, 'Save and validate draft'));
    assert.deepEqual(sent[0].advanced_snippet, { value: [{ query: 'SELECT 1' }] });
  });

  test('draft states: edited, invalid with the errors, valid with Activate', async () => {
    let c = await mount(connector(rules([DEFAULT]), rules([PDF, DEFAULT], 'edited')));
    assert.equal(c.querySelector('[data-draft-state]')!.getAttribute('data-draft-state'), 'edited');
    await mounted!.unmount();
    c = await mount(connector(rules([DEFAULT]), rules([PDF, DEFAULT], 'invalid', [{ ids: ['r1'], messages: ['Rule [r1]: field [extension] is not known'] }])));
    const invalid = c.querySelector('[data-draft-state="invalid"]')!;
    assert.match(invalid.textContent!, /Rule \[r1\]: field \[extension\] is not known/);
    await mounted!.unmount();
    let activated = 0;
    c = await mount(connector(rules([DEFAULT]), rules([PDF, DEFAULT])), { activate: async () => void activated++ });
    assert.ok(c.querySelector('[data-draft-state="valid"]'));
    await click(button(c, 'Activate draft rules'));
    assert.equal(activated, 1);
  });

  test('read-only: the rules are shown, nothing can be changed', async () => {
    const c = await mount(connector(rules([DEFAULT]), rules([PDF, DEFAULT])), { readOnly: true, advanced: true });
    assert.equal(button(c, 'Add rule'), null);
    assert.equal(button(c, 'Save and validate draft'), null);
    assert.equal(button(c, 'Activate draft rules'), null);
    assert.equal(byLabel(c, 'Remove rule 1'), null);
    assert.equal(byLabel(c, 'Rule 1 field')!.readOnly, true);
    assert.equal(byLabel(c, 'Rule 1 policy')!.disabled, true);
    assert.equal(c.querySelector('textarea')!.readOnly, true);
  });
});

describe('sync rules model', () => {
  test('move keeps bounds; draftStatus compares the draft to the active rules', () => {
    assert.deepEqual(move([1, 2, 3], 0, -1), [1, 2, 3]);
    assert.deepEqual(move([1, 2, 3], 2, 1), [1, 3, 2]);
    assert.equal(draftStatus(null), 'active');
    assert.equal(draftStatus(SAME.filtering![0]), 'active');
    assert.equal(draftStatus(connector(rules([DEFAULT]), rules([PDF, DEFAULT])).filtering![0]), 'valid-pending');
    // Order and timestamps of the default rule do not make a difference.
    assert.equal(draftStatus(connector(rules([{ ...DEFAULT, order: 0 }]), rules([{ ...DEFAULT, order: 5, updated_at: 'x' }])).filtering![0]), 'active');
  });
});
