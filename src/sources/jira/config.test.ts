import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { jiraConfigSchema, projectList, readJiraSettings } from './config.js';
import { balanced, jqlMinute, pagedJql, selectionJql, validateJiraRulesShape, withoutOrderBy } from './rules.js';

const OK = { data_source: 'jira_cloud', jira_url: 'https://x.atlassian.net', account_email: 'a@b.c', api_token: 't', projects: 'demo, OPS,demo' };

test('the schema: Elastic keys and order, projects at 9', () => {
  const s = jiraConfigSchema();
  assert.equal(s.projects.order, 9);
  assert.equal(s.projects.type, 'list');
  assert.equal(s.jira_url.order, 8);
  assert.equal(s.concurrent_downloads.default_value, 100);
  assert.deepEqual(s.data_source.options!.map((o) => o.label), ['Jira Cloud', 'Jira Server', 'Jira Data Center']);
});

test('settings: projects upper-cased and deduplicated, * alone, bounds', () => {
  const s = readJiraSettings(OK);
  assert.deepEqual(s.projects, ['DEMO', 'OPS']);
  assert.equal(s.pageSize, 100);
  assert.equal(s.maxFileSize, 10 * 1024 * 1024);
  assert.deepEqual(projectList(['A', '*']), ['*']);
  for (const [v, re] of [
    ['', /\[projects\] is required/],
    ['1ABC', /\[projects\]: \[1ABC\] is not a project key/],
    ['A B', /not a project key/],
    [{ a: 1 }, /must be a comma-separated list/],
  ] as const) assert.throws(() => projectList(v), (e: unknown) => e instanceof SourceConfigError && re.test(e.message));
  assert.throws(() => readJiraSettings({ ...OK, max_file_size: 0 }), /\[max_file_size\]/);
  assert.throws(() => readJiraSettings({ ...OK, page_size: 5000 }), /\[page_size\]/);
});

test('JQL: selection, ORDER BY dropped outside quotes, key-set paging, minutes in the account time zone', () => {
  assert.equal(selectionJql(['A', 'B'], []), 'project in ("A", "B")');
  assert.equal(selectionJql(['*'], []), '');
  assert.equal(selectionJql(['*'], ['a = 1 order by created', 'summary ~ "order by x"']), '(a = 1) OR (summary ~ "order by x")');
  assert.equal(withoutOrderBy('ORDER BY id'), '');
  assert.equal(selectionJql(['*'], ['ORDER BY created DESC']), '', 'a query of only ORDER BY selects everything');
  assert.equal(pagedJql('project = A', 'updated >= "x"', 'id > 5'), '(project = A) AND updated >= "x" AND id > 5 ORDER BY id ASC');
  assert.equal(pagedJql(''), 'ORDER BY id ASC');
  const t = new Date('2026-12-07T23:30:45Z');
  assert.equal(jqlMinute(t, 'UTC'), '2026/12/07 23:30');
  assert.equal(jqlMinute(t, 'America/New_York'), '2026/12/07 18:30');
  assert.equal(jqlMinute(t, 'Asia/Kolkata'), '2026/12/08 05:00');
  assert.equal(jqlMinute(t, 'Not/AZone'), '2026/12/07 23:30');
});

test('advanced rules whose parentheses would escape the wrapping are refused', () => {
  assert.ok(balanced('(a = 1) AND summary ~ "x)"'));
  assert.ok(!balanced('project = A) OR (project = B'));
  assert.ok(!balanced('(a'));
  assert.deepEqual(validateJiraRulesShape([{ query: 'project = A' }, { query: 'project = A) OR (project = B' }]), {
    valid: false,
    messages: ['Rule 2: the parentheses of "query" do not balance.'],
  });
});
