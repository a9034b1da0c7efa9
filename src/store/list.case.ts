/**
 * The list suite every backend runs next to store.case.ts: each filter of `GET _connector` and
 * of the sync-job list against a model of its meaning (written out below, independent of the
 * SQL), over enough rows for several pages, so the indexes of SQLite migration 6 / PostgreSQL
 * migration 4 answer exactly what a scan of every document would: order, count and every page.
 * `query` gets the inputs SQL treats specially (LIKE wildcards, quotes, backslash) and
 * non-ASCII text, on both sides of the 3-character line where the trigram indexes apply.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectorQuery, Doc, Store, SyncJobQuery } from './store.js';
import { connectorDoc, job, withStores, type StoreBackend } from './store.case.js';

const SERVICE_TYPES = ['mysql', 'postgresql', 'directory'];
const STATUSES = ['created', 'error', 'connected', 'configured'];
/** Texts the `query` cases look for, mixed into names, index names and descriptions. */
const WORDS = ['50%', 'a_b', "o'brien", 'say "hi"', 'back\\slash', 'École', 'ÉCOLE', 'straße', 'naïve', '日本語', '🚀 rocket', 'Alpha', 'ALPHA', 'alpha'];

interface Row {
  id: string;
  doc: Doc;
}

/** 130 connectors: every 7th soft-deleted, some without index_name or description. */
function rows(): Row[] {
  return Array.from({ length: 130 }, (_, i) => {
    const w = WORDS[i % WORDS.length];
    const doc: Doc = {
      name: i % 3 === 0 ? `conn ${w} ${i}` : `Connector ${i}`,
      service_type: SERVICE_TYPES[i % SERVICE_TYPES.length],
      deleted: i % 7 === 6,
      status: STATUSES[i % STATUSES.length],
    };
    if (i % 11 !== 5) doc.index_name = i % 3 === 1 ? `search-${w}-${i}` : `search-${String(i).padStart(3, '0')}`;
    if (i % 4 !== 3) doc.description = i % 3 === 2 ? `About ${w} things` : 'Plain description';
    return { id: `c${String((i * 37) % 130).padStart(3, '0')}`, doc };
  });
}

/** Byte order of UTF-8, as both stores sort (SQLite BINARY, PostgreSQL COLLATE "C"). */
const byteCmp = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** What `list` answers, by its definition (connector-api.md §6.3). */
function model(all: Row[], q: Omit<ConnectorQuery, 'from' | 'size'>): string[] {
  return all
    .filter(({ doc }) => q.includeDeleted || doc.deleted !== true)
    .filter(({ doc }) => !q.indexNames?.length || q.indexNames.includes(str(doc.index_name)!))
    .filter(({ doc }) => !q.names?.length || q.names.includes(str(doc.name)!))
    .filter(({ doc }) => !q.serviceTypes?.length || q.serviceTypes.includes(str(doc.service_type)!))
    .filter(({ doc }) => !q.statuses?.length || q.statuses.includes(str(doc.status)!))
    .filter(({ doc }) => {
      if (!q.query) return true;
      const [name, index, description] = [str(doc.name), str(doc.index_name), str(doc.description)];
      return !!name?.includes(q.query) || !!index?.includes(q.query) || !!(description !== null && asciiLower(description).includes(q.query.toLowerCase()));
    })
    .sort((a, b) => {
      const [x, y] = [str(a.doc.index_name), str(b.doc.index_name)];
      if (x === null || y === null) return x === y ? byteCmp(a.id, b.id) : x === null ? 1 : -1;
      return byteCmp(x, y) || byteCmp(a.id, b.id);
    })
    .map((r) => r.id);
}

async function listed(store: Store, q: ConnectorQuery): Promise<{ count: number; ids: string[] }> {
  const r = await store.connectors.list(q);
  return { count: r.count, ids: r.results.map((j) => JSON.parse(j).id) };
}

/** Every page of `q` (size 40) and the count equal the model's. */
async function assertPages(store: Store, all: Row[], q: Omit<ConnectorQuery, 'from' | 'size'>): Promise<void> {
  const want = model(all, q);
  for (let from = 0; from <= want.length + 40; from += 40) {
    const got = await listed(store, { ...q, from, size: 40 });
    assert.equal(got.count, want.length, `count of ${JSON.stringify(q)}`);
    assert.deepEqual(got.ids, want.slice(from, from + 40), `page from=${from} of ${JSON.stringify(q)}`);
  }
}

