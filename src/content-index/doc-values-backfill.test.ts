/**
 * Indexes created before doc values (no `v_<id>` table) answer from `_source`, then get their
 * doc values filled in the background when a ContentIndex opens them; writes made while the
 * batches run are kept, and the answers never change (compared with an index left without).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContentIndex } from './content-index.js';
import { tempIndex } from './temp-index.fixture.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function doc(i: number) {
  return {
    cat: i % 3 === 0 ? [`c${i % 7}`, `c${(i + 1) % 7}`] : `c${i % 7}`,
    price: i % 5 === 0 ? String(i) : i,
    when: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    title: `item ${i % 4 === 0 ? 'quick' : 'slow'}`,
    meta: [{ level: i % 4 }, { level: (i + 2) % 4 }],
  };
}

const MAPPING = { properties: { cat: { type: 'keyword' }, price: { type: 'long' }, when: { type: 'date' } } };

const QUERIES: unknown[] = [
  { query: { term: { cat: 'c3' } }, size: 50 },
  { query: { terms: { cat: ['c1', 'c5'] } }, size: 50, sort: [{ when: 'desc' }] },
  { query: { range: { price: { gte: 40, lt: 90 } } }, size: 50, sort: [{ price: 'asc' }] },
  { query: { bool: { must: { match: { title: 'quick' } }, filter: { term: { 'meta.level': 1 } } } }, size: 50 },
  { query: { prefix: { 'title.keyword': 'item q' } }, size: 50, sort: [{ cat: 'asc' }, { price: 'desc' }] },
  { query: { exists: { field: 'meta.level' } }, size: 0, track_total_hits: true },
];

describe('embedded index: doc values of indexes created before them', () => {
  it('an old index answers from _source, gets doc values in batches on open, and answers the same throughout', async () => {
    // Two databases with the same old index: `a` is reopened with the backfill, `b` never is.
    const [ta, tb] = [tempIndex({ docValuesBackfill: false }), tempIndex({ docValuesBackfill: false })];
    let a: ContentIndex | undefined;
    try {
      for (const t of [ta, tb]) {
        t.ci.createIndex('old', { mappings: MAPPING });
        const id = (t.ci.db.prepare("SELECT id FROM ci_indices WHERE name = 'old'").get() as { id: number }).id;
        t.ci.db.exec(`DROP TABLE v_${id}`); // as the code before doc values created it
        t.reopen();
        const items = Array.from({ length: 300 }, (_, i) => ({ action: 'index' as const, index: 'old', id: String(i), source: doc(i) }));
        assert.equal(t.ci.bulk(items).errors, false);
        assert.equal(t.ci.handle('old')!.dv, null);
      }
      const b = tb.ci;
      const answers = (ci: ContentIndex) => QUERIES.map((q) => JSON.stringify(ci.search('old', q).hits));
      ta.ci.close();
      a = new ContentIndex(ta.path, { docValuesBackfill: 10 });
      const ci = a;
      let sawBuilding = false;
      for (let i = 0; i < 40; i++) {
        await tick();
        const h = ci.handle('old')!;
        if (h.dv === null && h.docValues) sawBuilding = true;
        for (const c of [ci, b]) {
          c.indexDocument('old', String((i * 37) % 300), doc(i + 1000));
          if (i % 5 === 0) c.deleteDocument('old', String((i * 53) % 300));
          if (i % 7 === 0) c.updateDocument('old', String((i * 11) % 300), { doc: { cat: 'c6', price: 5 }, doc_as_upsert: true });
        }
        assert.deepEqual(answers(ci), answers(b), `during the backfill, round ${i}`);
      }
      assert.ok(sawBuilding, 'writes happened while the table was being filled');
      await ci.docValuesReady;
      assert.equal(ci.docValuesError, undefined);
      const h = ci.handle('old')!;
      assert.ok(h.dv, 'the index has doc values now');
      assert.equal(b.handle('old')!.dv, null);
      assert.deepEqual(answers(ci), answers(b));
      // Every document's rows and no others: the same as writing each document afresh.
      const rows = () => ci.db.prepare(`SELECT r, f, v FROM ${ci.handle('old')!.dv} ORDER BY r, f, v`).all();
      const filled = rows();
      assert.ok(filled.length > 300);
      const stale = ci.db.prepare(`SELECT count(*) AS n FROM ${h.dv} WHERE r NOT IN (SELECT r FROM ${h.docs})`).get() as { n: number };
      assert.equal(stale.n, 0, 'no rows of deleted documents');
      for (const d of ci.db.prepare(`SELECT id, json(src) AS src FROM ${h.docs}`).all() as { id: string; src: string }[]) {
        ci.indexDocument('old', d.id, JSON.parse(d.src));
      }
      assert.deepEqual(rows(), filled);
    } finally {
      await a?.close();
      ta.cleanup();
      tb.cleanup();
    }
  });
});
