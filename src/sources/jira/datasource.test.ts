import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { SourceError, type SourceDocument } from '../source.js';
import { collect, testContext } from '../source.case.js';
import { expectedIds, jiraConfig, seed } from './contract.fixture.js';
import { jiraSource } from './datasource.js';
import { FakeJira, type Deployment } from './jira.fixture.js';

let j: FakeJira;
afterEach(() => j?.close());

async function start(d: Deployment = 'cloud'): Promise<FakeJira> {
  j = await new FakeJira(d).start();
  return j;
}

async function full(config: Record<string, unknown>, ctx = testContext()) {
  const s = jiraSource.create(config);
  const docs = await collect(s.getDocs(ctx));
  const cursor = s.cursorAfterFullSync!();
  await s.close();
  return { docs, cursor, byId: new Map(docs.map((d) => [d._id, d])) };
}

async function incremental(config: Record<string, unknown>, cursor: Record<string, unknown> | null) {
  const s = jiraSource.create(config);
  const ctx = testContext({ syncCursor: cursor });
  const it = s.getDocsIncrementally!(ctx);
  const docs: SourceDocument[] = [];
  const deleted: string[] = [];
  let r = await it.next();
  for (; !r.done; r = await it.next()) {
    if ((r.value as { deleted?: boolean }).deleted === true) deleted.push(r.value._id);
    else docs.push(r.value as SourceDocument);
  }
  await s.close();
  return { docs, deleted, complete: ctx.complete, cursor: r.value as Record<string, unknown> };
}

