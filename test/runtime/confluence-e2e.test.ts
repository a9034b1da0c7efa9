/**
 * The `confluence` source end to end (issue 18, "test it end to end"): a server, a worker over
 * loopback HTTP, a `confluence` connector configured through the Connector API with Elastic's
 * keys against the Confluence fixture server, document-level security on. A full sync and an
 * access-control sync fill the content index and `.search-acl-filter-<index>`; for every user,
 * the query of their access-control document (Elastic's template, rendered as a search
 * application renders it) run against the content index returns exactly what Confluence shows
 * them. An incremental sync then adds a comment on a restricted page, with its page's readers;
 * a full sync after a deletion removes the page and everything below it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { confluenceConfig, confluenceShows, dlsScenario } from '../../src/sources/confluence/confluence-source.fixture.js';
import { startFakeConfluence, type FakeConfluence } from '../../src/sources/confluence/confluence.fixture.js';
import { startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const ID = 'wiki';
let s: Stack;
let f: FakeConfluence;

before(async () => {
  f = await startFakeConfluence();
  dlsScenario(f);
  s = await startStack();
});

after(async () => {
  await s?.close();
  await f?.close();
});

async function sync(type: 'full' | 'incremental' | 'access_control') {
  const id = await syncNow(s, ID, type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 60_000);
  assert.equal(job.status, 'completed', `${type} job error: ${job.error}`);
  return job;
}

/** The titles a user's access-control document lets through, searched as a search application would. */
async function titlesFor(acl: { query: { template: { source: string; params: { access_control: string[] } } } }): Promise<string[]> {
  const query = JSON.parse(acl.query.template.source.replace('{{#toJson}}access_control{{/toJson}}', JSON.stringify(acl.query.template.params.access_control)));
  const r = await s.call('POST', `/${ID}/_search`, { query, size: 100, _source: ['title'] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.hits.hits.map((h: { _source: { title: string } }) => h._source.title).sort();
}

test('a confluence connector with document-level security: each user finds exactly what Confluence shows them', async () => {
  const put = await s.call('PUT', `/_connector/${ID}`, { index_name: ID, service_type: 'confluence', name: 'Wiki' });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', `/_connector/${ID}`)).body.status === 'needs_configuration');
  const schema = (await s.call('GET', `/_connector/${ID}`)).body.configuration;
  assert.equal(schema.api_token.sensitive, true);
  assert.equal(schema.spaces.type, 'list');
  const feat = await s.call('PUT', `/_connector/${ID}/_features`, { features: { document_level_security: { enabled: true } } });
  assert.ok(feat.status < 300, JSON.stringify(feat.body));
  const values = confluenceConfig(f, 'ENG,PUB', { use_document_level_security: true });
  const cfg = await s.call('PUT', `/_connector/${ID}/_configuration`, { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', `/_connector/${ID}`)).body.status === 'connected');

  const full = await sync('full');
  assert.equal(full.indexed_document_count, 12);
  await sync('access_control');
  const acls = (await s.call('POST', `/.search-acl-filter-${ID}/_search`, { size: 100 })).body.hits.hits.map((h: { _source: unknown }) => h._source);
  assert.equal(acls.length, f.users.length);
  const all = (await s.call('POST', `/${ID}/_search`, { size: 100, _source: ['title'] })).body.hits.hits.map((h: { _source: { title: string } }) => h._source.title);
  for (const u of f.users) {
    const acl = acls.find((a: { identity: { account_id: string } }) => a.identity.account_id === `account_id:${u.accountId}`);
    assert.ok(acl, `access-control document of ${u.username}`);
    assert.deepEqual(await titlesFor(acl), all.filter((t: string) => confluenceShows(f, u, t)).sort(), `what ${u.username} finds`);
  }

  const bobs = [...f.content.values()].find((c) => c.title === 'Bob only')!;
  f.add({ type: 'comment', spaceKey: 'ENG', title: 'Late secret comment', parent: bobs.id, body: '<p>late heron</p>' });
  const inc = await sync('incremental');
  assert.equal(inc.indexed_document_count, 1);
  for (const u of f.users) {
    const acl = acls.find((a: { identity: { account_id: string } }) => a.identity.account_id === `account_id:${u.accountId}`);
    assert.equal((await titlesFor(acl)).includes('Late secret comment'), u.username === 'bob', `${u.username} and the late comment`);
  }

  f.remove(bobs.id); // the page, its child page, comments and attachment
  const again = await sync('full');
  assert.equal(again.deleted_document_count, 5);
  const left = (await s.call('POST', `/${ID}/_search`, { size: 100, _source: ['title'] })).body.hits.hits.map((h: { _source: { title: string } }) => h._source.title).sort();
  assert.deepEqual(left, [...f.spaces.values()].map((x) => x.name).concat([...f.content.values()].map((c) => c.title)).sort(), 'a full sync removes what Confluence deleted');
});