export function listCases(backend: StoreBackend): void {
  const t = (name: string, fn: (a: Store, b: Store) => Promise<void>) => it(name, () => withStores(backend, fn));

  describe(`${backend.kind} store: list filters over several pages`, () => {
    const all = rows();
    const fill = (s: Store) => Promise.all(all.map((r) => s.connectors.put(r.id, connectorDoc(r.doc))));

    t('no filter, include_deleted, service_type, index_name, connector_name: count and every page', async (a) => {
      await fill(a);
      await assertPages(a, all, {});
      await assertPages(a, all, { includeDeleted: true });
      for (const st of SERVICE_TYPES) await assertPages(a, all, { serviceTypes: [st] });
      await assertPages(a, all, { serviceTypes: ['mysql', 'directory'] });
      await assertPages(a, all, { serviceTypes: ['mysql'], includeDeleted: true });
      await assertPages(a, all, { serviceTypes: ['none'] });
      for (const st of STATUSES) await assertPages(a, all, { statuses: [st] });
      await assertPages(a, all, { statuses: ['error', 'connected'], serviceTypes: ['mysql'] });
      await assertPages(a, all, { statuses: ['error'], includeDeleted: true });
      await assertPages(a, all, { statuses: ['error'], query: 'alpha' });
      const someIndexes = all.filter((_, i) => i % 5 === 0).map((r) => String(r.doc.index_name)).filter((n) => n !== 'undefined');
      await assertPages(a, all, { indexNames: someIndexes });
      await assertPages(a, all, { indexNames: someIndexes, includeDeleted: true });
      await assertPages(a, all, { names: ['Connector 1', 'Connector 2', 'Connector 4', 'Connector 13', 'Connector 20'] });
      await assertPages(a, all, { names: ['Connector 20'], includeDeleted: true });
      await assertPages(a, all, { serviceTypes: ['postgresql'], names: ['Connector 1', 'Connector 4', 'Connector 7'] });
    });

    t('query: substring semantics kept for wildcards, quotes, backslash and non-ASCII text, short and long', async (a) => {
      await fill(a);
      const queries = [
        ...WORDS, '%', '_', '%%', '\\', '"', "'", '""', 'a_', '_b', '0%', 'École things', 'école', 'ÉCOLE', 'cole', 'COLE', 'STRASSE', 'Straße',
        'ß', 'ï', 'naï', 'NAÏVE', '日本', '日本語', '🚀', 'rocket', 'ROCKET', 'Connector 1', 'connector', 'CONNECTOR', 'search-0', 'search-', 'Plain',
        'plain description', 'PLAIN', 'abc', 'zz', 'x', "x' OR 1=1 --", 'About 50% things', ' ',
      ];
      for (const query of queries) {
        await assertPages(a, all, { query });
        await assertPages(a, all, { query, includeDeleted: true });
      }
      await assertPages(a, all, { query: 'alpha', serviceTypes: ['mysql'] });
      // NUL, which PostgreSQL text cannot hold: nothing contains or equals it, and it is no error.
      await assertPages(a, all, { query: 'Alpha\0' });
      await assertPages(a, all, { serviceTypes: ['mysql\0'] });
      await assertPages(a, all, { serviceTypes: ['mysql\0', 'directory'], names: ['Connector 2', 'x\0'] });
      assert.equal((await a.syncJobs.list({ from: 0, size: 10, connectorId: 'c\0' })).count, 0);
      assert.equal((await a.syncJobs.list({ from: 0, size: 10, statuses: ['pending\0'] })).count, 0);
      await assertPages(a, all, { query: 'Connector', names: ['Connector 1', 'Connector 2'] });
    });

    t('query and filters follow writes: renamed, re-described, deleted and re-created connectors', async (a, b) => {
      await fill(a);
      const id = all[1].id;
      const found = async (s: Store, query: string) => (await listed(s, { from: 0, size: 200, query, includeDeleted: true })).ids;
      await a.connectors.update(id, (d) => ({ ...d, name: 'Renamed zebra', description: 'now with Giraffes', service_type: 'jira' }));
      assert.deepEqual(await found(b, 'zebra'), [id]);
      assert.deepEqual(await found(b, 'giraffes'), [id]);
      assert.ok(!(await found(b, 'Connector 1')).includes(id), 'the old name is gone');
      assert.deepEqual((await listed(b, { from: 0, size: 10, serviceTypes: ['jira'] })).ids, [id]);
      await a.connectors.put(id, connectorDoc({ name: 'Put again zebra', index_name: 'okapi-index' }));
      assert.deepEqual(await found(b, 'okapi'), [id]);
      assert.deepEqual(await found(b, 'giraffes'), []);
      assert.deepEqual((await listed(b, { from: 0, size: 10, serviceTypes: ['jira'] })).ids, []);
      await a.connectors.update(id, (d) => ({ ...d, deleted: true }));
      assert.deepEqual((await listed(b, { from: 0, size: 10, query: 'zebra' })).ids, []);
      assert.deepEqual(await found(b, 'zebra'), [id]);
      await a.connectors.delete(id);
      assert.deepEqual(await found(b, 'zebra'), []);
      await a.connectors.put('new-one', connectorDoc({ name: 'zebra again' }));
      assert.deepEqual(await found(b, 'zebra'), ['new-one']);
    });
  });

  describe(`${backend.kind} store: change cursor`, () => {
    t('changedSince: every write after the cursor once, in _seq_no order, soft-deleted included, in pages', async (a, b) => {
      for (const id of ['c', 'a', 'b']) await a.connectors.put(id, connectorDoc({ name: id }));
      const first = await b.connectors.changedSince(-1, 2);
      assert.equal(first.count, 3);
      assert.deepEqual(first.results.map((r) => r.id), ['c', 'a']);
      const cursor = first.results[1].seq.seqNo;
      assert.deepEqual((await b.connectors.changedSince(cursor, 10)).results.map((r) => r.id), ['b']);
      const head = (await b.connectors.changedSince(-1, 10)).results.at(-1)!.seq.seqNo;
      assert.deepEqual(await b.connectors.changedSince(head, 10), { count: 0, results: [] });
      await a.connectors.update('c', (d) => ({ ...d, deleted: true }));
      await a.connectors.put('d', connectorDoc({ name: 'd' }));
      await a.connectors.delete('a');
      const later = await b.connectors.changedSince(head, 10);
      assert.deepEqual(later.results.map((r) => [r.id, r.doc.deleted ?? false]), [['c', true], ['d', false]]);
      assert.ok(later.results[0].seq.seqNo > head && later.results[1].seq.seqNo > later.results[0].seq.seqNo);
      assert.equal(later.count, 2);
      assert.deepEqual((await b.connectors.changedSince(-1, 0)).results, []);
    });
  });

  describe(`${backend.kind} store: sync-job list filters over several pages`, () => {
    t('connector_id, status, job_type and their combinations: count and every page', async (a) => {
      const statuses = ['pending', 'in_progress', 'completed', 'error'];
      const types = ['full', 'incremental', 'access_control'];
      const jobs = Array.from({ length: 120 }, (_, i) => ({
        id: `j${String(i).padStart(3, '0')}`,
        doc: job(`conn-${i % 4}`, { status: statuses[i % statuses.length], job_type: types[i % types.length], created_at: `2024-05-01T00:00:${String(i % 17).padStart(2, '0')}.000Z` }),
      }));
      for (const j of jobs) await a.syncJobs.create(j.id, j.doc);
      // created_at descending, then the later-created first.
      const order = jobs.map((j, i) => ({ ...j, i })).sort((x, y) => byteCmp(y.doc.created_at, x.doc.created_at) || y.i - x.i);
      const check = async (q: Omit<SyncJobQuery, 'from' | 'size'>) => {
        const want = order
          .filter((j) => q.connectorId === undefined || j.doc.connector.id === q.connectorId)
          .filter((j) => !q.statuses?.length || q.statuses.includes(j.doc.status))
          .filter((j) => !q.jobTypes?.length || q.jobTypes.includes(j.doc.job_type))
          .map((j) => j.id);
        for (let from = 0; from <= want.length + 25; from += 25) {
          const r = await a.syncJobs.list({ ...q, from, size: 25 });
          assert.equal(r.count, want.length, `count of ${JSON.stringify(q)}`);
          assert.deepEqual(r.results.map((x) => JSON.parse(x).id), want.slice(from, from + 25), `page from=${from} of ${JSON.stringify(q)}`);
        }
      };
      await check({});
      await check({ connectorId: 'conn-1' });
      await check({ connectorId: 'nope' });
      await check({ statuses: ['pending'] });
      await check({ statuses: ['pending', 'error'] });
      await check({ jobTypes: ['incremental'] });
      await check({ connectorId: 'conn-2', statuses: ['in_progress', 'completed'], jobTypes: ['full', 'access_control'] });
      await check({ connectorId: 'conn-0', statuses: ['pending'], jobTypes: ['full'] });
    });
  });
}