describe('jira documents', () => {
  test('Cloud issues: Elastic fields, ADF and custom fields as text, every comment, attachment text', async () => {
    await start('cloud');
    j.project('DEMO', 'Demo project');
    const i = j.issue('DEMO', { custom: { customfield_10010: 5, customfield_10020: [{ value: 'Red' }, { value: 'Blue', child: { value: 'Navy' } }] } });
    for (let k = 1; k <= 12; k++) j.comment(i, `comment ${k}`);
    const a = j.attach(i, 'readme.md', '# Heading\nattached words');
    j.attach(i, 'photo.bin', Buffer.from([0, 1, 2, 3]), 'application/octet-stream');
    const { byId, docs } = await full(jiraConfig(j, { projects: 'DEMO' }));
    assert.deepEqual(docs.map((d) => d._id).sort(), expectedIds(j).sort());
    const doc = byId.get(`Demo project-${i.key}`)!;
    const issue = doc.Issue as Record<string, any>;
    assert.equal(doc.Type, 'Task');
    assert.equal(doc._timestamp, new Date(i.updated).toISOString());
    assert.equal(issue.description, `Description of ${i.key}\nsecond line`);
    assert.equal(issue.customfield_10020, 'Red, Blue - Navy');
    assert.deepEqual(issue.custom_fields, { 'Story Points': '5', Team: 'Red, Blue - Navy', Notes: `notes of ${i.key}` });
    assert.equal(issue.comment.total, 12);
    assert.deepEqual(issue.comment.comments.map((c: any) => c.body), Array.from({ length: 12 }, (_, k) => `comment ${k + 1}`), 'comments past the 5 embedded are read');
    assert.equal(issue.comment.comments[0].author, 'Site Admin');
    assert.match(String(doc.body), /comment 12/);
    assert.equal(doc.url, `${j.url}/browse/${i.key}`);
    const att = byId.get(`${i.key}-${a.id}`)!;
    assert.deepEqual([att.Type, att.title, att.issue, att.size], ['Attachment', 'readme.md', i.key, a.bytes.length]);
    assert.match(String(att.body), /attached words/);
    assert.equal(byId.get(`project-${j.projects.get('DEMO')!.id}`)!.Type, 'Project');
    assert.equal(j.counts.attachment, 1, 'only the attachment of a readable format is downloaded');
  });

  test('Server: REST v2 text fields, /secure/attachment downloads, user name credentials', async () => {
    await start('server');
    j.login = 'jira-bot';
    j.secret = 'p@ss';
    j.project('OPS', 'Operations');
    const i = j.issue('OPS');
    j.attach(i, 'log.txt', 'server attachment');
    const { byId } = await full(jiraConfig(j));
    assert.equal((byId.get(`Operations-${i.key}`)!.Issue as any).description, `Description of ${i.key}\nsecond line`);
    assert.match(String(byId.get(`${i.key}-${i.attachments[0].id}`)!.body), /server attachment/);
  });

  test('429 with Retry-After and 5xx in the middle of a sync lose no document', async () => {
    await start();
    seed(j, 60);
    const s = jiraSource.create(jiraConfig(j, { page_size: 10 }));
    const docs: SourceDocument[] = [];
    for await (const d of s.getDocs(testContext())) {
      docs.push(d);
      if (docs.length === 10) j.fail(1, 429, 0);
      if (docs.length === 30) j.fail(1, 503, 0);
    }
    await s.close();
    assert.equal(j.counts.failed, 2);
    assert.deepEqual(docs.map((d) => d._id).sort(), expectedIds(j).sort());
  });

  test('issues deleted and created between pages are neither skipped nor repeated (key-set paging)', async () => {
    await start();
    seed(j, 50);
    const before = [...j.issues.values()];
    const s = jiraSource.create(jiraConfig(j, { page_size: 5, concurrent_downloads: 1 }));
    const ids: string[] = [];
    let changed = false;
    for await (const d of s.getDocs(testContext())) {
      ids.push(d._id);
      if (!changed && ids.length === 12) {
        changed = true;
        j.issues.delete(before[0].id); // already read: the next pages must not shift
        j.issue('DEMO');
      }
    }
    await s.close();
    assert.equal(new Set(ids).size, ids.length, 'no repeats');
    const live = expectedIds(j).filter((id) => !id.startsWith('project-'));
    for (const id of live) assert.ok(ids.includes(id), `${id} was read`);
  });

  test('permanent errors name what to fix', async () => {
    await start();
    j.project('DEMO', 'Demo');
    const bad = jiraSource.create({ ...jiraConfig(j), api_token: 'wrong' });
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /rejected the credentials.*\[account_email\] and \[api_token\]/.test(e.message));
    await bad.close();
    const missing = jiraSource.create(jiraConfig(j, { projects: 'DEMO, NOPE' }));
    await assert.rejects(collect(missing.getDocs(testContext())), /No project could be found with key 'NOPE'.*fix \[projects\]/);
    await missing.close();
    const fenced = jiraSource.create(jiraConfig(j), { directoryRoots: null, allowedHosts: ['10.0.0.0/8'] });
    await assert.rejects(fenced.ping(), (e: unknown) => e instanceof Error && /host "127.0.0.1" is not allowed/.test(e.message), 'the egress allow-list is honoured');
    await fenced.close();
    const invalid = jiraSource.create({ ...jiraConfig(j), data_source: 'jira_moon' });
    await assert.rejects(invalid.ping(), /\[data_source\] must be one of/);
    await invalid.close();
  });
});

