/**
 * Optimistic concurrency on the connector system indices, as Elastic's connector service uses
 * it (`POST .elastic-connectors-sync-jobs/_update/<id>?if_seq_no=…&if_primary_term=…` to start
 * a job it saw pending): real `_seq_no` / `_primary_term` / `_version` in the answer, 409
 * `version_conflict_engine_exception` with Elasticsearch's reason on a stale number (also after
 * a Connector API write), Elasticsearch's 400s for a half-given pair, no numbers in the Connector
 * API's own answers, and of racing claims holding the same number exactly one wins: in one
 * process on SQLite, and across two processes' connection pools on one PostgreSQL store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { openApp } from '../../src/app/open-app.js';
import { dropSchema, pgUrl, randomSchema, requirePg } from '../../src/store/postgres/postgres.fixture.js';
import { assertError, ok, type EsResponse } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { postJob, putConnector } from './helpers/sync-job.js';

const JOBS = '.elastic-connectors-sync-jobs';
type Inject = (o: { method: 'POST' | 'PUT' | 'GET'; url: string; body?: unknown }) => Promise<EsResponse>;

function update(inject: Inject, index: string, id: string, doc: Record<string, unknown>, query = '') {
  return inject({ method: 'POST', url: `/${index}/_update/${id}${query}`, body: { doc } });
}

/** The document's current numbers, read the way a client without GET can: an empty update (a noop). */
async function current(inject: Inject, index: string, id: string): Promise<{ _seq_no: number; _primary_term: number; _version: number }> {
  const body = ok(await update(inject, index, id, {}));
  assert.equal(body.result, 'noop');
  return body;
}

const conflictReason = (id: string, required: number, term: number, seq: number) =>
  `[${id}]: version conflict, required seqNo [${required}], primary term [${term}]. current document has seqNo [${seq}] and primary term [1]`;

let srv: TestServer;
let inject: Inject;
before(async () => {
  srv = await startServer();
  inject = (o) => srv.inject(o);
  await putConnector(srv, 'c1');
});
after(() => srv?.close());

describe('system-index _update with if_seq_no / if_primary_term', () => {
  it('answers the real numbers; the current ones succeed, stale ones are a 409 that writes nothing', async () => {
    const id = await postJob(srv, 'c1');
    const first = await current(inject, JOBS, id);
    assert.equal(first._primary_term, 1);
    assert.equal(first._version, 1);
    const won = ok(await update(inject, JOBS, id, { metadata: { n: 1 } }, `?if_seq_no=${first._seq_no}&if_primary_term=1`));
    assert.equal(won.result, 'updated');
    assert.ok(won._seq_no > first._seq_no, `${won._seq_no} > ${first._seq_no}`);
    assert.equal(won._version, 2);
    assert.deepEqual(won._shards, { total: 1, successful: 1, failed: 0 });
    const lost = assertError(
      await update(inject, JOBS, id, { metadata: { n: 2 } }, `?if_seq_no=${first._seq_no}&if_primary_term=1`),
      409,
      'version_conflict_engine_exception',
      conflictReason(id, first._seq_no, 1, won._seq_no),
    );
    assert.deepEqual(lost.error.root_cause[0], { ...lost.error.root_cause[0], index: `${JOBS}-v1`, shard: '0' });
    // A wrong primary term is a conflict too.
    assertError(
      await update(inject, JOBS, id, { metadata: { n: 2 } }, `?if_seq_no=${won._seq_no}&if_primary_term=2`),
      409,
      'version_conflict_engine_exception',
      conflictReason(id, won._seq_no, 2, won._seq_no),
    );
    const job = ok(await inject({ method: 'GET', url: `/_connector/_sync_job/${id}` }));
    assert.deepEqual(job.metadata, { n: 1 });
    // A noop keeps the numbers and touches no shard.
    const noop = ok(await update(inject, JOBS, id, { metadata: { n: 1 } }, `?if_seq_no=${won._seq_no}&if_primary_term=1`));
    assert.deepEqual([noop.result, noop._seq_no, noop._version, noop._shards.total], ['noop', won._seq_no, 2, 0]);
  });

  it('Connector API writes advance the numbers: a client holding older ones gets 409', async () => {
    const id = await postJob(srv, 'c1');
    const seen = await current(inject, JOBS, id);
    ok(await inject({ method: 'PUT', url: `/_connector/_sync_job/${id}/_check_in` }));
    const res = await update(inject, JOBS, id, { status: 'in_progress' }, `?if_seq_no=${seen._seq_no}&if_primary_term=1`);
    assertError(res, 409, 'version_conflict_engine_exception', /current document has seqNo \[\d+\]/);
    assert.equal(ok(await inject({ method: 'GET', url: `/_connector/_sync_job/${id}` })).status, 'pending');

    const conn = await current(inject, '.elastic-connectors', 'c1');
    ok(await inject({ method: 'PUT', url: '/_connector/c1/_name', body: { name: 'renamed' } }));
    const after = await current(inject, '.elastic-connectors', 'c1');
    assert.ok(after._seq_no > conn._seq_no);
    assert.equal(after._version, conn._version + 1);
    assertError(
      await update(inject, '.elastic-connectors', 'c1', { description: 'x' }, `?if_seq_no=${conn._seq_no}&if_primary_term=1`),
      409,
      'version_conflict_engine_exception',
      conflictReason('c1', conn._seq_no, 1, after._seq_no),
    );
    ok(await update(inject, '.elastic-connectors', 'c1', { description: 'x' }, `?if_seq_no=${after._seq_no}&if_primary_term=1`));
  });

  it("Elasticsearch's 400s for a half-given or invalid condition; a missing document stays 404", async () => {
    const id = await postJob(srv, 'c1');
    const v = 'action_request_validation_exception';
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=0'), 400, v, 'Validation Failed: 1: ifSeqNo is set, but primary term is [0];');
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=0&if_primary_term=0'), 400, v, 'Validation Failed: 1: ifSeqNo is set, but primary term is [0];');
    assertError(await update(inject, JOBS, id, {}, '?if_primary_term=1'), 400, v, 'Validation Failed: 1: ifSeqNo is unassigned, but primary term is [1];');
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=1&if_primary_term=1&retry_on_conflict=3'), 400, v, 'Validation Failed: 1: compare and write operations can not be retried;');
    assertError(
      await inject({ method: 'POST', url: `/${JOBS}/_update/${id}?if_seq_no=1&if_primary_term=1`, body: { doc: {}, doc_as_upsert: true } }),
      400, v, 'Validation Failed: 1: compare and write operations can not be used with upsert;',
    );
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=-1&if_primary_term=1'), 400, 'illegal_argument_exception', 'sequence numbers must be non negative. got [-1].');
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=1&if_primary_term=-1'), 400, 'illegal_argument_exception', 'primary term must be non negative. got [-1]');
    assertError(await update(inject, JOBS, id, {}, '?if_seq_no=x&if_primary_term=1'), 400, 'illegal_argument_exception');
    assertError(await update(inject, JOBS, 'nope', {}, '?if_seq_no=0&if_primary_term=1'), 404, 'document_missing_exception', '[nope]: document missing');
  });

  it('the Connector API answers carry no sequence numbers', async () => {
    const id = await postJob(srv, 'c1');
    const leaks = (body: unknown) => JSON.stringify(body).match(/"_(seq_no|primary_term|version)"/g);
    assert.equal(leaks(ok(await inject({ method: 'GET', url: '/_connector/c1' }))), null);
    assert.equal(leaks(ok(await inject({ method: 'GET', url: '/_connector' }))), null);
    assert.equal(leaks(ok(await inject({ method: 'GET', url: `/_connector/_sync_job/${id}` }))), null);
    assert.equal(leaks(ok(await inject({ method: 'GET', url: '/_connector/_sync_job' }))), null);
  });
});

