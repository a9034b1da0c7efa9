import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTemplate, renderTemplate, type TemplateUser } from './dls-template.js';
import { intersect, parseRoleQuery, renderRoleQuery, unite } from './document-security.js';

const user = (username: string, metadata: Record<string, unknown> = {}): TemplateUser => ({ username, roles: ['r'], full_name: null, email: null, metadata });
const render = (source: string, u: TemplateUser, params: Record<string, unknown> = {}) => renderTemplate(parseTemplate(source), u, params);

describe('role query templates', () => {
  test('a variable inside a JSON string is escaped: quotes and backslashes cannot end the string', () => {
    const evil = 'a"}},{"match_all":{}}\\';
    const out = render('{"term": {"owner": "{{_user.metadata.name}}"}}', user('u', { name: evil }));
    assert.deepEqual(JSON.parse(out), { term: { owner: evil } });
  });

  test('a variable outside any string is written as one JSON value', () => {
    assert.deepEqual(JSON.parse(render('{"term": {"owner": {{_user.username}}}}', user('x", "y'))), { term: { owner: 'x", "y' } });
    assert.deepEqual(JSON.parse(render('{"term": {"n": {{_user.metadata.n}}}}', user('u', { n: 7 }))), { term: { n: 7 } });
  });

  test('toJson and join, over _user and params; a missing value is empty (null for toJson)', () => {
    const u = user('u', { groups: ['a', 'b"c'] });
    assert.deepEqual(JSON.parse(render('{"terms": {"g": {{#toJson}}_user.metadata.groups{{/toJson}}}}', u)), { terms: { g: ['a', 'b"c'] } });
    assert.deepEqual(JSON.parse(render('{"terms": {"g": {{#toJson}}access_control{{/toJson}}}}', u, { access_control: ['x', 'y'] })), { terms: { g: ['x', 'y'] } });
    assert.equal(JSON.parse(render('{"q": "{{#join}}_user.metadata.groups{{/join}}"}', u)).q, 'a,b"c');
    assert.equal(JSON.parse(render('{"q": "{{_user.metadata.none}}"}', u)).q, '');
    assert.equal(JSON.parse(render('{"q": {{#toJson}}_user.metadata.none{{/toJson}}}', u)).q, null);
  });

  test('other mustache features are refused', () => {
    for (const t of ['{{{x}}}', '{{#x}}y{{/x}}', '{{^x}}y{{/x}}', '{{> partial}}', '{{=<% %>=}}', '{{#toJson}}a{{/join}}', '{{x', '{{/toJson}}', '{{a b}}']) {
      assert.throws(() => parseTemplate(t), Error, t);
    }
  });

  test('hostile templates are refused in linear time (no backtracking)', () => {
    const hostile = ['{{' + ' '.repeat(60_000), '{{a' + ' '.repeat(60_000) + 'b', '{{#toJson}}' + ' '.repeat(60_000), '{{x}} '.repeat(10_000) + '{{'];
    for (const t of hostile) {
      const started = performance.now();
      assert.throws(() => parseTemplate(t));
      assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
    }
  });

  test('rendered size is bounded', () => {
    const big = 'x'.repeat(200_000);
    assert.throws(() => render('{"a": "{{_user.metadata.a}}", "b": "{{_user.metadata.a}}"}', user('u', { a: big })), /longer than/);
  });
});

describe('combining restrictions', () => {
  test('groups are ORed, a group without query lifts it; fields united; intersect applies both', () => {
    const a = { term: { a: 1 } };
    const b = { term: { b: 1 } };
    assert.deepEqual(unite([{ query: a, fields: null }, { query: b, fields: null }]).query, { bool: { should: [a, b], minimum_should_match: 1 } });
    assert.equal(unite([{ query: a, fields: null }, { query: null, fields: null }]).query, null);
    const u = unite([{ query: null, fields: (p) => p === 'x' }, { query: null, fields: (p) => p === 'y' }]);
    assert.ok(u.fields!('x') && u.fields!('y') && !u.fields!('z'));
    const both = intersect({ query: a, fields: (p) => p !== 'z' }, { query: b, fields: (p) => p !== 'y' });
    assert.deepEqual(both.query, { bool: { filter: [a, b] } });
    assert.ok(both.fields!('x') && !both.fields!('y') && !both.fields!('z'));
  });

  test('a JSON string query and an object query parse the same; a template renders per user', () => {
    assert.deepEqual(parseRoleQuery('{"term": {"a": 1}}'), parseRoleQuery({ term: { a: 1 } }));
    const t = parseRoleQuery({ template: { source: { term: { owner: '{{_user.username}}' } } } });
    assert.deepEqual(renderRoleQuery(t, user('zoe')), { term: { owner: 'zoe' } });
  });
});
