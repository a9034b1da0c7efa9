/** `_stats` and `_check_in`: direct updates with no status check (connector-api.md §7.8, §7.11). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ALL_STATUSES, getJob, jobIn, postJob, put, putConnector } from './helpers/sync-job.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
  await putConnector(srv, 'c1');
});
after(() => srv.close());

const counts = { deleted_document_count: 1, indexed_document_count: 20, indexed_document_volume: 300 };

describe('_stats', () => {
  it('writes the three counts and last_seen = now; total_document_count untouched when absent', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    const before = await getJob(srv, id);
    assert.deepEqual(ok(await put(srv, id, '_stats', counts)), { result: 'updated' });
    const job = await getJob(srv, id);
    assert.equal(job.deleted_document_count, 1);
    assert.equal(job.indexed_document_count, 20);
    assert.equal(job.indexed_document_volume, 300);
    assert.equal(job.total_document_count, 0);
    assert.ok(job.last_seen > before.last_seen, 'last_seen moves to now');
    assert.equal(job.status, 'in_progress');
  });

  it('writes total_document_count and the given last_seen (normalised)', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    ok(await put(srv, id, '_stats', { ...counts, total_document_count: 99, last_seen: '2024-02-03T04:05:06+01:00' }));
    const job = await getJob(srv, id);
    assert.equal(job.total_document_count, 99);
    assert.equal(job.last_seen, '2024-02-03T03:05:06.000Z');
  });

  it('replaces the counts (they are totals, not increments)', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    ok(await put(srv, id, '_stats', counts));
    ok(await put(srv, id, '_stats', { deleted_document_count: 0, indexed_document_count: 5, indexed_document_volume: 6 }));
    const job = await getJob(srv, id);
    assert.equal(job.deleted_document_count, 0);
    assert.equal(job.indexed_document_count, 5);
    assert.equal(job.indexed_document_volume, 6);
  });

  it('deep-merges metadata: old keys survive, arrays and null replace', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    ok(await put(srv, id, '_stats', { ...counts, metadata: { cursor: { page: 1, tables: ['a', 'b'] }, keep: 'me', drop: 'x' } }));
    ok(await put(srv, id, '_stats', { ...counts, metadata: { cursor: { tables: ['c'], offset: 7 }, drop: null } }));
    ok(await put(srv, id, '_stats', counts));
    const job = await getJob(srv, id);
    assert.deepEqual(job.metadata, { cursor: { page: 1, tables: ['c'], offset: 7 }, keep: 'me', drop: null });
  });

  it('the same stats with the same last_seen are a noop', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    const body = { ...counts, last_seen: '2030-01-01T00:00:00.000Z', metadata: { a: 1 } };
    assert.equal(ok(await put(srv, id, '_stats', body)).result, 'updated');
    assert.equal(ok(await put(srv, id, '_stats', body)).result, 'noop');
  });

  for (const status of ALL_STATUSES) {
    it(`works on a ${status} job and leaves its status alone`, async () => {
      const id = await jobIn(srv, 'c1', status);
      ok(await put(srv, id, '_stats', counts));
      const job = await getJob(srv, id);
      assert.equal(job.status, status);
      assert.equal(job.indexed_document_count, 20);
    });
  }

  it('negative counts: 400 listing each, nothing written', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    ok(await put(srv, id, '_stats', counts));
    const before = await getJob(srv, id);
    assertError(await put(srv, id, '_stats', { deleted_document_count: -1, indexed_document_count: 0, indexed_document_volume: -5, total_document_count: -2 }),
      400, 'action_request_validation_exception',
      'Validation Failed: 1: [deleted_document_count] cannot be negative.;2: [indexed_document_volume] cannot be negative.;3: [total_document_count] cannot be negative.;');
    assertError(await put(srv, id, '_stats', { ...counts, indexed_document_count: -1 }), 400, 'action_request_validation_exception',
      'Validation Failed: 1: [indexed_document_count] cannot be negative.;');
    assert.deepEqual(await getJob(srv, id), before);
  });

  it('other body errors: 400', async () => {
    const id = await postJob(srv, 'c1');
    assertError(await put(srv, id, '_stats', { deleted_document_count: 1 }), 400, 'illegal_argument_exception', 'Required [indexed_document_count, indexed_document_volume]');
    assertError(await put(srv, id, '_stats', { ...counts, metadata: 'x' }), 400, 'x_content_parse_exception');
    assertError(await put(srv, id, '_stats', { ...counts, last_seen: 1700000000000 }), 400, 'x_content_parse_exception');
    assertError(await put(srv, id, '_stats', { ...counts, last_seen: 'not a date' }), 400, 'x_content_parse_exception');
    assertError(await put(srv, id, '_stats', { ...counts, status: 'completed' }), 400, 'x_content_parse_exception', /unknown field \[status\]/);
    assertError(await put(srv, id, '_stats'), 400, 'parse_exception', 'request body is required');
  });

  it('missing job: 404 `connector sync job [id] not found` (direct update, §1.3)', async () => {
    assertError(await put(srv, 'no-such-job', '_stats', counts), 404, 'resource_not_found_exception', 'connector sync job [no-such-job] not found');
  });

  it('validation comes before the existence check', async () => {
    assertError(await put(srv, 'no-such-job', '_stats', { ...counts, indexed_document_count: -1 }), 400, 'action_request_validation_exception');
  });
});

describe('_check_in', () => {
  it('moves last_seen forward and answers {result: updated}', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    const before = await getJob(srv, id);
    assert.deepEqual(ok(await put(srv, id, '_check_in')), { result: 'updated' });
    const first = await getJob(srv, id);
    assert.ok(first.last_seen > before.last_seen);
    ok(await put(srv, id, '_check_in'));
    const second = await getJob(srv, id);
    assert.ok(second.last_seen > first.last_seen, 'back-to-back check-ins still order');
    const { last_seen: _a, ...restBefore } = before;
    const { last_seen: _b, ...restAfter } = second;
    assert.deepEqual(restAfter, restBefore, 'only last_seen changes');
  });

  for (const status of ALL_STATUSES) {
    it(`works on a ${status} job (no status check)`, async () => {
      const id = await jobIn(srv, 'c1', status);
      ok(await put(srv, id, '_check_in'));
      assert.equal((await getJob(srv, id)).status, status);
    });
  }

  it('missing job: 404 `connector sync job [id] not found`', async () => {
    assertError(await put(srv, 'no-such-job', '_check_in'), 404, 'resource_not_found_exception', 'connector sync job [no-such-job] not found');
  });
});
