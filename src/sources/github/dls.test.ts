/**
 * Document-level security of the `github` source on the fixture server: an organization with
 * two members (alice, bob), an outside collaborator (carol), a private repository alice and
 * carol collaborate on, a public one. A member's view is what Elastic's DLS query keeps:
 * documents without `_allow_access_control`, and documents sharing an identity with the
 * member's access-control document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SourceDocument } from '../source.js';
import { collect, testContext, visibleTo } from '../source.case.js';
import { githubSource } from './datasource.js';
import { githubConfig, ORG } from './github-contract.fixture.js';
import { APP_ID, startFakeGitHub, type FakeGitHub } from './github.fixture.js';
import type { FRepo, FUser } from './github-data.fixture.js';

/** The ids of the documents a user's access-control document lets through. */
function visible(docs: SourceDocument[], acl: SourceDocument): string[] {
  return visibleTo(docs, acl).map((d) => String(d._id)).sort();
}

describe('github document level security', () => {
  let g: FakeGitHub;
  let secret: FRepo;
  let open: FRepo;
  let alice: FUser;
  let config: Record<string, unknown>;
  before(async () => {
    g = await startFakeGitHub();
    g.org(ORG, ['alice', 'bob']);
    alice = g.user('alice');
    g.user('carol', 'carol@example.com');
    secret = g.repo(ORG, 'secret', { private: true, collaborators: ['alice', 'carol'] });
    g.issue(secret, { user: 'alice' });
    g.putFile(secret, 'PLAN.md', 'the plan');
    open = g.repo(ORG, 'open');
    g.issue(open, { user: 'bob' });
    config = githubConfig(g, { use_document_level_security: true });
  });
  after(() => g.close());

  test('private documents carry the collaborators who are members; public ones no restriction', async () => {
    const s = githubSource.create(config);
    const docs = await collect(s.getDocs(testContext()));
    const acls = await collect(s.getAccessControl!(testContext()));
    await s.close();
    const ofSecret = docs.filter((d) => d._id === secret.node_id || d.repository === `${ORG}/secret`);
    assert.equal(ofSecret.length, 3);
    for (const d of ofSecret) assert.deepEqual(d._allow_access_control, [`email:${alice.email}`, `user_id:${alice.node_id}`, 'username:alice'].sort());
    for (const d of docs.filter((x) => !ofSecret.includes(x))) assert.ok(!('_allow_access_control' in d), `${d._id} is public`);

    assert.deepEqual(acls.map((a) => (a.identity as { user_name: string }).user_name).sort(), ['username:alice', 'username:bob']);
    const a = acls.find((x) => (x.identity as { user_name: string }).user_name === 'username:alice')!;
    const b = acls.find((x) => (x.identity as { user_name: string }).user_name === 'username:bob')!;
    assert.equal(a._id, alice.node_id);
    assert.deepEqual(a.identity, { user_id: `user_id:${alice.node_id}`, user_name: 'username:alice', email: `email:${alice.email}` });
    assert.match((a.query as { template: { source: string } }).template.source, /_allow_access_control\.enum/);
    const all = docs.map((d) => String(d._id)).sort();
    assert.deepEqual(visible(docs, a), all, 'alice sees everything');
    assert.deepEqual(visible(docs, b), docs.filter((d) => !ofSecret.includes(d)).map((d) => String(d._id)).sort(), 'bob sees the public repository only');
    assert.ok(visible(docs, b).includes(open.node_id));
  });

  test('without document level security: no permission fields, no identities', async () => {
    const s = githubSource.create({ ...config, use_document_level_security: false });
    const docs = await collect(s.getDocs(testContext()));
    assert.ok(docs.length > 0 && docs.every((d) => !('_allow_access_control' in d)));
    assert.deepEqual(await collect(s.getAccessControl!(testContext())), []);
    await s.close();
  });

  test('a GitHub App writes the members of the organizations it is installed on', async () => {
    g.install(ORG);
    const s = githubSource.create({ data_source: 'github_server', host: g.url, auth_method: 'github_app', app_id: APP_ID, private_key: g.appKey(), repo_type: 'organization', repositories: '*', use_document_level_security: true });
    const acls = await collect(s.getAccessControl!(testContext()));
    const docs = await collect(s.getDocs(testContext()));
    await s.close();
    assert.deepEqual(acls.map((a) => a._id).sort(), [alice.node_id, g.user('bob').node_id].sort());
    assert.ok((docs.find((d) => d._id === secret.node_id)!._allow_access_control as string[]).includes('username:alice'));
  });
});
