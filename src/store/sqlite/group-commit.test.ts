/**
 * Group commit of connector puts (connector-store.ts): puts issued in the same event-loop turn
 * share one transaction, yet each keeps its own result and its own failure, and every
 * acknowledged put is on disk for another connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { newConnectorDoc } from '../../domain/connector/defaults.js';
import { openSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const doc = (index: string) => newConnectorDoc({ index_name: index, name: index }, '2024-05-01T00:00:00.000Z');

test('concurrent puts: own results, an index-name clash fails alone, all visible to another connection', async () => {
  const store = openSqliteStore(dir);
  const other = openSqliteStore(dir);
  try {
    const results = await Promise.allSettled([
      store.connectors.put('a', doc('idx-a')),
      store.connectors.put('b', doc('idx-b')),
      store.connectors.put('clash', doc('idx-a')),
      store.connectors.put('a', doc('idx-a2')),
      store.connectors.put('c', doc('idx-c')),
    ]);
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')), ['created', 'created', 'rejected', 'updated', 'created']);
    const err = (results[2] as PromiseRejectedResult).reason as { type?: string; reason?: string };
    assert.equal(err.type, 'status_exception');
    assert.equal(err.reason, 'Index name [idx-a] is used by another connector.');
    assert.equal(await other.connectors.get('clash'), null);
    assert.equal((await other.connectors.get('a'))?.doc.index_name, 'idx-a2');
    assert.equal((await other.connectors.get('c'))?.doc.index_name, 'idx-c');
  } finally {
    await store.close();
    await other.close();
  }
});

test('a put is snapshotted when called: later changes to the object are not stored', async () => {
  const store = openSqliteStore(dir);
  try {
    const d = doc('idx-snap');
    const p = store.connectors.put('snap', d);
    d.name = 'changed';
    assert.equal(await p, 'created');
    assert.equal((await store.connectors.get('snap'))?.doc.name, 'idx-snap');
  } finally {
    await store.close();
  }
});

test('a put failing for another reason (JSON too deep for SQLite) fails alone: the batch is retried put by put', async () => {
  const store = openSqliteStore(dir);
  try {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 1100; i++) node = (node.x = {}) as Record<string, unknown>;
    const results = await Promise.allSettled([
      store.connectors.put('deep-a', doc('idx-deep-a')),
      store.connectors.put('deep-bad', { ...doc('idx-deep-bad'), sync_cursor: root }),
      store.connectors.put('deep-b', doc('idx-deep-b')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(await store.connectors.get('deep-bad'), null);
    assert.equal((await store.connectors.get('deep-b'))?.doc.index_name, 'idx-deep-b');
  } finally {
    await store.close();
  }
});
