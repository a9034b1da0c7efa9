/** `_filtering`, `_filtering/_validation`, `_filtering/_activate` (connector-api.md §6.12–§6.14, §3.3). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { createConnector, expectUnchanged, getConnector, update } from '../helpers/connectors.js';
import { startServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;
before(async () => { srv = await startServer(); });
after(() => srv.close());

const V = 'action_request_validation_exception';
const X = 'x_content_parse_exception';
const T1 = '2023-01-01T00:00:00.000Z';
const T2 = '2023-02-02T00:00:00.000Z';
const rule = (id: string, order: number, extra: Record<string, unknown> = {}) => ({
  created_at: T1, field: 'title', id, order, policy: 'exclude', rule: 'contains', updated_at: T1, value: id, ...extra,
});
const defaultRule = (order: number, ts: string) => ({ created_at: ts, field: '_', id: 'DEFAULT', order, policy: 'include', rule: 'regex', updated_at: ts, value: '.*' });
const result = async (id: string, action: string, body?: unknown) => ok(await update(srv, id, action, body)).result as string;
const filtering = async (id: string) => (await getConnector(srv, id, true)).filtering;

describe('PUT _filtering, draft form', () => {
  before(() => createConnector(srv, 'f1'));

  it('normalises rules into the draft, resets its validation to edited, leaves active alone', async () => {
    const active = (await filtering('f1'))[0].active;
    assert.equal(await result('f1', '_filtering', { rules: [rule('b', 5), defaultRule(0, T2), rule('a', 1, { policy: 'INCLUDE' })] }), 'updated');
    const [f] = await filtering('f1');
    assert.deepEqual(f.active, active);
    assert.equal(f.domain, 'DEFAULT');
    assert.deepEqual(f.draft.rules, [rule('a', 1, { policy: 'include' }), rule('b', 5), defaultRule(6, T2)]);
    assert.deepEqual(f.draft.validation, { errors: [], state: 'edited' });
    assert.deepEqual(f.draft.advanced_snippet, active.advanced_snippet, 'snippet kept when not given');
  });

  it('the same fully timestamped draft again is noop', async () => {
    const body = { rules: [rule('a', 1, { policy: 'include' }), rule('b', 5), defaultRule(6, T2)] };
    assert.equal(await result('f1', '_filtering', body), 'noop');
  });

  it('an empty rule list becomes the default rule stamped now', async () => {
    const before = Date.now();
    assert.equal(await result('f1', '_filtering', { rules: [] }), 'updated');
    const rules = (await filtering('f1'))[0].draft.rules;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].id, 'DEFAULT');
    assert.equal(rules[0].order, 0);
    assert.ok(Date.parse(rules[0].created_at) >= before - 1000);
  });

  it('advanced_snippet alone replaces the snippet and keeps the rules', async () => {
    await update(srv, 'f1', '_filtering', { rules: [rule('a', 1)] });
    const rulesBefore = (await filtering('f1'))[0].draft.rules;
    assert.equal(await result('f1', '_filtering', { advanced_snippet: { value: [{ tables: ['t'] }], created_at: T1, extra: 1 } }), 'updated');
    const draft = (await filtering('f1'))[0].draft;
    assert.deepEqual(draft.rules, rulesBefore);
    assert.equal(draft.advanced_snippet.created_at, T1);
    assert.deepEqual(draft.advanced_snippet.value, [{ tables: ['t'] }]);
    assert.equal('extra' in draft.advanced_snippet, false);
  });

  it('drops unknown keys inside rules (lenient nested parsing)', async () => {
    ok(await update(srv, 'f1', '_filtering', { rules: [{ ...rule('z', 1), bogus: true }] }));
    assert.equal('bogus' in (await filtering('f1'))[0].draft.rules[0], false);
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['neither form', {}, V, 'Validation Failed: 1: [advanced_snippet] and [rules] cannot be both [null].;'],
    ['both forms', { filtering: [], rules: [] }, V,
      'Validation Failed: 1: If [filtering] is specified, [rules] and [advanced_snippet] should not be present in the request body.;'],
    ['unknown top-level field', { rules: [], draft: {} }, X, '[connector_update_filtering_request] unknown field [draft]'],
    ['rules not an array', { rules: {} }, X, /failed to parse field \[rules\]/],
    ['unknown rule condition', { rules: [rule('a', 1, { rule: 'CONTAINS' })] }, X, /failed to parse field \[rule\]/],
    ['unknown policy', { rules: [rule('a', 1, { policy: 'maybe' })] }, X, /failed to parse field \[policy\]/],
    ['rule without id', { rules: [{ field: 'f', order: 1, policy: 'include', rule: 'equals', value: 'v' }] }, 'illegal_argument_exception', 'Required [id]'],
    ['numeric timestamp', { rules: [rule('a', 1, { created_at: 1 })] }, X, /failed to parse field \[created_at\]/],
    ['snippet value a string', { advanced_snippet: { value: 'SELECT 1' } }, X, /failed to parse field \[value\]/],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`400 ${name}, draft unchanged`, async () => {
      const res = await expectUnchanged(srv, 'f1', () => update(srv, 'f1', '_filtering', body), 400);
      assertError(res, 400, type, reason);
    });
  }
});

describe('PUT _filtering, full form', () => {
  const rules = (state: string) => ({
    advanced_snippet: { created_at: T1, updated_at: T1, value: {} },
    rules: [defaultRule(0, T1)],
    validation: { errors: [], state },
  });

  it('replaces the whole array, forcing domain DEFAULT', async () => {
    await createConnector(srv, 'f2');
    assert.equal(await result('f2', '_filtering', { filtering: [{ active: rules('valid'), draft: rules('invalid'), domain: 'mine' }] }), 'updated');
    assert.deepEqual(await filtering('f2'), [{ active: rules('valid'), domain: 'DEFAULT', draft: rules('invalid') }]);
    assert.equal(await result('f2', '_filtering', { filtering: [{ active: rules('valid'), draft: rules('invalid') }] }), 'noop');
  });

  it('works on a soft-deleted connector (no pre-GET, §9.2)', async () => {
    await createConnector(srv, 'f3');
    ok(await srv.inject({ method: 'DELETE', url: '/_connector/f3' }));
    assert.equal(await result('f3', '_filtering', { filtering: [{ active: rules('valid'), draft: rules('valid') }] }), 'updated');
  });

  it('400 when an element lacks active or draft', async () => {
    await createConnector(srv, 'f4');
    const res = await expectUnchanged(srv, 'f4', () => update(srv, 'f4', '_filtering', { filtering: [{ active: rules('valid') }] }), 400);
    assertError(res, 400, 'illegal_argument_exception', 'Required [draft]');
  });
});

describe('PUT _filtering/_validation and _filtering/_activate', () => {
  before(() => createConnector(srv, 'fv'));

  it('activation refuses a draft that is not valid', async () => {
    ok(await update(srv, 'fv', '_filtering', { rules: [rule('a', 1)] }));
    const res = await expectUnchanged(srv, 'fv', () => update(srv, 'fv', '_filtering/_activate'), 400);
    assertError(res, 400, 'status_exception',
      'Filtering draft needs to be validated by the connector service before activation. Current filtering draft validation state [edited] is not equal to [valid].');
  });

  it('_validation replaces only the draft validation (state case-insensitive)', async () => {
    const before = (await filtering('fv'))[0];
    const validation = { errors: [{ ids: ['a'], messages: ['bad regex'], x: 1 }], state: 'INVALID' };
    assert.equal(await result('fv', '_filtering/_validation', { validation }), 'updated');
    const after = (await filtering('fv'))[0];
    assert.deepEqual(after.draft.validation, { errors: [{ ids: ['a'], messages: ['bad regex'] }], state: 'invalid' });
    assert.deepEqual(after.draft.rules, before.draft.rules);
    assert.deepEqual(after.active, before.active);
    assert.equal(await result('fv', '_filtering/_validation', { validation }), 'noop');
    assertError(await update(srv, 'fv', '_filtering/_activate'), 400, 'status_exception', /Current filtering draft validation state \[invalid\]/);
  });

  it('a valid draft is copied into active; the draft and its validation stay', async () => {
    ok(await update(srv, 'fv', '_filtering/_validation', { validation: { errors: [], state: 'valid' } }));
    assert.equal(await result('fv', '_filtering/_activate'), 'updated');
    const [f] = await filtering('fv');
    assert.deepEqual(f.active, f.draft);
    assert.equal(f.draft.validation.state, 'valid');
    assert.deepEqual(f.active.rules.map((r: { id: string }) => r.id), ['a', 'DEFAULT']);
    assert.equal(await result('fv', '_filtering/_activate'), 'noop');
  });

  const bad: [string, unknown, string, string | RegExp][] = [
    ['missing validation', {}, 'illegal_argument_exception', 'Required [validation]'],
    ['unknown state', { validation: { errors: [], state: 'fine' } }, X, /failed to parse field \[state\]/],
    ['errors missing', { validation: { state: 'valid' } }, 'illegal_argument_exception', 'Required [errors]'],
    ['error without messages', { validation: { errors: [{ ids: [] }], state: 'valid' } }, 'illegal_argument_exception', 'Required [messages]'],
    ['unknown field', { validation: { errors: [], state: 'valid' }, state: 'valid' }, X,
      '[connector_update_filtering_validation_request] unknown field [state]'],
  ];
  for (const [name, body, type, reason] of bad) {
    it(`_validation: 400 ${name}`, async () => {
      assertError(await expectUnchanged(srv, 'fv', () => update(srv, 'fv', '_filtering/_validation', body), 400), 400, type, reason);
    });
  }

  it('_activate: 400 with a body', async () => {
    const res = await expectUnchanged(srv, 'fv', () => update(srv, 'fv', '_filtering/_activate', {}), 400);
    assertError(res, 400, 'illegal_argument_exception', 'request [PUT /_connector/fv/_filtering/_activate] does not support having a body');
  });
});
