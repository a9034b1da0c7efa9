import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throwsApi } from '../../../test/helpers/assert-es.js';
import {
  defaultFiltering, defaultRule, filteringParsers, firstFiltering, isDefaultRule, normaliseDraftRules, type FilteringRule,
} from './filtering.js';

const NOW = '2024-06-01T00:00:00.000Z';
const OLD = '2020-01-01T00:00:00.000Z';
const P = filteringParsers(NOW);

function rule(id: string, order: number, extra: Partial<FilteringRule> = {}): FilteringRule {
  return { created_at: OLD, field: 'f', id, order, policy: 'include', rule: 'equals', updated_at: OLD, value: 'v', ...extra };
}
const def = (order: number, ts = OLD): FilteringRule => ({ ...defaultRule(ts, order) });

describe('default filtering (§3.3)', () => {
  it('has one default rule, an empty snippet and a valid validation, active = draft', () => {
    const f = defaultFiltering(NOW);
    assert.deepEqual(f.draft, {
      advanced_snippet: { created_at: NOW, updated_at: NOW, value: {} },
      rules: [{ created_at: NOW, field: '_', id: 'DEFAULT', order: 0, policy: 'include', rule: 'regex', updated_at: NOW, value: '.*' }],
      validation: { errors: [], state: 'valid' },
    });
    assert.deepEqual(f.active, f.draft);
    assert.equal(f.domain, 'DEFAULT');
  });

  it('detects the default rule ignoring timestamps and order', () => {
    assert.equal(isDefaultRule(def(7, NOW)), true);
    assert.equal(isDefaultRule({ ...def(0), created_at: 'x' } as FilteringRule), true);
  });

  for (const [k, v] of [['field', 'x'], ['id', 'OTHER'], ['policy', 'exclude'], ['rule', 'equals'], ['value', '.+']] as const) {
    it(`a rule differing in ${k} is not the default rule`, () => {
      assert.equal(isDefaultRule({ ...def(0), [k]: v } as FilteringRule), false);
    });
  }
});

describe('draft rule normalisation (§3.3 steps 1–4)', () => {
  it('1: an empty list becomes the default rule with order 0 stamped now', () => {
    assert.deepEqual(normaliseDraftRules([], NOW), [defaultRule(NOW, 0)]);
  });

  it('2: removes every supplied default rule', () => {
    const out = normaliseDraftRules([def(0), rule('a', 1), def(5)], NOW);
    assert.deepEqual(out.map((r) => r.id), ['a', 'DEFAULT']);
  });

  it('2: stable-sorts the other rules by order ascending', () => {
    const out = normaliseDraftRules([rule('c', 5), rule('a', 1), rule('b', 1), rule('z', -2)], NOW);
    assert.deepEqual(out.map((r) => r.id), ['z', 'a', 'b', 'c', 'DEFAULT']);
  });

  it('2: keeps the other rules unchanged (timestamps included)', () => {
    const r = rule('a', 3, { policy: 'exclude', rule: 'regex', value: 'x.*' });
    assert.deepEqual(normaliseDraftRules([r], NOW)[0], r);
  });

  it('3: appends the default rule after the last order', () => {
    const out = normaliseDraftRules([rule('a', 4), rule('b', 9)], NOW);
    assert.equal(out.length, 3);
    assert.equal(out[2].order, 10);
    assert.equal(isDefaultRule(out[2]), true);
  });

  it('3: only default rules given → one default rule with order 0', () => {
    const out = normaliseDraftRules([def(3), def(8)], NOW);
    assert.equal(out.length, 1);
    assert.equal(out[0].order, 0);
  });

  it('4: the appended rule keeps created_at of the first supplied default rule, updated_at the same', () => {
    const first = '2019-05-05T05:05:05.005Z';
    const out = normaliseDraftRules([rule('a', 1), { ...def(9), created_at: first, updated_at: NOW }, def(2, OLD)], NOW);
    const d = out[out.length - 1];
    assert.equal(d.created_at, first);
    assert.equal(d.updated_at, first);
  });

  it('4: without a supplied default rule both timestamps are now', () => {
    const d = normaliseDraftRules([rule('a', 1)], NOW)[1];
    assert.equal(d.created_at, NOW);
    assert.equal(d.updated_at, NOW);
  });

  it('does not modify its input', () => {
    const input = [rule('b', 2), rule('a', 1)];
    const copy = structuredClone(input);
    normaliseDraftRules(input, NOW);
    assert.deepEqual(input, copy);
  });
});

