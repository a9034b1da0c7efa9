import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileBasicRules, validateBasicRules, type RuleInput } from './sync-rules.js';

const DEFAULT: RuleInput = { id: 'DEFAULT', order: 100, policy: 'include', field: '_', rule: 'regex', value: '.*' };

let seq = 0;
function rule(field: string, cond: string, value: string, policy = 'include', order = seq++): RuleInput {
  return { id: `r${order}`, order, policy, field, rule: cond, value };
}

/** Does a lone include rule (followed by an exclude-everything rule) match the document? */
function matches(r: RuleInput, doc: Record<string, unknown>): boolean {
  const excludeRest: RuleInput = { id: 'rest', order: r.order + 1, policy: 'exclude', field: '_', rule: 'regex', value: '.*' };
  return compileBasicRules([{ ...r, policy: 'include' }, excludeRest])(doc);
}

describe('compileBasicRules: ordering and policies', () => {
  it('includes everything with only the default rule, or with no rules', () => {
    assert.equal(compileBasicRules([DEFAULT])({ a: 1 }), true);
    assert.equal(compileBasicRules([DEFAULT])({}), true);
    assert.equal(compileBasicRules([])({ a: 1 }), true);
  });

  it('the first matching rule by order decides, not the array position', () => {
    const rules = [
      DEFAULT,
      { id: 'keep-pdf', order: 2, policy: 'include', field: 'ext', rule: 'equals', value: 'pdf' },
      { id: 'drop-secret', order: 1, policy: 'exclude', field: 'title', rule: 'contains', value: 'secret' },
    ];
    const m = compileBasicRules(rules);
    assert.equal(m({ ext: 'pdf', title: 'secret plan' }), false); // order 1 wins over order 2
    assert.equal(m({ ext: 'pdf', title: 'plan' }), true);
    assert.equal(m({ ext: 'txt', title: 'plan' }), true); // default rule
  });

  it('keeps the given order for equal orders (stable sort)', () => {
    const a: RuleInput = { id: 'a', order: 1, policy: 'exclude', field: 'x', rule: 'equals', value: '1' };
    const b: RuleInput = { id: 'b', order: 1, policy: 'include', field: 'x', rule: 'equals', value: '1' };
    assert.equal(compileBasicRules([a, b])({ x: 1 }), false);
    assert.equal(compileBasicRules([b, a])({ x: 1 }), true);
  });

  it('an include rule before an exclude-all keeps only what it matches', () => {
    const m = compileBasicRules([
      { id: 'only-docs', order: 0, policy: 'include', field: 'type', rule: 'equals', value: 'doc' },
      { id: 'rest', order: 1, policy: 'exclude', field: '_', rule: 'regex', value: '.*' },
    ]);
    assert.equal(m({ type: 'doc' }), true);
    assert.equal(m({ type: 'img' }), false);
    assert.equal(m({}), false);
  });

  it('reads policies case-insensitively', () => {
    const m = compileBasicRules([{ id: 'x', order: 0, policy: 'EXCLUDE', field: 'a', rule: 'equals', value: '1' }, DEFAULT]);
    assert.equal(m({ a: '1' }), false);
  });

  it('includes a document no rule matches, even without a default rule', () => {
    const m = compileBasicRules([{ id: 'x', order: 0, policy: 'exclude', field: 'a', rule: 'equals', value: '1' }]);
    assert.equal(m({ a: '2' }), true);
  });

  it('refuses rules it cannot evaluate, naming them', () => {
    assert.throws(() => compileBasicRules([rule('a', 'regex', '(')]), /Cannot apply sync rules: Rule \[r\d+\]: invalid regex \[\(\]/);
    assert.throws(() => compileBasicRules([rule('a', 'like', 'x')]), /unknown condition \[like\]/);
    assert.throws(() => compileBasicRules([rule('a', 'equals', 'x', 'maybe')]), /unknown policy \[maybe\]/);
  });
});

describe('compileBasicRules: fields', () => {
  it('never matches a missing, null or undefined field', () => {
    for (const cond of ['equals', 'contains', 'starts_with', 'ends_with', '<', '>', 'regex']) {
      const r = rule('a', cond, cond === 'regex' ? 'x*' : 'x');
      assert.equal(matches(r, {}), false, cond);
      assert.equal(matches(r, { a: null }), false, cond);
      assert.equal(matches(r, { a: undefined }), false, cond);
    }
  });

  it('reaches nested objects with dots', () => {
    const r = rule('author.name', 'equals', 'Ada');
    assert.equal(matches(r, { author: { name: 'Ada' } }), true);
    assert.equal(matches(r, { author: { name: 'Bob' } }), false);
    assert.equal(matches(r, { author: 'Ada' }), false);
    assert.equal(matches(rule('a.b.c', 'equals', '1'), { a: { b: { c: 1 } } }), true);
  });

  it('prefers a key that literally contains the dots', () => {
    const r = rule('meta.size', 'equals', '1');
    assert.equal(matches(r, { 'meta.size': 1, meta: { size: 2 } }), true);
    assert.equal(matches(rule('a.b.c', 'equals', '1'), { a: { 'b.c': 1 } }), true);
  });

  it('matches when any element of an array matches', () => {
    assert.equal(matches(rule('tags', 'equals', 'red'), { tags: ['blue', 'red'] }), true);
    assert.equal(matches(rule('tags', 'equals', 'red'), { tags: ['blue'] }), false);
    assert.equal(matches(rule('tags', 'equals', 'red'), { tags: [] }), false);
    assert.equal(matches(rule('authors.name', 'starts_with', 'A'), { authors: [{ name: 'Bob' }, { name: 'Ada' }] }), true);
  });

  it('does not read inherited properties', () => {
    assert.equal(matches(rule('toString', 'contains', 'function'), {}), false);
  });
});

describe('compileBasicRules: conditions', () => {
  it('equals compares strings exactly, and numbers numerically when both parse', () => {
    assert.equal(matches(rule('ext', 'equals', 'pdf'), { ext: 'pdf' }), true);
    assert.equal(matches(rule('ext', 'equals', 'pdf'), { ext: 'PDF' }), false);
    assert.equal(matches(rule('ext', 'equals', 'pdf'), { ext: 'pdf ' }), false);
    assert.equal(matches(rule('n', 'equals', '5'), { n: 5 }), true);
    assert.equal(matches(rule('n', 'equals', '5.0'), { n: 5 }), true);
    assert.equal(matches(rule('n', 'equals', '7'), { n: '007' }), true);
    assert.equal(matches(rule('n', 'equals', '1e3'), { n: 1000 }), true);
    assert.equal(matches(rule('n', 'equals', '5'), { n: 6 }), false);
    assert.equal(matches(rule('n', 'equals', 'five'), { n: 5 }), false);
    assert.equal(matches(rule('n', 'equals', '10'), { n: 10n }), true);
  });

  it('equals reads booleans the way Elastic does', () => {
    assert.equal(matches(rule('ok', 'equals', 'true'), { ok: true }), true);
    assert.equal(matches(rule('ok', 'equals', 'Yes'), { ok: true }), true);
    assert.equal(matches(rule('ok', 'equals', 'off'), { ok: false }), true);
    assert.equal(matches(rule('ok', 'equals', 'true'), { ok: false }), false);
    assert.equal(matches(rule('ok', 'equals', 'true'), { ok: 'true' }), true);
  });

  it('equals compares a Date value as an instant', () => {
    const when = new Date('2024-05-01T00:00:00Z');
    assert.equal(matches(rule('d', 'equals', '2024-05-01'), { d: when }), true);
    assert.equal(matches(rule('d', 'equals', '2024-05-01T00:00:00.000Z'), { d: when }), true);
    assert.equal(matches(rule('d', 'equals', '2024-05-02'), { d: when }), false);
  });

  it('contains, starts_with and ends_with are case-sensitive substring tests on the value as text', () => {
    assert.equal(matches(rule('t', 'contains', 'port'), { t: 'quarterly report' }), true);
    assert.equal(matches(rule('t', 'contains', 'Port'), { t: 'quarterly report' }), false);
    assert.equal(matches(rule('t', 'starts_with', 'quar'), { t: 'quarterly report' }), true);
    assert.equal(matches(rule('t', 'starts_with', 'report'), { t: 'quarterly report' }), false);
    assert.equal(matches(rule('t', 'ends_with', 'report'), { t: 'quarterly report' }), true);
    assert.equal(matches(rule('t', 'ends_with', 'quar'), { t: 'quarterly report' }), false);
    assert.equal(matches(rule('n', 'contains', '23'), { n: 1234 }), true);
    assert.equal(matches(rule('b', 'starts_with', 'tr'), { b: true }), true);
    assert.equal(matches(rule('o', 'contains', '"k":1'), { o: { k: 1 } }), true);
  });

  it('< and > compare numbers numerically', () => {
    assert.equal(matches(rule('size', '>', '100'), { size: 250 }), true);
    assert.equal(matches(rule('size', '>', '100'), { size: 100 }), false);
    assert.equal(matches(rule('size', '<', '100'), { size: 99.5 }), true);
    assert.equal(matches(rule('size', '<', '100'), { size: '25' }), true); // "25" < "100" as text would be false
    assert.equal(matches(rule('size', '>', '9'), { size: 10 }), true);
    assert.equal(matches(rule('size', '<', '-1'), { size: -2 }), true);
  });

  it('< and > compare dates when both sides are dates', () => {
    assert.equal(matches(rule('modified', '>', '2024-01-01'), { modified: '2024-06-30T10:00:00Z' }), true);
    assert.equal(matches(rule('modified', '>', '2024-01-01'), { modified: '2023-12-31T23:59:59Z' }), false);
    assert.equal(matches(rule('modified', '<', '2024-01-01T00:00:00+02:00'), { modified: '2023-12-31T23:00:00Z' }), false);
    assert.equal(matches(rule('modified', '<', '2024-01-01T00:00:00+02:00'), { modified: '2023-12-31T21:00:00Z' }), true);
    assert.equal(matches(rule('modified', '<', '2024-01-01'), { modified: new Date('2023-05-05T00:00:00Z') }), true);
  });

  it('< and > fall back to string comparison', () => {
    assert.equal(matches(rule('name', '<', 'm'), { name: 'apple' }), true);
    assert.equal(matches(rule('name', '>', 'm'), { name: 'apple' }), false);
    assert.equal(matches(rule('name', '>', 'apple'), { name: 'apple' }), false);
    assert.equal(matches(rule('name', '<', 'apple'), { name: 'apple' }), false);
    // A number against a non-numeric value compares as text.
    assert.equal(matches(rule('v', '<', 'abc'), { v: 5 }), true);
  });

  it('regex is anchored at the start of the value only, like Python re.match', () => {
    assert.equal(matches(rule('path', 'regex', '/docs/'), { path: '/docs/a.md' }), true);
    assert.equal(matches(rule('path', 'regex', 'docs'), { path: '/docs/a.md' }), false);
    assert.equal(matches(rule('path', 'regex', '.*\\.md'), { path: '/docs/a.md' }), true);
    assert.equal(matches(rule('path', 'regex', '.*\\.md$'), { path: '/docs/a.md.bak' }), false);
    assert.equal(matches(rule('path', 'regex', 'a|/d'), { path: '/docs' }), true);
    assert.equal(matches(rule('n', 'regex', '\\d{3}'), { n: 12345 }), true);
  });

  it('regex accepts Python syntax', () => {
    assert.equal(matches(rule('t', 'regex', '(?i)report'), { t: 'REPORT 2024' }), true);
    assert.equal(matches(rule('t', 'regex', '(?P<y>\\d{4})-(?P<m>\\d{2})'), { t: '2024-05' }), true);
    assert.equal(matches(rule('t', 'regex', '(?i:rep)ORT'), { t: 'REPORT' }), true, 'scoped flags work too (RE2)');
    assert.equal(matches(rule('t', 'regex', 'ab(?#comment)c'), { t: 'abc' }), true);
    assert.equal(matches(rule('t', 'regex', '\\Aabc\\Z'), { t: 'abc' }), true);
    assert.equal(matches(rule('t', 'regex', '\\Aabc\\Z'), { t: 'abcd' }), false);
    assert.equal(matches(rule('t', 'regex', '[]a]+'), { t: ']a]' }), true);
    assert.equal(matches(rule('t', 'regex', '(?s)a.b'), { t: 'a\nb' }), true);
    assert.equal(matches(rule('t', 'regex', 'a.b'), { t: 'a\nb' }), false);
  });

  it('a regex rule is reusable across documents (no lastIndex leakage)', () => {
    const m = compileBasicRules([rule('t', 'regex', 'a'), { ...DEFAULT, policy: 'exclude' }]);
    assert.equal(m({ t: 'abc' }), true);
    assert.equal(m({ t: 'abc' }), true);
    assert.equal(m({ t: 'bc' }), false);
  });
});

describe('validateBasicRules', () => {
  it('accepts the default filtering and ordinary rules', () => {
    assert.deepEqual(validateBasicRules([DEFAULT]), []);
    assert.deepEqual(validateBasicRules([]), []);
    assert.deepEqual(
      validateBasicRules([
        { id: 'a', order: 0, policy: 'exclude', field: 'size', rule: '>', value: 'not-a-number' },
        { id: 'b', order: 1, policy: 'include', field: 'path', rule: 'regex', value: '^/docs/.*' },
        DEFAULT,
      ]),
      [],
    );
  });

  it('reports an invalid regex with the rule id', () => {
    assert.deepEqual(validateBasicRules([{ id: 'bad', order: 0, policy: 'include', field: 'a', rule: 'regex', value: '(unclosed' }]), [
      { ids: ['bad'], messages: ['Rule [bad]: invalid regex [(unclosed]: missing closing ): `(unclosed`'] },
    ]);
    const [unsupported] = validateBasicRules([{ id: 'x', order: 0, policy: 'include', field: 'a', rule: 'regex', value: '(?x) a b' }]);
    assert.match(unsupported!.messages[0]!, /inline flag \(\?x\) is not supported/);
  });

  it('reports a match-all regex outside the default rule', () => {
    for (const value of ['.*', '(.*)']) {
      const [err] = validateBasicRules([{ id: 'all', order: 0, policy: 'exclude', field: 'title', rule: 'regex', value }]);
      assert.deepEqual(err!.ids, ['all']);
      assert.match(err!.messages[0]!, /matches everything; only the default rule \(field "_"\) may use it/);
    }
  });

  it('reports duplicate ids once per id', () => {
    const errs = validateBasicRules([
      { id: 'dup', order: 0, policy: 'include', field: 'a', rule: 'equals', value: '1' },
      { id: 'dup', order: 1, policy: 'include', field: 'b', rule: 'equals', value: '2' },
      DEFAULT,
    ]);
    assert.deepEqual(errs, [{ ids: ['dup'], messages: ['Rule id [dup] is used by 2 rules; rule ids must be unique'] }]);
  });

  it('reports rules with the same field, condition and value on both rules, whatever their policies', () => {
    const errs = validateBasicRules([
      { id: 'a', order: 0, policy: 'include', field: 'ext', rule: 'equals', value: 'pdf' },
      { id: 'b', order: 1, policy: 'exclude', field: 'ext', rule: 'equals', value: 'pdf' },
      DEFAULT,
    ]);
    assert.deepEqual(errs.map((e) => e.ids), [['b'], ['a']]);
    assert.match(errs[0]!.messages[0]!, /^Rule \[b\] has the same field, condition and value \[ext equals pdf\] as rule \[a\]/);
  });

  it('reports shape problems: empty id, field or value, bad order, unknown policy or condition', () => {
    const bad = { id: '', order: Number.NaN, policy: 'keep', field: '', rule: 'like', value: '' };
    const errs = validateBasicRules([bad, DEFAULT]);
    assert.equal(errs.length, 1);
    assert.deepEqual(errs[0]!.ids, []);
    assert.deepEqual(errs[0]!.messages, [
      'Rule at position 0: id must be a non-empty string',
      'Rule at position 0: field must not be empty',
      'Rule at position 0: value must not be empty',
      'Rule at position 0: unknown policy [keep], expected include or exclude',
      'Rule at position 0: order must be a number',
      'Rule at position 0: unknown condition [like], expected one of contains, ends_with, equals, >, <, regex, starts_with',
    ]);
  });

  it('survives values of the wrong JSON type', () => {
    const weird = { id: 'w', order: 0, policy: 'include', field: 3, rule: 'equals', value: null } as unknown as RuleInput;
    const [err] = validateBasicRules([weird]);
    assert.deepEqual(err!.messages, ['Rule [w]: field must be a string', 'Rule [w]: value must be a string']);
    assert.throws(() => compileBasicRules([weird]), /field must be a string/);
  });
});