describe('jira incremental syncs', () => {
  test('only issues updated since the cursor, in the account time zone, without repeating the overlap', async () => {
    await start();
    seed(j, 40);
    const config = jiraConfig(j);
    const { cursor } = await full(config);
    const none = await incremental(config, cursor);
    assert.deepEqual(none.docs.filter((d) => !d._id.startsWith('project-')), [], 'nothing changed: the minute of overlap is deduplicated');
    assert.equal(none.complete, false);
    const issues = [...j.issues.values()];
    j.touch(issues[3]);
    j.comment(issues[4], 'a new comment');
    const added = j.issue('OPS');
    const r = await incremental(config, none.cursor);
    const keys = r.docs.filter((d) => d.Issue).map((d) => String(d._id).replace(/^.*-(\w+-\d+)$/, '$1')).sort();
    assert.deepEqual(keys, [issues[3].key, issues[4].key, added.key].sort());
    assert.equal(r.complete, false);
    assert.deepEqual(r.deleted, []);
  });

  test('a removed attachment is deleted from the changelog; a deleted issue re-enumerates', async () => {
    await start();
    j.project('DEMO', 'Demo');
    const i = j.issue('DEMO');
    const a = j.attach(i, 'a.txt', 'x');
    j.issue('DEMO');
    const config = jiraConfig(j);
    const { cursor } = await full(config);
    j.detach(i, a);
    const r = await incremental(config, cursor);
    assert.deepEqual(r.deleted, [`${i.key}-${a.id}`]);
    assert.equal(r.complete, false);
    j.issues.delete(i.id);
    const r2 = await incremental(config, r.cursor);
    assert.equal(r2.complete, true, 'deletions are applied by a sweep');
    assert.deepEqual(r2.docs.map((d) => d._id).sort(), expectedIds(j).sort());
  });

  test('Cloud without the classic search (410 Gone): the enhanced /search/jql, counts by id pages', async () => {
    await start();
    seed(j, 30);
    j.classicSearchGone = true;
    const config = jiraConfig(j, { page_size: 7 });
    const { docs, cursor } = await full(config);
    assert.deepEqual(docs.map((d) => d._id).sort(), expectedIds(j).sort());
    const i = [...j.issues.values()][2];
    j.touch(i);
    const r = await incremental(config, cursor);
    assert.deepEqual(r.docs.filter((d) => d.Issue).map((d) => d._id), [`Demo project-${i.key}`]);
    assert.equal(r.complete, false);
    j.issues.delete([...j.issues.values()][0].id);
    assert.equal((await incremental(config, r.cursor)).complete, true, 'a deletion is still seen');
  });

  test('changed projects or rules, or a foreign cursor, start over', async () => {
    await start();
    seed(j, 10);
    const { cursor } = await full(jiraConfig(j));
    const r = await incremental(jiraConfig(j, { projects: 'DEMO' }), cursor);
    assert.equal(r.complete, true);
    for (const bad of [{ ...cursor, max_id: '1) OR (1=1' }, { ...cursor, max_id: 1e300 }, { ...cursor, version: 2 }]) {
      assert.equal((await incremental(jiraConfig(j), bad)).complete, true, 'a cursor this version did not write starts over');
    }
  });
});

describe('jira advanced rules', () => {
  test('JQL queries select the issues (OR-ed, ORDER BY dropped); the server judges the JQL', async () => {
    await start();
    seed(j, 30);
    const special = j.issue('OPS', { summary: 'database outage' });
    const rules = [{ query: 'summary ~ "outage" ORDER BY created DESC' }, { query: `project = DEMO AND id <= ${[...j.issues.values()][0].id}` }];
    const { docs } = await full(jiraConfig(j), testContext({ advancedRules: rules }));
    const first = [...j.issues.values()][0];
    assert.deepEqual(docs.filter((d) => d.Issue).map((d) => d._id).sort(), [`Operations-${special.key}`, `Demo project-${first.key}`].sort());
    assert.ok(!docs.some((d) => d._id.startsWith('project-')), 'no project documents under advanced rules, as Elastic');
    const s = jiraSource.create(jiraConfig(j));
    assert.deepEqual(await s.validateAdvancedRules!(rules), { valid: true, messages: [] });
    const bad = await s.validateAdvancedRules!([{ query: 'project = DEMO' }, { query: 'colour = red' }]);
    assert.deepEqual(bad, { valid: false, messages: ["Rule 2: Jira rejects the JQL: Field 'colour' does not exist or you do not have permission to view it."] });
    assert.equal((await s.validateAdvancedRules!({ query: 'x' })).valid, false);
    await s.close();
  });
});

