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
