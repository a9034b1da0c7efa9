/**
 * Issue 11 item 14 end to end, on the real PostgreSQL (postgres://postgres@127.0.0.1:5432/test):
 * a column named `id` never overrides the runtime's document `id` (it is kept as
 * `<table>_id`), so two tables whose `id` columns have different types both index; and a job
 * whose documents fail says so (`completed` with `error` text, or `error` when all failed).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { Source, SourceFactory } from '../../src/sources/source.js';
import { postgresqlSource } from '../../src/sources/postgresql/datasource.js';
import { countDocs, startStack, syncNow, waitFor, waitForJob, type Stack } from './helpers/harness.js';

const url = process.env.TRIBUTARY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ns = `docs_${process.pid}_${Date.now() % 100000}`;
let admin: pg.Client;
let s: Stack;

/** Yields `x` as a number for the first `good` documents, then as text the index rejects. */
const mixedSource: SourceFactory = {
  serviceType: 'mixed',
  displayName: 'Mixed',
  features: { incremental_sync: false, document_level_security: false, sync_rules: { basic: true, advanced: false } },
  configSchema: () => ({
    good: { label: 'Good', type: 'int', display: 'numeric', default_value: 0, value: 0 },
    bad: { label: 'Bad', type: 'int', display: 'numeric', default_value: 3, value: 3 },
  }),
  create(c): Source {
    return {
      async ping() {},
      async *getDocs() {
        for (let i = 0; i < Number(c.good); i++) yield { _id: `g${i}`, x: i };
        for (let i = 0; i < Number(c.bad); i++) yield { _id: `b${i}`, x: { nested: 'not a number' } };
      },
      async close() {},
    };
  },
};

before(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${ns}`);
  await admin.query(`CREATE TABLE ${ns}.people (id int PRIMARY KEY, name text)`);
  await admin.query(`CREATE TABLE ${ns}.tags (id text PRIMARY KEY, label text, "Table" text)`);
  await admin.query(`INSERT INTO ${ns}.people SELECT n, 'person ' || n FROM generate_series(1, 5) n`);
  await admin.query(`INSERT INTO ${ns}.tags SELECT 'tag-' || n, 'label ' || n, 'mine' FROM generate_series(1, 4) n`);
  s = await startStack({ worker: { sources: { postgresql: postgresqlSource, mixed: mixedSource } } });
});

after(async () => {
  await s?.close();
  await admin?.query(`DROP SCHEMA IF EXISTS ${ns} CASCADE`);
  await admin?.end();
});

async function connector(id: string, type: string, values: Record<string, unknown>) {
  await s.call('PUT', `/_connector/${id}`, { index_name: id, service_type: type });
  await waitFor(`${id} schema`, async () => Object.keys((await s.call('GET', `/_connector/${id}`)).body.configuration).length > 0);
  await s.call('PUT', `/_connector/${id}/_configuration`, { values });
  await waitFor(`${id} connected`, async () => (await s.call('GET', `/_connector/${id}`)).body.status === 'connected');
}

test('a SQL column named id (or Table) never clobbers the document id: both tables index, the column is kept as <table>_id', async () => {
  const u = new URL(url);
  await connector('sql-ids', 'postgresql', {
    host: u.hostname, port: Number(u.port || 5432), username: u.username || 'postgres', password: '',
    database: u.pathname.slice(1), schema: ns, tables: 'people,tags',
  });
  const job = await waitForJob(s, await syncNow(s, 'sql-ids'), ['completed', 'error']);
  assert.equal(job.status, 'completed', job.error);
  assert.equal(job.error ?? null, null);
  assert.equal(job.indexed_document_count, 9);
  assert.equal(await countDocs(s, 'sql-ids'), 9);
  const person = (await s.call('GET', `/sql-ids/_doc/${ns}_people_3`)).body._source;
  assert.equal(person.id, `${ns}_people_3`, 'id is the document id');
  assert.equal(person.people_id, 3);
  const tag = (await s.call('GET', `/sql-ids/_doc/${ns}_tags_tag-2`)).body._source;
  assert.equal(tag.id, `${ns}_tags_tag-2`);
  assert.equal(tag.tags_id, 'tag-2');
  assert.equal(tag.Table, 'tags', 'the metadata field');
  assert.equal(tag.tags_Table, 'mine', 'the column of the same name');
});

test('a sync whose documents partly fail ends completed with an error naming the count', async () => {
  await connector('some-fail', 'mixed', { good: 5, bad: 2 });
  const job = await waitForJob(s, await syncNow(s, 'some-fail'), ['completed', 'error']);
  assert.equal(job.status, 'completed');
  assert.match(job.error ?? '', /^2 of 7 documents failed \(2 not indexed; listed in metadata.tributary.failures\)/);
  assert.equal(job.metadata.tributary.failed_document_count, 2);
  const c = (await s.call('GET', '/_connector/some-fail')).body;
  assert.equal(c.last_sync_status, 'completed');
  assert.match(c.last_sync_error ?? '', /2 of 7 documents failed/);
});

test('a sync whose every document fails ends in error and sweeps nothing', async () => {
  await connector('all-fail', 'mixed', { good: 4, bad: 0 });
  assert.equal((await waitForJob(s, await syncNow(s, 'all-fail'), ['completed', 'error'])).status, 'completed');
  await s.call('PUT', '/_connector/all-fail/_configuration', { values: { good: 0, bad: 3 } });
  const job = await waitForJob(s, await syncNow(s, 'all-fail'), ['completed', 'error']);
  assert.equal(job.status, 'error');
  assert.match(job.error, /3 of 3 documents failed/);
  assert.equal(await countDocs(s, 'all-fail'), 4, 'what earlier syncs wrote stays');
  assert.equal((await s.call('GET', '/_connector/all-fail')).body.last_sync_status, 'error');
});
