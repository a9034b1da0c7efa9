/**
 * The `github` source end to end: a server, a worker over loopback HTTP, a `github` connector
 * configured through the Connector API with Elastic's keys against the GitHub REST fixture
 * server (src/sources/github/github.fixture.ts), document-level security on. A full sync and an
 * access-control sync fill the content index and `.search-acl-filter-<index>`; each member's
 * access-control query (the template Elastic's connectors write, rendered as a search
 * application does) sees exactly what GitHub lets the member see; an incremental sync after
 * changes on GitHub leaves the index holding exactly GitHub's current documents.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectedIds, ORG } from '../../src/sources/github/github-contract.fixture.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sources/github/github.fixture.js';
import type { FRepo } from '../../src/sources/github/github-data.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const INDEX = 'ghdocs';
let s: Stack;
let g: FakeGitHub;
let secret: FRepo;
let open: FRepo;

before(async () => {
  g = await startFakeGitHub();
  g.org(ORG, ['alice', 'bob']);
  g.user('carol', 'carol@example.com');
  secret = g.repo(ORG, 'secret', { private: true, collaborators: ['alice', 'carol'] });
  g.issue(secret, { user: 'alice', title: 'the secret heron' });
  g.issue(secret, { user: 'alice', pr: true });
  g.putFile(secret, 'PLAN.md', 'the secret plan of the heron');
  g.putFile(secret, 'old.md', 'to be removed');
  open = g.repo(ORG, 'open');
  g.issue(open, { user: 'bob', title: 'an open heron' });
  g.putFile(open, 'README.md', 'the open heron');
  s = await startStack();
  await new Promise((r) => setTimeout(r, 4200)); // past the source's margin for GitHub's clock
});

after(async () => {
  await s?.close();
  await g?.close();
});

async function sync(type: 'full' | 'incremental' | 'access_control') {
  const id = await syncNow(s, INDEX, type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 60_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return job;
}

/** What a member's search sees: the access-control document's query template, rendered. */
async function visibleTo(login: string): Promise<string[]> {
  const acl = await s.call('POST', `/.search-acl-filter-${INDEX}/_search`, { size: 100 });
  assert.equal(acl.status, 200, JSON.stringify(acl.body));
  const hit = (acl.body.hits.hits as { _source: { identity: { user_name: string }; query: { template: { source: string; params: { access_control: string[] } } } } }[])
    .find((h) => h._source.identity.user_name === `username:${login}`);
  assert.ok(hit, `an access-control document for ${login}`);
  const { source, params } = hit._source.query.template;
  const query = JSON.parse(source.replace('{{#toJson}}access_control{{/toJson}}', JSON.stringify(params.access_control)));
  const res = await s.call('POST', `/${INDEX}/_search`, { query, size: 100 });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.hits.hits as { _id: string }[]).map((h) => h._id).sort();
}

test('a github connector with document-level security syncs content and identities; each member sees what GitHub shows them', async () => {
  const put = await s.call('PUT', `/_connector/${INDEX}`, { index_name: INDEX, service_type: 'github', name: INDEX });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', `/_connector/${INDEX}`)).body.status === 'needs_configuration');
  const schema = (await s.call('GET', `/_connector/${INDEX}`)).body.configuration;
  assert.equal(schema.token.sensitive, true);
  assert.equal(schema.repositories.type, 'list');
  const values = { data_source: 'github_server', host: g.url, auth_method: 'personal_access_token', token: g.pat('alice'), repo_type: 'organization', org_name: ORG, repositories: '*', use_document_level_security: true };
  const cfg = await s.call('PUT', `/_connector/${INDEX}/_configuration`, { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', `/_connector/${INDEX}`)).body.status === 'connected');

  await sync('full');
  await sync('access_control');
  const ids = [...(await indexIds(s, INDEX)).keys()].sort();
  assert.deepEqual(ids, expectedIds(g).sort());
  const ofSecret = new Set(expectedIds(g).filter((id) => id === secret.node_id || id.startsWith(`${ORG}/secret/`) || [...secret.issues.values()].some((i) => i.node_id === id)));
  assert.equal(ofSecret.size, 5);
  assert.deepEqual(await visibleTo('alice'), ids, 'alice collaborates on the private repository');
  assert.deepEqual(await visibleTo('bob'), ids.filter((id) => !ofSecret.has(id)), 'bob sees the public repository only');
  const hit = await s.call('POST', `/${INDEX}/_search`, { query: { match: { body: 'heron' } }, size: 10 });
  assert.equal(hit.body.hits.total.value, 2, "the two files mentioning herons");

  g.removeFile(secret, 'old.md');
  g.putFile(open, 'CHANGES.md', 'a new heron');
  g.touch(open, 1, 'an updated heron');
  g.deleteIssue(secret, 2);
  await sync('incremental');
  // The deleted pull request is seen by the next full sync (docs/sources/github.md "Incremental syncs and deletions").
  const after = [...(await indexIds(s, INDEX)).keys()].sort();
  const gonePr = ids.find((id) => !expectedIds(g).includes(id) && !id.endsWith('old.md'))!;
  assert.deepEqual(after, [...expectedIds(g), gonePr].sort());
  await sync('full');
  assert.deepEqual([...(await indexIds(s, INDEX)).keys()].sort(), expectedIds(g).sort());
});
