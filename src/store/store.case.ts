/**
 * The store suite every backend runs (`sqlite/store.test.ts`, `postgres/store.test.ts`):
 * each operation of store.ts, `noop` detection, index-name uniqueness, list filters, paging
 * and sort, sync-job lists, secrets, API keys, and concurrency (many claimers, one winner; concurrent
 * creates with one index name, one success; no lost updates). Concurrent callers use two
 * store handles on one database, as two processes would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, errors } from '../domain/errors.js';
import type { ConnectorDoc } from '../domain/connector/document.js';
import type { SyncJobDoc } from '../domain/sync-job/document.js';
import type { ApiKeyDoc } from './api-key-store.js';
import type { Doc, Store } from './store.js';

/**
 * Fixtures are partial documents on purpose: a store keeps whatever document it is given
 * (shapes are the API's business), and the suite checks exactly that.
 */
export const connectorDoc = (d: Doc): ConnectorDoc => d as ConnectorDoc;
const syncJobDoc = (d: Doc): SyncJobDoc => d as SyncJobDoc;

/** A stored document or update result without its sequence numbers (seq-no.case.ts checks those). */
const plain = <T extends { seq: unknown } | null>(r: T) => {
  if (!r) return r;
  const { seq: _seq, ...rest } = r as T & object;
  return rest;
};

export interface StoreDatabase {
  /** A new handle (pool, connection) on this database; each behaves like another process. */
  open(): Promise<Store>;
  /** Removes the database (after its handles are closed). */
  drop(): Promise<void>;
}

export interface StoreBackend {
  kind: Store['kind'];
  /** A fresh, empty database. */
  fresh(): Promise<StoreDatabase>;
  /** Concurrency rounds (default 20). */
  rounds?: number;
}

/** Fresh database, two handles `a` and `b`; closes and drops afterwards. */
export async function withStores(backend: StoreBackend, fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
  const db = await backend.fresh();
  const a = await db.open();
  const b = await db.open();
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
    await db.drop();
  }
}

function assertStatusError(e: unknown, reason: string): true {
  assert.ok(e instanceof ApiError, `expected an ApiError, got ${e}`);
  assert.equal(e.type, 'status_exception');
  assert.equal(e.status, 400);
  assert.equal(e.reason, reason);
  return true;
}

const inUse = (name: string) => `Index name [${name}] is used by another connector.`;

async function ids(store: Store, q: Parameters<Store['connectors']['list']>[0]): Promise<string[]> {
  const out = await store.connectors.list(q);
  return out.results.map((r) => JSON.parse(r).id);
}

export function job(connectorId: string, extra: Doc = {}): SyncJobDoc {
  return syncJobDoc({ connector: { id: connectorId, index_name: 'idx' }, status: 'pending', job_type: 'full', created_at: '2024-05-01T00:00:00.000Z', ...extra });
}

function apiKey(id: number, username: string, realm: string, creation: number): ApiKeyDoc {
  return {
    name: `key-${id}`, key_hash: `salt$hash${id}`, username, realm, realm_type: realm, creation, expiration: null,
    invalidated: false, invalidation: null, role_descriptors: {}, metadata: { n: id },
  };
}

