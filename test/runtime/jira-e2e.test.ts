/**
 * The `jira` source end to end: a server, a worker over loopback HTTP, a `jira` connector
 * configured through the Connector API with Elastic's keys against the fixture Jira. A full sync
 * indexes projects, issues and attachments (with their text); an incremental sync after an edit,
 * an addition and a removed attachment applies exactly those; an incremental sync after an issue
 * is deleted re-enumerates and the runtime sweeps it; 429s with Retry-After on the way lose
 * nothing. The index always holds exactly what Jira holds.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectedIds, seed } from '../../src/sources/jira/contract.fixture.js';
import { FakeJira } from '../../src/sources/jira/jira.fixture.js';
import { indexIds, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

let s: Stack;
let j: FakeJira;

before(async () => {
  j = await new FakeJira('cloud').start();
  seed(j, 120);
  s = await startStack();
});

after(async () => {
  await s?.close();
  await j?.close();
});

async function sync(type: 'full' | 'incremental') {
  const id = await syncNow(s, 'jiradocs', type);
  const job = await waitForJob(s, id, ['completed', 'error', 'canceled'], 120_000);
  assert.equal(job.status, 'completed', `job error: ${job.error}`);
  return job;
}

async function assertIndexMatchesJira() {
  const ids = await indexIds(s, 'jiradocs');
  assert.deepEqual([...ids.keys()].sort(), expectedIds(j).sort());
}

test('a jira connector configured through the API syncs, fully then incrementally, deletions included', async () => {
  const put = await s.call('PUT', '/_connector/jiradocs', { index_name: 'jiradocs', service_type: 'jira', name: 'jiradocs' });
  assert.ok(put.status < 300, JSON.stringify(put.body));
  await waitFor('schema registration', async () => (await s.call('GET', '/_connector/jiradocs')).body.status === 'needs_configuration');
  const schema = (await s.call('GET', '/_connector/jiradocs')).body.configuration;
  assert.equal(schema.api_token.sensitive, true);
  assert.equal(schema.data_source.value, 'jira_cloud');
  const values = { data_source: 'jira_cloud', jira_url: j.url, account_email: j.login, api_token: j.secret, projects: '*', retry_count: 3 };
  const cfg = await s.call('PUT', '/_connector/jiradocs/_configuration', { values });
  assert.ok(cfg.status < 300, JSON.stringify(cfg.body));
  await waitFor('connected', async () => (await s.call('GET', '/_connector/jiradocs')).body.status === 'connected');

  j.fail(1, 429, 1);
  const full = await sync('full');
  assert.equal(full.indexed_document_count, expectedIds(j).length);
  await assertIndexMatchesJira();
  const hit = await s.call('POST', '/jiradocs/_search', { query: { match: { body: 'attachment text' } }, size: 1 });
  assert.ok(hit.body.hits.total.value > 0, 'attachment text is searchable');

  const issues = [...j.issues.values()];
  j.touch(issues[1], 'renamed heron issue');
  const withAttachment = issues.find((i) => i.attachments.length)!;
  j.detach(withAttachment, withAttachment.attachments[0]);
  j.issue('OPS');
  j.fail(1, 503);
  const inc = await sync('incremental');
  assert.ok(inc.indexed_document_count <= 2 + 3, `incremental indexed ${inc.indexed_document_count}`);
  await assertIndexMatchesJira();
  const renamed = await s.call('POST', '/jiradocs/_search', { query: { match: { title: 'heron' } } });
  assert.equal(renamed.body.hits.total.value, 1);

  j.issues.delete(issues[3].id);
  await sync('incremental');
  await assertIndexMatchesJira();
});