describe('jira document-level security', () => {
  async function secured(d: Deployment) {
    await start(d);
    const ada = j.user('ada', 'Ada Lovelace', ['devs']);
    const bob = j.user('bob', 'Bob Smith', ['support']);
    j.user('dan', 'Dan Desk', ['support'], { roles: ['jira-servicedesk'] });
    const eve = j.user('eve', 'Eve Outsider', []);
    j.user('bot', 'Some App', [], { accountType: 'app' });
    j.user('gone', 'Gone User', ['devs'], { active: false });
    j.user('carl', 'Carl Support', ['support']);
    const p = j.project('DEMO', 'Demo', { users: [eve.accountId], groups: ['devs', 'support', 'jira-administrators'] });
    p.roles['10002'] = { users: [bob.accountId], groups: [] };
    j.levels.set('100', { id: '100', name: 'Devs only', holders: [{ type: 'group', name: 'devs' }, { type: 'projectRole', roleId: '10002' }, { type: 'reporter' }, { type: 'user', accountId: 'acc-admin' }, { type: 'applicationRole', key: 'jira-servicedesk' }] });
    const open = j.issue('DEMO');
    const closed = j.issue('DEMO', { security: '100', reporter: eve.accountId });
    const att = j.attach(closed, 'secret.txt', 'classified');
    return { ada, bob, eve, open, closed, att };
  }

  test('Cloud: project browsers, security level members (groups, roles, reporter), attachments inherit', async () => {
    const { ada, bob, eve, open, closed, att } = await secured('cloud');
    const { byId } = await full(jiraConfig(j, { use_document_level_security: true }));
    const acl = (id: string) => byId.get(id)!._allow_access_control as string[];
    const project = acl(`project-${j.projects.get('DEMO')!.id}`);
    for (const u of [ada, bob, eve]) assert.ok(project.includes(`account_id:${u.accountId}`), u.name);
    assert.ok(project.includes('name:Ada-Lovelace'));
    assert.ok(!project.includes('account_id:acc-bot'), 'app accounts are not readers');
    assert.deepEqual(acl(`Demo-${open.key}`), project);
    const secret = acl(`Demo-${closed.key}`);
    assert.ok(secret.includes('group_id:gid-devs') && secret.includes(`account_id:${bob.accountId}`) && secret.includes(`account_id:${eve.accountId}`), secret.join());
    assert.ok(!secret.includes(`account_id:${ada.accountId}`), 'ada reads it through her group');
    assert.ok(!secret.includes('account_id:acc-carl'), 'carl browses the project, but is not in the level');
    assert.ok(secret.includes('role_key:jira-servicedesk'), 'an application role of the level');
    assert.deepEqual(acl(`${closed.key}-${att.id}`), secret);
  });

  test('Server: issue permissions come from the permission search of the issue', async () => {
    const { ada, bob, eve, closed } = await secured('server');
    const { byId } = await full(jiraConfig(j, { use_document_level_security: true }));
    const secret = byId.get(`Demo-${closed.key}`)!._allow_access_control as string[];
    for (const u of [ada, bob, eve]) assert.ok(secret.includes(`account_id:${u.name}`), u.name);
    assert.ok(!secret.includes('account_id:carl'), 'carl browses the project, but is not in the level');
    const s = jiraSource.create(jiraConfig(j, { use_document_level_security: true }));
    const users = await collect(s.getAccessControl!(testContext()));
    await s.close();
    assert.deepEqual(users.map((d) => d._id).sort(), ['admin', 'ada', 'bob', 'bot', 'carl', 'dan', 'eve'].sort(), 'Server has no account types; inactive users are left out');
    const ada2 = users.find((d) => d._id === 'ada')!;
    assert.deepEqual((ada2.query as any).template.params.access_control, ['account_id:ada', 'group:devs', 'role_key:jira-software'], 'Server groups have no ids: group:<name>');
  });

  test('access-control documents: active atlassian users with their groups and roles', async () => {
    await secured('cloud');
    const s = jiraSource.create(jiraConfig(j, { use_document_level_security: true }));
    const docs = await collect(s.getAccessControl!(testContext()));
    await s.close();
    assert.deepEqual(docs.map((d) => d._id).sort(), ['acc-ada', 'acc-admin', 'acc-bob', 'acc-carl', 'acc-dan', 'acc-eve']);
    const ada = docs.find((d) => d._id === 'acc-ada')!;
    assert.deepEqual((ada.query as any).template.params.access_control, ['account_id:acc-ada', 'group_id:gid-devs', 'role_key:jira-software']);
    assert.equal((ada.identity as any).email_address, 'email_address:ada@example.com');
    const off = jiraSource.create(jiraConfig(j));
    assert.deepEqual(await collect(off.getAccessControl!(testContext())), []);
    await off.close();
  });
});
