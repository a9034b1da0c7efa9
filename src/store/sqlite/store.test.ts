/**
 * The shared store suites (store.case.ts, seq-no.case.ts) on SQLite: a fresh file per test, two
 * connections; then the upgrade of a store written before sequence numbers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { job, storeCases, type StoreBackend } from '../store.case.js';
import { seqNoCases } from '../seq-no.case.js';
import { pipelineStoreCases } from '../pipeline-store.case.js';
import { listCases } from '../list.case.js';
import Database from './driver.js';
import { openSqliteStore } from './index.js';
import { migrations } from './migrations.js';

const backend: StoreBackend = {
  kind: 'sqlite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
    return {
      open: async () => openSqliteStore(dir),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};
storeCases(backend);
seqNoCases(backend);
pipelineStoreCases(backend);
listCases(backend);

test('the sequence-number migration (5) numbers existing rows apart, keeps them, and new writes come after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
  try {
    // A store as migration 4 left it, with documents in it.
    const old = new Database(join(dir, 'state.db'));
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((m) => m.version <= 4)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, 'then')").run(m.version);
    }
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      old.prepare('INSERT INTO connectors (id, doc) VALUES (?, ?)').run(id, JSON.stringify({ name: id }));
      old.prepare('INSERT INTO sync_jobs (id, doc, seq) VALUES (?, ?, ?)').run(`j${id}`, JSON.stringify({ connector: { id } }), i + 1);
    }
    old.close();
    const store = openSqliteStore(dir);
    try {
      const seqs = await Promise.all(['a', 'b', 'c'].map(async (id) => (await store.connectors.get(id))!));
      assert.deepEqual(seqs.map((s) => [s.doc, s.seq.seqNo, s.seq.version]), [[{ name: 'a' }, 0, 1], [{ name: 'b' }, 1, 1], [{ name: 'c' }, 2, 1]]);
      const jobs = await Promise.all(['ja', 'jb', 'jc'].map(async (id) => (await store.syncJobs.get(id))!.seq.seqNo));
      assert.deepEqual(jobs, [0, 1, 2]);
      const up = (await store.connectors.update('a', (d) => ({ ...d, name: 'A' })))!;
      assert.deepEqual([up.seq.seqNo, up.seq.version], [3, 2]);
      await store.syncJobs.create('jd', job('d'));
      assert.equal((await store.syncJobs.get('jd'))!.seq.seqNo, 3);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the list-index migration (6) keeps a version-5 store\'s rows, numbers and order, and every filter finds them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
  try {
    // A store as migration 5 left it, with documents in it.
    const old = new Database(join(dir, 'state.db'));
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((m) => m.version <= 5)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, 'then')").run(m.version);
    }
    const docs: Record<string, object> = {
      a: { name: 'Alpha Drive', index_name: 'search-alpha', service_type: 'google_drive', description: 'Quarterly REPORTS', status: 'error' },
      b: { name: 'beta', index_name: 'search-beta', service_type: 'mysql', description: 'orders', status: 'connected' },
      c: { name: 'gamma', service_type: 'mysql', description: 'Reports of gamma', deleted: true, status: 'error' },
      d: { name: 'delta', index_name: 'search-delta', service_type: 'mysql' },
    };
    const insert = old.prepare('INSERT INTO connectors (id, doc, seq_no, version) VALUES (?, ?, ?, ?)');
    Object.entries(docs).forEach(([id, doc], i) => insert.run(id, JSON.stringify(doc), 10 + i, 2));
    old.prepare("UPDATE seq_counters SET last = 13 WHERE name = 'connectors'").run();
    old.prepare('INSERT INTO sync_jobs (id, doc, seq, seq_no) VALUES (?, ?, 1, 0)').run('j1', JSON.stringify(job('b', { status: 'error' })));
    old.close();

    let store = openSqliteStore(dir);
    try {
      const ids = async (q: object) => (await store.connectors.list({ from: 0, size: 10, ...q })).results.map((r) => JSON.parse(r).id);
      assert.deepEqual(await ids({}), ['a', 'b', 'd']);
      assert.deepEqual(await ids({ serviceTypes: ['mysql'] }), ['b', 'd']);
      assert.deepEqual(await ids({ serviceTypes: ['mysql'], includeDeleted: true }), ['b', 'd', 'c']);
      assert.deepEqual(await ids({ names: ['gamma'], includeDeleted: true }), ['c']);
      assert.deepEqual(await ids({ indexNames: ['search-delta'] }), ['d']);
      // Migration 8's status column over rows written before it.
      assert.deepEqual(await ids({ statuses: ['error'] }), ['a']);
      assert.deepEqual(await ids({ statuses: ['error', 'connected'], includeDeleted: true }), ['a', 'b', 'c']);
      assert.deepEqual(await ids({ query: 'reports' }), ['a'], 'trigram lookup, then the exact test (lowercased description)');
      assert.deepEqual(await ids({ query: 'reports', includeDeleted: true }), ['a', 'c']);
      assert.deepEqual(await ids({ query: 'Alpha' }), ['a']);
      assert.deepEqual(await ids({ query: 'ta' }), ['b', 'd'], 'two characters: no trigram, a scan');
      assert.deepEqual((await store.syncJobs.list({ from: 0, size: 10, statuses: ['error'], connectorId: 'b' })).results.map((r) => JSON.parse(r).id), ['j1']);
      const a = (await store.connectors.get('a'))!;
      assert.deepEqual([a.seq.seqNo, a.seq.version], [10, 2], 'sequence numbers and versions kept');
      await store.connectors.update('b', (d) => ({ ...d, name: 'beta renamed' }));
      assert.equal((await store.connectors.get('b'))!.seq.seqNo, 14, 'the counter goes on');
      assert.deepEqual(await ids({ query: 'renamed' }), ['b']);
    } finally {
      await store.close();
    }
    // VACUUM may renumber plain rowids; the text index refers to rid, which it keeps.
    const db = new Database(join(dir, 'state.db'));
    db.exec('VACUUM');
    db.close();
    store = openSqliteStore(dir);
    try {
      const ids = async (q: object) => (await store.connectors.list({ from: 0, size: 10, ...q })).results.map((r) => JSON.parse(r).id);
      assert.deepEqual(await ids({ query: 'renamed' }), ['b']);
      assert.deepEqual(await ids({ query: 'Drive' }), ['a']);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
