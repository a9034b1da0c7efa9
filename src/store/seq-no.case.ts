/**
 * The sequence-number part of the shared store suite (run by `sqlite/store.test.ts` and
 * `postgres/store.test.ts`): `_seq_no` strictly increases per index with every kind of write
 * (deletes consume numbers too), `_version` counts a document's writes, a noop moves nothing,
 * and a compare-and-write (`checkSeqNo` in the mutator) with a stale number fails while of N
 * concurrent ones holding the current number, on two handles, exactly one wins.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../domain/errors.js';
import { checkSeqNo, PRIMARY_TERM, type SeqNo } from '../domain/shared/seq-no.js';
import { connectorDoc, job, withStores, type StoreBackend } from './store.case.js';
import type { SyncJobDoc } from '../domain/sync-job/document.js';
import type { Store } from './store.js';

/** Asserts `next` is a later write than `prev` (a higher `_seq_no`) and returns it. */
function after(prev: SeqNo, next: SeqNo, what: string): SeqNo {
  assert.ok(next.seqNo > prev.seqNo, `${what}: seq_no ${next.seqNo} after ${prev.seqNo}`);
  assert.equal(next.primaryTerm, PRIMARY_TERM);
  return next;
}

const seqOfConnector = async (s: Store, id: string) => (await s.connectors.get(id))!.seq;
const seqOfJob = async (s: Store, id: string) => (await s.syncJobs.get(id))!.seq;

function assertConflict(e: unknown, id: string, required: number, current: number): true {
  assert.ok(e instanceof ApiError, `expected an ApiError, got ${e}`);
  assert.equal(e.status, 409);
  assert.equal(e.type, 'version_conflict_engine_exception');
  assert.equal(e.reason, `[${id}]: version conflict, required seqNo [${required}], primary term [1]. current document has seqNo [${current}] and primary term [1]`);
  return true;
}