/** N services that all saw the job pending at one `_seq_no` start it at once: one 200, the rest 409. */
async function raceClaims(injects: Inject[], jobId: string, n: number): Promise<void> {
  const seen = await current(injects[0], JOBS, jobId);
  const q = `?if_seq_no=${seen._seq_no}&if_primary_term=${seen._primary_term}`;
  const replies = await Promise.all(
    Array.from({ length: n }, (_, i) => update(injects[i % injects.length], JOBS, jobId, { status: 'in_progress', worker_hostname: `w${i}` }, q)),
  );
  const winners = replies.flatMap((r, i) => (r.statusCode === 200 ? [i] : []));
  assert.equal(winners.length, 1, replies.map((r) => `${r.statusCode} ${r.body}`).join('\n'));
  for (const r of replies) if (r.statusCode !== 200) assertError(r, 409, 'version_conflict_engine_exception');
  const job = ok(await injects[0]({ method: 'GET', url: `/_connector/_sync_job/${jobId}` }));
  assert.equal(job.status, 'in_progress');
  assert.equal(job.worker_hostname, `w${winners[0]}`);
}

describe('racing claims through _update with the same if_seq_no', () => {
  it('two claims (and then ten) on SQLite: exactly one 200', async () => {
    for (const n of [2, 10]) await raceClaims([inject], await postJob(srv, 'c1'), n);
  });
});

if (await requirePg('system-index _update race on PostgreSQL')) {
  describe('racing claims on PostgreSQL, two processes (pools) on one store', () => {
    const schema = randomSchema();
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-seqno-'));
    const servers: FastifyInstance[] = [];
    after(async () => {
      for (const s of servers) await s.close();
      await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('10 claimers over two pools, 10 rounds: exactly one 200 each round', async () => {
      for (let i = 0; i < 2; i++) {
        const server = buildServer(await openApp({ dataDir, storeUrl: pgUrl({ schema }) }));
        await server.ready();
        servers.push(server);
      }
      const injects: Inject[] = servers.map((s) => (o) => s.inject({ method: o.method, url: o.url, ...(o.body === undefined ? {} : { payload: o.body as object }) }));
      ok(await injects[0]({ method: 'PUT', url: '/_connector/pg1', body: { index_name: 'search-pg1', service_type: 'mysql' } }), 201);
      for (let round = 0; round < 10; round++) {
        const job = ok(await injects[1]({ method: 'POST', url: '/_connector/_sync_job', body: { id: 'pg1' } }), 201);
        await raceClaims(injects, job.id, 10);
      }
    });
  });
}
