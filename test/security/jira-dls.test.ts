/**
 * Document-level security of the `jira` source end to end: the source reads the fixture Jira
 * (its permission scheme grants, an issue security level with a group, a project role and the
 * reporter), its content documents and access-control documents go into the embedded index and
 * `.search-acl-filter-<index>`, and a search application's API key built from each user's
 * access-control document sees exactly the projects, issues and attachments Jira lets that
 * user browse — as the fixture itself computes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testContext } from '../../src/sources/source.case.js';
import { jiraConfig } from '../../src/sources/jira/contract.fixture.js';
import { jiraSource } from '../../src/sources/jira/datasource.js';
import { FakeJira } from '../../src/sources/jira/jira.fixture.js';
import { startSecureServer, TEST_ROLES, TEST_USERS, type SecureServer } from '../helpers/secure-server.js';

const INDEX = 'search-jira';
const ACL = `.search-acl-filter-${INDEX}`;
const USERS = { ...TEST_USERS, searchapp: { password: 'searchapp-password', roles: ['search_app'] } };
const ROLES = { ...TEST_ROLES, search_app: { cluster: ['manage_own_api_key'], indices: [{ names: [INDEX, ACL], privileges: ['read'] }] } };
const root: [string, string] = ['root', USERS.root.password];
const app: [string, string] = ['searchapp', USERS.searchapp.password];

let srv: SecureServer;
let j: FakeJira;
const PEOPLE = ['acc-ada', 'acc-bob', 'acc-carl', 'acc-eve'];

/** What Jira lets `account` browse, by document id (the fixture's own permission model). */
function visibleTo(account: string): string[] {
  const out: string[] = [];
  for (const p of j.projects.values()) if (j.granted(p.browse).has(account)) out.push(`project-${p.id}`);
  for (const i of j.issues.values()) {
    if (!j.browsers(i).has(account)) continue;
    out.push(`${j.projects.get(i.project)!.name}-${i.key}`);
    for (const a of i.attachments) out.push(`${i.key}-${a.id}`);
  }
  return out.sort();
}

async function put(index: string, id: string, doc: Record<string, unknown>): Promise<void> {
  const res = await srv.inject({ method: 'PUT', url: `/${index}/_doc/${encodeURIComponent(id)}`, auth: root, body: doc });
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
}

before(async () => {
  j = await new FakeJira('cloud').start();
  j.user('ada', 'Ada Lovelace', ['devs']);
  j.user('bob', 'Bob Smith', ['support']);
  j.user('carl', 'Carl Support', ['support']);
  j.user('eve', 'Eve Outsider', []);
  const demo = j.project('DEMO', 'Demo', { users: ['acc-eve'], groups: ['devs', 'support', 'jira-administrators'] });
  demo.roles['10002'] = { users: ['acc-bob'], groups: [] };
  j.project('OPS', 'Operations', { users: [], groups: ['support', 'jira-administrators'] });
  j.levels.set('100', { id: '100', name: 'Devs only', holders: [{ type: 'group', name: 'devs' }, { type: 'projectRole', roleId: '10002' }, { type: 'reporter' }, { type: 'user', accountId: 'acc-admin' }] });
  j.issue('DEMO');
  const secret = j.issue('DEMO', { security: '100', reporter: 'acc-admin' });
  j.attach(secret, 'secret.txt', 'classified');
  const ops = j.issue('OPS');
  j.attach(ops, 'runbook.txt', 'restart it');

  srv = await startSecureServer({ users: USERS, roles: ROLES }, { contentIndex: true });
  const mappings = { properties: { _allow_access_control: { type: 'keyword', fields: { enum: { type: 'keyword' } } } } };
  assert.equal((await srv.inject({ method: 'PUT', url: `/${INDEX}`, auth: root, body: { mappings } })).statusCode, 200);
  const s = jiraSource.create(jiraConfig(j, { use_document_level_security: true }));
  for await (const d of s.getDocs(testContext())) {
    const { _id, ...doc } = d;
    await put(INDEX, _id, { title: doc.title ?? doc.Type, _allow_access_control: doc._allow_access_control });
  }
  for await (const d of s.getAccessControl!(testContext())) {
    const { _id, ...doc } = d;
    await put(ACL, _id, doc);
  }
  await s.close();
  await srv.inject({ method: 'POST', url: `/${INDEX},${ACL}/_refresh`, auth: root });
});
after(async () => {
  await srv?.close();
  await j?.close();
});

async function keyFor(account: string): Promise<string> {
  const acl = await srv.inject({ method: 'GET', url: `/${ACL}/_doc/${encodeURIComponent(account)}`, auth: app });
  assert.equal(acl.statusCode, 200, acl.body);
  const { query } = acl.json()._source;
  const res = await srv.inject({
    method: 'POST', url: '/_security/api_key', auth: app,
    body: { name: `jira-${account}`, role_descriptors: { dls: { indices: [{ names: [INDEX], privileges: ['read'], query }] } } },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().encoded;
}

describe('jira DLS through the API', () => {
  test('the users see different sets (the test can tell them apart)', () => {
    const sets = PEOPLE.map((p) => visibleTo(p).join());
    assert.equal(new Set(sets).size, PEOPLE.length, sets.join(' | '));
  });

  for (const account of PEOPLE) {
    test(`${account} sees exactly what Jira lets them browse`, async () => {
      const key = await keyFor(account);
      const res = await srv.inject({ method: 'POST', url: `/${INDEX}/_search`, apiKey: key, body: { size: 100 } });
      assert.equal(res.statusCode, 200, res.body);
      const ids = (res.json().hits.hits as { _id: string }[]).map((h) => h._id).sort();
      assert.deepEqual(ids, visibleTo(account));
    });
  }
});