describe('filtering parsers (lenient nested, §1.4, §3.3)', () => {
  const fullRule = { created_at: '2023-05-25T12:30:00Z', field: 'f', id: '1', order: 1, policy: 'include', rule: 'equals', updated_at: '2023-05-25T12:30:00.123456Z', value: 'v' };

  it('rule: normalises timestamps and keeps fields in writer order', () => {
    const r = P.rule(fullRule, 'rules', 'p') as FilteringRule;
    assert.deepEqual(r, { ...fullRule, created_at: '2023-05-25T12:30:00.000Z', updated_at: '2023-05-25T12:30:00.123456Z' });
    assert.deepEqual(Object.keys(r), ['created_at', 'field', 'id', 'order', 'policy', 'rule', 'updated_at', 'value']);
  });

  it('rule: timestamps default to the request time; null counts as absent', () => {
    const { created_at: _c, updated_at: _u, ...rest } = fullRule;
    const r = P.rule({ ...rest, created_at: null }, 'rules', 'p') as FilteringRule;
    assert.equal(r.created_at, NOW);
    assert.equal(r.updated_at, NOW);
  });

  it('rule: timestamps may be epoch millis strings, not numbers', () => {
    const r = P.rule({ ...fullRule, created_at: '0' }, 'rules', 'p') as FilteringRule;
    assert.equal(r.created_at, '1970-01-01T00:00:00.000Z');
    throwsApi(() => P.rule({ ...fullRule, created_at: 0 }, 'rules', 'p'), 'x_content_parse_exception');
    throwsApi(() => P.rule({ ...fullRule, created_at: 'yesterday' }, 'rules', 'p'), 'x_content_parse_exception');
  });

  it('rule: drops unknown keys', () => {
    const r = P.rule({ ...fullRule, extra: 1, nested: { a: 1 } }, 'rules', 'p') as Record<string, unknown>;
    assert.equal('extra' in r, false);
    assert.equal('nested' in r, false);
  });

  for (const k of ['field', 'id', 'order', 'policy', 'rule', 'value']) {
    it(`rule: ${k} is required`, () => {
      const body: Record<string, unknown> = { ...fullRule };
      delete body[k];
      throwsApi(() => P.rule(body, 'rules', 'p'), 'illegal_argument_exception', `Required [${k}]`);
    });
  }

  it('rule: policy is case-insensitive and written lowercase', () => {
    assert.equal((P.rule({ ...fullRule, policy: 'EXCLUDE' }, 'rules', 'p') as FilteringRule).policy, 'exclude');
    const e = throwsApi(() => P.rule({ ...fullRule, policy: 'maybe' }, 'rules', 'p'), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown FilteringPolicy [maybe].');
  });

  it('rule: condition must match exactly, > and < literally', () => {
    for (const c of ['contains', 'ends_with', 'equals', '>', '<', 'regex', 'starts_with']) {
      assert.equal((P.rule({ ...fullRule, rule: c }, 'rules', 'p') as FilteringRule).rule, c);
    }
    const e = throwsApi(() => P.rule({ ...fullRule, rule: 'EQUALS' }, 'rules', 'p'), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown FilteringRuleCondition [EQUALS].');
  });

  it('rule: wrong JSON types are rejected', () => {
    throwsApi(() => P.rule({ ...fullRule, order: 'first' }, 'rules', 'p'), 'x_content_parse_exception');
    throwsApi(() => P.rule({ ...fullRule, value: 5 }, 'rules', 'p'), 'x_content_parse_exception');
    throwsApi(() => P.rule({ ...fullRule, field: null }, 'rules', 'p'), 'x_content_parse_exception');
    throwsApi(() => P.rule('a rule', 'rules', 'p'), 'x_content_parse_exception');
  });

  it('snippet: value must be an object or an array', () => {
    assert.deepEqual(P.snippet({ value: { q: 1 } }, 'advanced_snippet', 'p'), { created_at: NOW, updated_at: NOW, value: { q: 1 } });
    assert.deepEqual((P.snippet({ value: [1] }, 'advanced_snippet', 'p') as { value: unknown }).value, [1]);
    for (const [v, tok] of [['x', 'VALUE_STRING'], [1, 'VALUE_NUMBER']] as const) {
      const e = throwsApi(() => P.snippet({ value: v }, 'advanced_snippet', 'p'), 'x_content_parse_exception');
      assert.equal(e.causedBy?.reason, `Unsupported token [${tok}]. Expected an array or an object.`);
    }
    throwsApi(() => P.snippet({}, 'advanced_snippet', 'p'), 'illegal_argument_exception', 'Required [value]');
  });

  it('validation: errors and state required, state case-insensitive, each error needs ids and messages', () => {
    assert.deepEqual(P.validation({ errors: [{ ids: ['1'], messages: ['m'], x: 1 }], state: 'INVALID', y: 2 }, 'validation', 'p'), {
      errors: [{ ids: ['1'], messages: ['m'] }],
      state: 'invalid',
    });
    throwsApi(() => P.validation({ state: 'valid' }, 'validation', 'p'), 'illegal_argument_exception', 'Required [errors]');
    throwsApi(() => P.validation({ errors: [] }, 'validation', 'p'), 'illegal_argument_exception', 'Required [state]');
    throwsApi(() => P.validation({ errors: [{ ids: [] }], state: 'valid' }, 'validation', 'p'), 'illegal_argument_exception', 'Required [messages]');
    const e = throwsApi(() => P.validation({ errors: [], state: 'great' }, 'validation', 'p'), 'x_content_parse_exception');
    assert.equal(e.causedBy?.reason, 'Unknown FilteringValidationState [great].');
  });

  it('rules: advanced_snippet, rules and validation are all required', () => {
    const ok = { advanced_snippet: { value: {} }, rules: [], validation: { errors: [], state: 'valid' } };
    assert.ok(P.rules(ok, 'active', 'p'));
    for (const k of Object.keys(ok)) {
      const body: Record<string, unknown> = { ...ok };
      delete body[k];
      throwsApi(() => P.rules(body, 'active', 'p'), 'illegal_argument_exception', `Required [${k}]`);
    }
  });

  it('filtering: domain is ignored on input and written as DEFAULT [9.x]', () => {
    const rules = { advanced_snippet: { value: {} }, rules: [fullRule], validation: { errors: [], state: 'valid' } };
    const f = P.filtering({ active: rules, draft: rules, domain: 'custom' }, 'filtering', 'p') as { domain: string };
    assert.equal(f.domain, 'DEFAULT');
    assert.deepEqual(Object.keys(f), ['active', 'domain', 'draft']);
    throwsApi(() => P.filtering({ active: rules }, 'filtering', 'p'), 'illegal_argument_exception', 'Required [draft]');
  });
});

describe('firstFiltering', () => {
  it('returns the stored element, or a default one when the document has none', () => {
    const f = defaultFiltering(OLD);
    assert.equal(firstFiltering({ filtering: [f] }, NOW), f);
    assert.deepEqual(firstFiltering({}, NOW), defaultFiltering(NOW));
    assert.deepEqual(firstFiltering({ filtering: [] }, NOW), defaultFiltering(NOW));
    assert.deepEqual(firstFiltering({ filtering: ['x'] }, NOW), defaultFiltering(NOW));
  });
});