export function storeCases(backend: StoreBackend): void {
  const t = (name: string, fn: (a: Store, b: Store) => Promise<void>) => it(name, () => withStores(backend, fn));
  const rounds = backend.rounds ?? 20;

  describe(`${backend.kind} store: connectors`, () => {
    t('kind and ping', async (a) => {
      assert.equal(a.kind, backend.kind);
      await a.ping();
    });

    t('put creates, then overwrites; get and getJson return the document', async (a, b) => {
      assert.equal(await a.connectors.get('c1'), null);
      assert.equal(await a.connectors.getJson('c1', true), null);
      const doc = { name: 'one', index_name: 'idx-1', configuration: { k: { value: 1, list: [1, 'two', null] } }, deleted: false };
      assert.equal(await a.connectors.put('c1', connectorDoc(doc)), 'created');
      assert.deepEqual(plain(await b.connectors.get('c1')), { id: 'c1', doc });
      const json = (await b.connectors.getJson('c1', false))!;
      assert.ok(json.startsWith('{"id":"c1",'), json);
      assert.deepEqual(JSON.parse(json), { id: 'c1', ...doc });
      // Overwriting keeps its own index name without clashing with itself.
      assert.equal(await b.connectors.put('c1', connectorDoc({ name: 'uno', index_name: 'idx-1' })), 'updated');
      assert.deepEqual((await a.connectors.get('c1'))!.doc, { name: 'uno', index_name: 'idx-1' });
    });

    t('getJson of an empty document and of a soft-deleted one', async (a) => {
      await a.connectors.put('empty', connectorDoc({}));
      assert.deepEqual(JSON.parse((await a.connectors.getJson('empty', false))!), { id: 'empty' });
      await a.connectors.put('gone', connectorDoc({ name: 'g', deleted: true }));
      assert.equal(await a.connectors.getJson('gone', false), null);
      assert.deepEqual(JSON.parse((await a.connectors.getJson('gone', true))!), { id: 'gone', name: 'g', deleted: true });
      assert.deepEqual((await a.connectors.get('gone'))!.doc, { name: 'g', deleted: true });
    });

    t('index-name uniqueness among live connectors', async (a, b) => {
      await a.connectors.put('c1', connectorDoc({ index_name: 'shared' }));
      await assert.rejects(b.connectors.put('c2', connectorDoc({ index_name: 'shared' })), (e) => assertStatusError(e, inUse('shared')));
      assert.equal(await a.connectors.get('c2'), null, 'the rejected create left nothing behind');
      // Null index names never clash.
      assert.equal(await a.connectors.put('n1', connectorDoc({ index_name: null })), 'created');
      assert.equal(await a.connectors.put('n2', connectorDoc({})), 'created');
      assert.equal(await a.connectors.put('n3', connectorDoc({ index_name: null })), 'created');
      // A soft-deleted holder does not block reuse; reviving it then clashes.
      await a.connectors.update('c1', (d) => ({ ...d, deleted: true }));
      assert.equal(await b.connectors.put('c2', connectorDoc({ index_name: 'shared' })), 'created');
      await assert.rejects(a.connectors.update('c1', (d) => ({ ...d, deleted: false })), (e) => assertStatusError(e, inUse('shared')));
      assert.equal((await a.connectors.get('c1'))!.doc.deleted, true, 'the failed update changed nothing');
      // Several soft-deleted connectors may share a name.
      assert.equal(await a.connectors.put('d1', connectorDoc({ index_name: 'shared', deleted: true })), 'created');
      // Overwriting another id with a used name clashes too.
      await a.connectors.put('c3', connectorDoc({ index_name: 'other' }));
      await assert.rejects(a.connectors.put('c3', connectorDoc({ index_name: 'shared' })), (e) => assertStatusError(e, inUse('shared')));
      assert.deepEqual((await a.connectors.get('c3'))!.doc, { index_name: 'other' });
    });

    t('update: updated, noop, alwaysUpdated, missing, skipDeleted', async (a, b) => {
      assert.equal(await a.connectors.update('missing', (d) => d), null);
      await a.connectors.put('c1', connectorDoc({ name: 'x', scheduling: { full: { enabled: false } } }));
      const out = await b.connectors.update('c1', (d) => ({ ...d, name: 'y' }));
      assert.deepEqual(plain(out), { result: 'updated', doc: { name: 'y', scheduling: { full: { enabled: false } } } });
      assert.equal((await a.connectors.get('c1'))!.doc.name, 'y');
      // Same content, rebuilt object, other key order: noop.
      const noop = await a.connectors.update('c1', (d) => connectorDoc({ scheduling: { full: { enabled: false } }, name: d.name }));
      assert.equal(noop!.result, 'noop');
      assert.equal((await a.connectors.update('c1', (d) => d, { alwaysUpdated: true }))!.result, 'updated');
      await a.connectors.update('c1', (d) => ({ ...d, deleted: true }));
      assert.equal(await a.connectors.update('c1', (d) => ({ ...d, name: 'z' }), { skipDeleted: true }), null);
      assert.equal((await a.connectors.get('c1'))!.doc.name, 'y');
      // Direct updates work on soft-deleted connectors.
      assert.equal((await a.connectors.update('c1', (d) => ({ ...d, name: 'z' })))!.result, 'updated');
      assert.equal((await b.connectors.get('c1'))!.doc.name, 'z');
    });

    t('update: an error thrown by the mutator reaches the caller unchanged and nothing is written', async (a) => {
      await a.connectors.put('c1', connectorDoc({ status: 'created' }));
      const boom = errors.status('Connector [c1] cannot go from [created] to [error]');
      await assert.rejects(
        a.connectors.update('c1', () => {
          throw boom;
        }),
        (e) => e === boom,
      );
      const plain = new Error('plain');
      await assert.rejects(
        a.connectors.update('c1', () => {
          throw plain;
        }),
        (e) => e === plain,
      );
      assert.deepEqual((await a.connectors.get('c1'))!.doc, { status: 'created' });
      // The store still works after a rolled-back update.
      assert.equal((await a.connectors.update('c1', (d) => ({ ...d, status: 'connected' })))!.result, 'updated');
    });

    t('update: changing index_name to a live one clashes, to a deleted one does not', async (a) => {
      await a.connectors.put('c1', connectorDoc({ index_name: 'one' }));
      await a.connectors.put('c2', connectorDoc({ index_name: 'two' }));
      await a.connectors.put('c3', connectorDoc({ index_name: 'three', deleted: true }));
      await assert.rejects(a.connectors.update('c2', (d) => ({ ...d, index_name: 'one' })), (e) => assertStatusError(e, inUse('one')));
      assert.equal((await a.connectors.update('c2', (d) => ({ ...d, index_name: 'three' })))!.result, 'updated');
      assert.equal((await a.connectors.update('c2', (d) => ({ ...d, index_name: 'three' })))!.result, 'noop');
    });

    t('delete', async (a, b) => {
      assert.equal(await a.connectors.delete('c1'), false);
      await a.connectors.put('c1', connectorDoc({ index_name: 'x' }));
      assert.equal(await b.connectors.delete('c1'), true);
      assert.equal(await a.connectors.get('c1'), null);
      assert.equal(await a.connectors.delete('c1'), false);
      // The hard-deleted connector's index name is free again.
      assert.equal(await a.connectors.put('c2', connectorDoc({ index_name: 'x' })), 'created');
    });

    t('list: sort by index_name (byte order, missing last), then id; paging; count', async (a) => {
      for (const [id, index_name] of [
        ['k', 'b'], ['j', 'a'], ['z', null], ['y', undefined], ['i', 'B'], ['h', 'é'], ['g', 'z'], ['f', 'a-1'],
      ] as const) {
        await a.connectors.put(id, connectorDoc(index_name === undefined ? { name: id } : { name: id, index_name }));
      }
      const all = ['i', 'j', 'f', 'k', 'g', 'h', 'y', 'z'];
      assert.deepEqual(await ids(a, { from: 0, size: 100 }), all);
      const page = await a.connectors.list({ from: 2, size: 3 });
      assert.equal(page.count, 8);
      assert.deepEqual(page.results.map((r) => JSON.parse(r).id), all.slice(2, 5));
      assert.deepEqual(await ids(a, { from: 7, size: 5 }), ['z']);
      assert.deepEqual(await ids(a, { from: 8, size: 5 }), []);
      assert.deepEqual((await a.connectors.list({ from: 0, size: 0 })).count, 8);
      const first = JSON.parse((await a.connectors.list({ from: 0, size: 1 })).results[0]);
      assert.deepEqual(first, { id: 'i', name: 'i', index_name: 'B' });
    });

    t('list: filters (index_name, name, service_type, query, include_deleted) are ANDed', async (a) => {
      await a.connectors.put('c1', connectorDoc({ name: 'Alpha', index_name: 'idx-one', service_type: 'mysql', description: 'Quick Brown' }));
      await a.connectors.put('c2', connectorDoc({ name: 'beta', index_name: 'idx-alpha-two', service_type: 'postgresql', description: null }));
      await a.connectors.put('c3', connectorDoc({ name: 'gamma', index_name: null, service_type: 'mysql', description: 'ALPHA centauri' }));
      await a.connectors.put('c4', connectorDoc({ name: 'Alpha', index_name: 'idx-four', service_type: 'mysql', deleted: true }));
      const q = (extra: object) => ids(a, { from: 0, size: 100, ...extra });
      assert.deepEqual(await q({}), ['c2', 'c1', 'c3']);
      assert.deepEqual(await q({ includeDeleted: true }), ['c2', 'c4', 'c1', 'c3']);
      assert.deepEqual(await q({ indexNames: ['idx-one', 'nope'] }), ['c1']);
      assert.deepEqual(await q({ indexNames: [] }), ['c2', 'c1', 'c3']);
      assert.deepEqual(await q({ names: ['beta', 'gamma'] }), ['c2', 'c3']);
      assert.deepEqual(await q({ names: ['Alpha'], includeDeleted: true }), ['c4', 'c1']);
      assert.deepEqual(await q({ serviceTypes: ['mysql'] }), ['c1', 'c3']);
      assert.deepEqual(await q({ serviceTypes: ['mysql'], names: ['gamma'] }), ['c3']);
      // query: case-sensitive substring of name or index_name, lowercase substring of description.
      assert.deepEqual(await q({ query: 'Alpha' }), ['c1', 'c3']);
      assert.deepEqual(await q({ query: 'alpha' }), ['c2', 'c3']);
      assert.deepEqual(await q({ query: 'QUICK' }), ['c1']);
      assert.deepEqual(await q({ query: 'idx' }), ['c2', 'c1']);
      assert.deepEqual(await q({ query: 'idx', includeDeleted: true }), ['c2', 'c4', 'c1']);
      assert.deepEqual(await q({ query: "x' OR 1=1 --" }), []);
      assert.deepEqual(await q({ query: '%' }), []);
      assert.deepEqual(await q({ query: '' }), ['c2', 'c1', 'c3']);
      assert.equal((await a.connectors.list({ from: 0, size: 1, serviceTypes: ['mysql'] })).count, 2);
    });

    t('listAll: live connectors by id, optionally by service type', async (a) => {
      await a.connectors.put('b', connectorDoc({ service_type: 'mysql' }));
      await a.connectors.put('a', connectorDoc({ service_type: 'postgresql' }));
      await a.connectors.put('c', connectorDoc({ service_type: 'mysql', deleted: true }));
      assert.deepEqual((await a.connectors.listAll()).map(plain), [
        { id: 'a', doc: { service_type: 'postgresql' } },
        { id: 'b', doc: { service_type: 'mysql' } },
      ]);
      assert.deepEqual((await a.connectors.listAll({ serviceTypes: ['mysql'] })).map((c) => c.id), ['b']);
    });

    t('scan: every connector in id order, soft-deleted ones included, with sequence numbers, in pages', async (a, b) => {
      for (const id of ['d', 'b', 'a', 'c']) await a.connectors.put(id, connectorDoc({ name: id, deleted: id === 'c' }));
      const first = await b.connectors.scan(null, 3);
      assert.deepEqual(first.map(plain), ['a', 'b', 'c'].map((id) => ({ id, doc: { name: id, deleted: id === 'c' } })));
      assert.ok(first.every((s) => s.seq.seqNo >= 0 && s.seq.version === 1));
      assert.deepEqual((await b.connectors.scan('c', 3)).map((s) => s.id), ['d']);
      assert.deepEqual(await b.connectors.scan('d', 3), []);
      assert.deepEqual(await b.connectors.scan(null, 0), []);
      // An id that sorts before every other and characters SQL would treat specially.
      await a.connectors.put("0'%_", connectorDoc({ name: 'odd' }));
      assert.deepEqual((await b.connectors.scan(null, 1)).map((s) => s.id), ["0'%_"]);
    });
  });

  describe(`${backend.kind} store: sync jobs`, () => {
    t('scan: every job in id order with sequence numbers, in pages', async (a, b) => {
      for (const id of ['j3', 'j1', 'j2']) await a.syncJobs.create(id, job('c1'));
      await a.syncJobs.update('j2', (d) => ({ ...d, status: 'in_progress' }));
      const all = await b.syncJobs.scan(null, 10);
      assert.deepEqual(all.map((s) => s.id), ['j1', 'j2', 'j3']);
      assert.equal(all[1].seq.version, 2);
      assert.ok(all[1].seq.seqNo > Math.max(all[0].seq.seqNo, all[2].seq.seqNo), 'the update took the newest number');
      assert.deepEqual((await b.syncJobs.scan('j1', 1)).map((s) => s.id), ['j2']);
    });

    t('create, get, getJson, update, delete', async (a, b) => {
      assert.equal(await a.syncJobs.get('j1'), null);
      assert.equal(await a.syncJobs.getJson('j1'), null);
      assert.equal(await a.syncJobs.update('j1', (d) => d), null);
      const doc = job('c1', { metadata: { a: 1 } });
      await a.syncJobs.create('j1', doc);
      assert.deepEqual(plain(await b.syncJobs.get('j1')), { id: 'j1', doc });
      const json = (await b.syncJobs.getJson('j1'))!;
      assert.ok(json.startsWith('{"id":"j1",'), json);
      assert.deepEqual(JSON.parse(json), { id: 'j1', ...doc });
      assert.equal((await b.syncJobs.update('j1', (d) => ({ ...d })))!.result, 'noop');
      assert.equal((await b.syncJobs.update('j1', (d) => d, { alwaysUpdated: true }))!.result, 'updated');
      const up = await a.syncJobs.update('j1', (d) => ({ ...d, status: 'in_progress' }));
      assert.deepEqual(plain(up), { result: 'updated', doc: { ...doc, status: 'in_progress' } });
      assert.equal((await b.syncJobs.get('j1'))!.doc.status, 'in_progress');
      const boom = errors.conflict('no');
      await assert.rejects(a.syncJobs.update('j1', () => { throw boom; }), (e) => e === boom);
      assert.equal(await a.syncJobs.delete('j1'), true);
      assert.equal(await a.syncJobs.delete('j1'), false);
      assert.equal(await a.syncJobs.get('j1'), null);
    });

    t('deleteByConnector removes only that connector\'s jobs', async (a) => {
      await a.syncJobs.create('j1', job('c1'));
      await a.syncJobs.create('j2', job('c1'));
      await a.syncJobs.create('j3', job('c2'));
      assert.equal(await a.syncJobs.deleteByConnector('c1'), 2);
      assert.equal(await a.syncJobs.deleteByConnector('c1'), 0);
      assert.equal(await a.syncJobs.deleteByConnector('nope'), 0);
      assert.deepEqual((await a.syncJobs.list({ from: 0, size: 10 })).results.map((r) => JSON.parse(r).id), ['j3']);
    });

    t('list: created_at descending, then latest inserted first; filters; paging', async (a) => {
      await a.syncJobs.create('j1', job('c1', { created_at: '2024-01-01T00:00:00.000Z', status: 'completed', job_type: 'full' }));
      await a.syncJobs.create('j2', job('c1', { created_at: '2024-03-01T00:00:00.000Z', status: 'pending', job_type: 'incremental' }));
      await a.syncJobs.create('j3', job('c2', { created_at: '2024-02-01T00:00:00.000Z', status: 'error', job_type: 'access_control' }));
      await a.syncJobs.create('j4', job('c2', { created_at: '2024-03-01T00:00:00.000Z', status: 'pending', job_type: 'full' }));
      await a.syncJobs.create('j5', job('c3', { created_at: null }));
      const q = async (extra: object) => (await a.syncJobs.list({ from: 0, size: 100, ...extra })).results.map((r) => JSON.parse(r).id);
      assert.deepEqual(await q({}), ['j4', 'j2', 'j3', 'j1', 'j5']);
      assert.deepEqual(await q({ connectorId: 'c1' }), ['j2', 'j1']);
      assert.deepEqual(await q({ connectorId: 'none' }), []);
      assert.deepEqual(await q({ statuses: ['pending'] }), ['j4', 'j2', 'j5']);
      assert.deepEqual(await q({ jobTypes: ['full', 'access_control'] }), ['j4', 'j3', 'j1', 'j5']);
      assert.deepEqual(await q({ connectorId: 'c2', statuses: ['pending'], jobTypes: ['full'] }), ['j4']);
      const page = await a.syncJobs.list({ from: 1, size: 2 });
      assert.equal(page.count, 5);
      assert.deepEqual(page.results.map((r) => JSON.parse(r).id), ['j2', 'j3']);
      assert.deepEqual(JSON.parse(page.results[0]).connector, { id: 'c1', index_name: 'idx' });
      assert.equal((await a.syncJobs.list({ from: 0, size: 1, connectorId: 'c2' })).count, 2);
    });
  });

  describe(`${backend.kind} store: secrets`, () => {
    t('get, put (created, updated), delete', async (a, b) => {
      assert.equal(await a.secrets.get('s1'), null);
      assert.equal(await a.secrets.put('s1', 'v1'), 'created');
      assert.equal(await b.secrets.get('s1'), 'v1');
      assert.equal(await b.secrets.put('s1', 'v2'), 'updated');
      assert.equal(await a.secrets.get('s1'), 'v2');
      assert.equal(await a.secrets.delete('s1'), true);
      assert.equal(await b.secrets.delete('s1'), false);
      assert.equal(await a.secrets.get('s1'), null);
      assert.equal(await a.secrets.put('s1', ''), 'created');
      assert.equal(await a.secrets.get('s1'), '');
    });

    t('ids: every secret id, sorted', async (a) => {
      assert.ok(a.secrets.ids, 'secrets.ids');
      assert.deepEqual(await a.secrets.ids(), []);
      for (const id of ['b', 'a', 'C']) await a.secrets.put(id, 'v');
      assert.deepEqual(await a.secrets.ids(), ['C', 'a', 'b']);
    });
  });

  describe(`${backend.kind} store: API keys`, () => {
    t('create, get, list (by ids, owner, realm; creation then id), invalidate', async (a, b) => {
      assert.ok(a.apiKeys && b.apiKeys, 'apiKeys');
      assert.equal(await a.apiKeys.get('k1'), null);
      await a.apiKeys.create('k2', apiKey(2, 'u1', 'native', 2000));
      await a.apiKeys.create('k1', apiKey(1, 'u2', 'file', 1000));
      await b.apiKeys.create('k3', apiKey(3, 'u1', 'file', 2000));
      await assert.rejects(a.apiKeys.create('k1', apiKey(9, 'u9', 'file', 1)));
      assert.deepEqual(await b.apiKeys.get('k1'), apiKey(1, 'u2', 'file', 1000));
      const list = async (q: object) => (await a.apiKeys!.list(q)).map((k) => k.id);
      assert.deepEqual(await list({}), ['k1', 'k2', 'k3']);
      assert.deepEqual(await list({ username: 'u1' }), ['k2', 'k3']);
      assert.deepEqual(await list({ ids: ['k3', 'nope'] }), ['k3']);
      assert.deepEqual(await list({ realm: 'file' }), ['k1', 'k3']);
      assert.deepEqual(await list({ username: 'u1', realm: 'file' }), ['k3']);
      assert.deepEqual(await list({ username: 'nobody' }), []);
      assert.deepEqual((await a.apiKeys.list({ ids: ['k2'] }))[0], { id: 'k2', doc: apiKey(2, 'u1', 'native', 2000) });
      assert.equal(await a.apiKeys.invalidate('k1', 5000), 'invalidated');
      assert.equal(await b.apiKeys.invalidate('k1', 6000), 'already_invalidated');
      assert.equal(await a.apiKeys.invalidate('nope', 5000), 'missing');
      assert.deepEqual(await b.apiKeys.get('k1'), { ...apiKey(1, 'u2', 'file', 1000), invalidated: true, invalidation: 5000 });
    });

    t('concurrent invalidations: exactly one invalidates', async (a, b) => {
      await a.apiKeys!.create('k', apiKey(1, 'u', 'native', 1));
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).apiKeys!.invalidate('k', i)));
      assert.equal(results.filter((r) => r === 'invalidated').length, 1);
      assert.equal(results.filter((r) => r === 'already_invalidated').length, 9);
    });
  });

  describe(`${backend.kind} store: concurrency`, () => {
    const N = 10;
    t(`${N} concurrent claimers on two handles: exactly one winner, ${rounds} rounds`, async (a, b) => {
      for (let round = 0; round < rounds; round++) {
        const id = `job-${round}`;
        await a.syncJobs.create(id, job('c1'));
        const lost = errors.conflict('already claimed');
        const claim = (store: Store, worker: string) =>
          store.syncJobs.update(id, (d) => {
            if (d.status !== 'pending') throw lost;
            return { ...d, status: 'in_progress', worker_hostname: worker };
          });
        const outcomes = await Promise.allSettled(Array.from({ length: N }, (_, i) => claim(i % 2 ? b : a, `w${i}`)));
        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
        for (const o of outcomes) if (o.status === 'rejected') assert.equal(o.reason, lost);
        const stored = (await b.syncJobs.get(id))!.doc;
        assert.equal(stored.worker_hostname, `w${winners[0]}`);
        assert.equal(stored.status, 'in_progress');
      }
    });

    t(`${N} concurrent claimers on a connector status: exactly one winner, ${rounds} rounds`, async (a, b) => {
      for (let round = 0; round < rounds; round++) {
        const id = `c-${round}`;
        await a.connectors.put(id, connectorDoc({ status: 'configured' }));
        const outcomes = await Promise.allSettled(
          Array.from({ length: N }, (_, i) =>
            (i % 2 ? b : a).connectors.update(id, (d) => {
              if (d.status !== 'configured') throw errors.status('taken');
              return { ...d, status: 'connected', by: i };
            }),
          ),
        );
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1, `round ${round}`);
      }
    });

    t(`${3 * N} concurrent read-modify-writes of one connector on two handles: none lost, each its own sequence number`, async (a, b) => {
      await a.connectors.put('counted', connectorDoc({ n: 0 }));
      const results = await Promise.all(
        Array.from({ length: 3 * N }, (_, i) => (i % 2 ? b : a).connectors.update('counted', (d) => ({ ...d, n: (d.n as number) + 1 }))),
      );
      assert.equal((await b.connectors.get('counted'))!.doc.n, 3 * N);
      assert.equal(new Set(results.map((r) => r!.doc.n)).size, 3 * N, 'each update saw the one before');
      assert.equal(new Set(results.map((r) => r!.seq.seqNo)).size, 3 * N);
    });

    t(`${N} concurrent creates with one index_name: exactly one succeeds, ${Math.ceil(rounds / 2)} rounds`, async (a, b) => {
      for (let round = 0; round < Math.ceil(rounds / 2); round++) {
        const name = `shared-${round}`;
        const outcomes = await Promise.allSettled(
          Array.from({ length: N }, (_, i) => (i % 2 ? b : a).connectors.put(`r${round}-c${i}`, connectorDoc({ index_name: name }))),
        );
        const ok = outcomes.filter((o) => o.status === 'fulfilled');
        assert.equal(ok.length, 1, `round ${round}: ${ok.length} creates succeeded`);
        assert.equal((ok[0] as PromiseFulfilledResult<string>).value, 'created');
        for (const o of outcomes) if (o.status === 'rejected') assertStatusError(o.reason, inUse(name));
        assert.equal((await a.connectors.list({ from: 0, size: 100, indexNames: [name] })).count, 1);
      }
    });

    t(`${N} concurrent index_name updates to one name: exactly one succeeds`, async (a, b) => {
      for (let i = 0; i < N; i++) await a.connectors.put(`c${i}`, connectorDoc({ index_name: `own-${i}` }));
      const outcomes = await Promise.allSettled(
        Array.from({ length: N }, (_, i) => (i % 2 ? b : a).connectors.update(`c${i}`, (d) => ({ ...d, index_name: 'wanted' }))),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      assert.equal((await b.connectors.list({ from: 0, size: 100, indexNames: ['wanted'] })).count, 1);
      assert.equal((await b.connectors.list({ from: 0, size: 100 })).count, N);
    });

    t('concurrent puts of one id: one created, the rest updated', async (a, b) => {
      const results = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? b : a).connectors.put('same', connectorDoc({ name: `n${i}` }))));
      assert.equal(results.filter((r) => r === 'created').length, 1);
      assert.equal(results.filter((r) => r === 'updated').length, N - 1);
      const secrets = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? b : a).secrets.put('s', `v${i}`)));
      assert.equal(secrets.filter((r) => r === 'created').length, 1);
    });

    t('concurrent read-modify-write updates lose nothing', async (a, b) => {
      await a.syncJobs.create('counter', job('c1', { indexed_document_count: 0 }));
      await Promise.all(
        Array.from({ length: 3 * N }, (_, i) =>
          (i % 2 ? b : a).syncJobs.update('counter', (d) => ({ ...d, indexed_document_count: (d.indexed_document_count as number) + 1 })),
        ),
      );
      assert.equal((await a.syncJobs.get('counter'))!.doc.indexed_document_count, 3 * N);
    });
  });
}
