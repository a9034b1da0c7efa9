/**
 * The ingest pipeline store suite every backend runs (`sqlite/store.test.ts`,
 * `postgres/store.test.ts`): put creates then replaces, the JSON text comes back as stored,
 * list in id order, delete, the stored-pipelines bound (checked atomically under concurrent
 * puts from two handles), and a value the backend cannot store is a 400.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../domain/errors.js';
import { MAX_PIPELINES } from './pipeline-store.js';
import { withStores, type StoreBackend } from './store.case.js';

export function pipelineStoreCases(backend: StoreBackend): void {
  describe(`${backend.kind} pipeline store`, () => {
    it('put creates then replaces; get returns the text as stored; delete', async () => {
      await withStores(backend, async (a, b) => {
        const body = '{"processors":[{"set":{"field":"z","value":1}}],"description":"d é ✓"}';
        assert.equal(await a.pipelines.get('p1'), null);
        assert.equal(await a.pipelines.put('p1', body), 'created');
        assert.equal(await b.pipelines.get('p1'), body);
        assert.equal(await b.pipelines.put('p1', '{"processors":[]}'), 'updated');
        assert.equal(await a.pipelines.get('p1'), '{"processors":[]}');
        assert.equal(await a.pipelines.delete('p1'), true);
        assert.equal(await b.pipelines.delete('p1'), false);
        assert.equal(await b.pipelines.get('p1'), null);
      });
    });

    it('lists every pipeline in id order (byte order)', async () => {
      await withStores(backend, async (a) => {
        for (const id of ['b', 'a', 'C', 'a-2']) await a.pipelines.put(id, `{"id":"${id}"}`);
        assert.deepEqual(await a.pipelines.list(), ['C', 'a', 'a-2', 'b'].map((id) => ({ id, body: `{"id":"${id}"}` })));
      });
    });

    it(`stores at most ${MAX_PIPELINES} pipelines, even under concurrent puts; replacing one still works`, async () => {
      await withStores(backend, async (a, b) => {
        for (let i = 0; i < MAX_PIPELINES - 2; i += 50) {
          await Promise.all(Array.from({ length: Math.min(50, MAX_PIPELINES - 2 - i) }, (_, k) => a.pipelines.put(`p${String(i + k).padStart(4, '0')}`, '{}')));
        }
        const results = await Promise.allSettled(Array.from({ length: 6 }, (_, k) => (k % 2 ? a : b).pipelines.put(`extra${k}`, '{}')));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
        for (const r of results) {
          if (r.status === 'rejected') assert.ok(r.reason instanceof ApiError && r.reason.status === 400 && /at most 1000 ingest pipelines/.test(r.reason.reason), String(r.reason));
        }
        assert.equal((await a.pipelines.list()).length, MAX_PIPELINES);
        assert.equal(await a.pipelines.put('p0000', '{"processors":[]}'), 'updated');
        await a.pipelines.delete('p0001');
        assert.equal(await b.pipelines.put('again', '{}'), 'created');
      });
    });
  });
}