export function seqNoCases(backend: StoreBackend): void {
  const t = (name: string, fn: (a: Store, b: Store) => Promise<void>) => it(name, () => withStores(backend, fn));
  const rounds = backend.rounds ?? 20;

  describe(`${backend.kind} store: sequence numbers`, () => {
    t('connectors: every write kind advances seq_no across documents; version counts writes per document', async (a, b) => {
      await a.connectors.put('c1', connectorDoc({ name: 'one' }));
      let last = await seqOfConnector(b, 'c1');
      assert.equal(last.version, 1);
      await b.connectors.put('c2', connectorDoc({ name: 'two' }));
      last = after(last, await seqOfConnector(a, 'c2'), 'create of another document');
      assert.equal(last.version, 1);
      const up = (await a.connectors.update('c1', (d) => ({ ...d, name: 'uno' })))!;
      last = after(last, up.seq, 'update');
      assert.deepEqual(up.seq, await seqOfConnector(b, 'c1'), 'the update reports what it stored');
      assert.equal(up.seq.version, 2);
      // A noop writes nothing: the numbers stay.
      const noop = (await b.connectors.update('c1', (d) => ({ ...d })))!;
      assert.equal(noop.result, 'noop');
      assert.deepEqual(noop.seq, last);
      // `alwaysUpdated` (check-ins) is a write even when nothing changed.
      last = after(last, (await b.connectors.update('c1', (d) => d, { alwaysUpdated: true }))!.seq, 'alwaysUpdated');
      assert.equal(last.version, 3);
      assert.equal(await a.connectors.put('c2', connectorDoc({ name: 'dos' })), 'updated');
      last = after(last, await seqOfConnector(a, 'c2'), 'overwriting put');
      assert.equal(last.version, 2);
      last = after(last, (await a.connectors.update('c2', (d) => ({ ...d, deleted: true })))!.seq, 'soft delete');
      assert.deepEqual((await a.connectors.listAll()).map((c) => [c.id, c.seq]), [['c1', await seqOfConnector(a, 'c1')]]);
      // A hard delete consumes a number: the re-created document starts over at version 1 with
      // a number never handed out before, so a holder of the old numbers cannot match it.
      assert.equal(await b.connectors.delete('c1'), true);
      await a.connectors.put('c1', connectorDoc({ name: 'again' }));
      const again = await seqOfConnector(b, 'c1');
      assert.ok(again.seqNo > last.seqNo + 1, `re-created after a delete: ${again.seqNo} vs ${last.seqNo}`);
      assert.equal(again.version, 1);
      // A failed write (index-name clash, mutator error) changes nothing.
      await a.connectors.put('c3', connectorDoc({ index_name: 'taken' }));
      const c3 = await seqOfConnector(a, 'c3');
      await assert.rejects(a.connectors.update('c1', (d) => ({ ...d, index_name: 'taken' })));
      await assert.rejects(a.connectors.update('c3', () => { throw new Error('no'); }));
      assert.deepEqual(await seqOfConnector(b, 'c1'), again);
      assert.deepEqual(await seqOfConnector(b, 'c3'), c3);
    });

    t('sync jobs: create, update, check-in, delete and deleteByConnector all advance seq_no', async (a, b) => {
      await a.syncJobs.create('j1', job('c1'));
      let last = await seqOfJob(b, 'j1');
      assert.equal(last.version, 1);
      await b.syncJobs.create('j2', job('c1'));
      last = after(last, await seqOfJob(a, 'j2'), 'create of another job');
      last = after(last, (await a.syncJobs.update('j1', (d) => ({ ...d, status: 'in_progress' })))!.seq, 'claim');
      assert.equal(last.version, 2);
      last = after(last, (await b.syncJobs.update('j1', (d) => ({ ...d, last_seen: 'now' }), { alwaysUpdated: true }))!.seq, 'check-in');
      assert.equal(last.version, 3);
      assert.deepEqual((await a.syncJobs.update('j1', (d) => d))!.seq, last, 'noop');
      assert.equal(await a.syncJobs.delete('j2'), true);
      await a.syncJobs.create('j3', job('c2'));
      const j3 = await seqOfJob(b, 'j3');
      assert.ok(j3.seqNo > last.seqNo + 1, `a delete consumes a number: ${j3.seqNo} vs ${last.seqNo}`);
      await a.syncJobs.create('j4', job('c2'));
      last = await seqOfJob(a, 'j4');
      assert.equal(await b.syncJobs.deleteByConnector('c2'), 2);
      await a.syncJobs.create('j5', job('c3'));
      const j5 = await seqOfJob(b, 'j5');
      assert.ok(j5.seqNo > last.seqNo + 2, `deleteByConnector consumes one number per job: ${j5.seqNo} vs ${last.seqNo}`);
    });

    t('compare-and-write: a stale seq_no or primary term fails and writes nothing, the current one succeeds', async (a, b) => {
      await a.syncJobs.create('j', job('c1'));
      const first = await seqOfJob(a, 'j');
      const cas = (s: Store, ifSeqNo: number, ifPrimaryTerm = 1, status: SyncJobDoc['status'] = 'in_progress') =>
        s.syncJobs.update('j', (d, seq) => {
          checkSeqNo('j', seq, { ifSeqNo, ifPrimaryTerm }, '.elastic-connectors-sync-jobs-v1');
          return { ...d, status };
        });
      const won = (await cas(b, first.seqNo))!;
      assert.equal(won.result, 'updated');
      await assert.rejects(cas(a, first.seqNo, 1, 'error'), (e) => assertConflict(e, 'j', first.seqNo, won.seq.seqNo));
      await assert.rejects(cas(a, won.seq.seqNo, 2, 'error'), ApiError);
      assert.deepEqual(await seqOfJob(b, 'j'), won.seq);
      assert.equal((await b.syncJobs.get('j'))!.doc.status, 'in_progress');
      assert.equal((await cas(a, won.seq.seqNo, 1, 'completed'))!.result, 'updated');
      // Connectors too.
      await a.connectors.put('c', connectorDoc({ status: 'created' }));
      const c = await seqOfConnector(b, 'c');
      const casC = (ifSeqNo: number) =>
        b.connectors.update('c', (d, seq) => {
          checkSeqNo('c', seq, { ifSeqNo, ifPrimaryTerm: 1 }, '.elastic-connectors-v1');
          return { ...d, status: 'connected' };
        });
      await assert.rejects(casC(c.seqNo + 1000), (e) => assertConflict(e, 'c', c.seqNo + 1000, c.seqNo));
      assert.equal((await casC(c.seqNo))!.result, 'updated');
    });

    const N = 10;
    t(`${N} concurrent compare-and-writes with the same seq_no on two handles: exactly one wins, ${rounds} rounds`, async (a, b) => {
      for (let round = 0; round < rounds; round++) {
        const id = `job-${round}`;
        await a.syncJobs.create(id, job('c1'));
        const seen = await seqOfJob(b, id);
        // The mutator does not look at the status: only the sequence number decides.
        const outcomes = await Promise.allSettled(
          Array.from({ length: N }, (_, i) =>
            (i % 2 ? b : a).syncJobs.update(id, (d, seq) => {
              checkSeqNo(id, seq, { ifSeqNo: seen.seqNo, ifPrimaryTerm: seen.primaryTerm }, '.elastic-connectors-sync-jobs-v1');
              return { ...d, worker_hostname: `w${i}` };
            }),
          ),
        );
        const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
        assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
        const stored = (await a.syncJobs.get(id))!;
        assert.equal(stored.doc.worker_hostname, `w${winners[0]}`);
        for (const o of outcomes) if (o.status === 'rejected') assertConflict(o.reason, id, seen.seqNo, stored.seq.seqNo);
        assert.equal(stored.seq.version, 2);
      }
    });
  });
}
