/**
 * Every sync status transition, allowed and forbidden, through each endpoint that moves a job:
 * `_cancel`, `_error`, `_claim` (connector-api.md §7.7, §7.9, §7.10, §7.12) and the
 * system-index `POST .elastic-connectors-sync-jobs/_update/<id>` the worker uses for
 * completed / suspended / canceled (§7.2 enforced there too, unlike a raw Elasticsearch write).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, ok } from '../helpers/assert-es.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { ALL_STATUSES, ALLOWED, getJob, jobIn, postJob, put, putConnector, transitionReason, updateDoc } from './helpers/sync-job.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
  await putConnector(srv, 'c1');
});
after(() => srv.close());

function assertTransitionError(res: Parameters<typeof assertError>[0], from: string, to: string) {
  const body = assertError(res, 400, 'status_exception', transitionReason(from, to));
  assert.deepEqual(body.error.caused_by, { type: 'connector_sync_job_invalid_status_transition_exception', reason: transitionReason(from, to) });
}

describe('_cancel (§7.7)', () => {
  it('pending → canceled at once, with cancelation_requested_at = canceled_at = completed_at', async () => {
    const id = await jobIn(srv, 'c1', 'pending');
    assert.deepEqual(ok(await put(srv, id, '_cancel')), { result: 'updated' });
    const job = await getJob(srv, id);
    assert.equal(job.status, 'canceled');
    assert.match(job.canceled_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z$/);
    assert.equal(job.cancelation_requested_at, job.canceled_at);
    assert.equal(job.completed_at, job.canceled_at);
    assert.ok(job.canceled_at >= job.created_at);
  });

  it('suspended → canceled at once, with the three equal timestamps', async () => {
    const id = await jobIn(srv, 'c1', 'suspended');
    ok(await put(srv, id, '_cancel'));
    const job = await getJob(srv, id);
    assert.equal(job.status, 'canceled');
    assert.equal(job.cancelation_requested_at, job.canceled_at);
    assert.equal(job.completed_at, job.canceled_at);
  });

  it('in_progress → canceling with cancelation_requested_at only', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    assert.deepEqual(ok(await put(srv, id, '_cancel')), { result: 'updated' });
    const job = await getJob(srv, id);
    assert.equal(job.status, 'canceling');
    assert.ok(job.cancelation_requested_at);
    assert.ok(!('canceled_at' in job));
    assert.ok(!('completed_at' in job));
    assert.equal(job.worker_hostname, 'setup-worker', 'the worker keeps the job until it stops');
  });

  for (const from of ['canceling', 'canceled', 'completed', 'error'] as const) {
    it(`${from} → canceling is a 400 invalid transition and changes nothing`, async () => {
      const id = await jobIn(srv, 'c1', from);
      const before = await getJob(srv, id);
      assertTransitionError(await put(srv, id, '_cancel'), from, 'canceling');
      assert.deepEqual(await getJob(srv, id), before);
    });
  }

  it('canceling twice: the second gives "from [canceled] to [canceling]"', async () => {
    const id = await jobIn(srv, 'c1', 'pending');
    ok(await put(srv, id, '_cancel'));
    assertTransitionError(await put(srv, id, '_cancel'), 'canceled', 'canceling');
  });

  it('missing job: 404 with the bare id (GET-based handler, §1.3)', async () => {
    assertError(await put(srv, 'no-such-job', '_cancel'), 404, 'resource_not_found_exception', 'no-such-job');
  });

  it('takes no body (the official clients send none) and ignores an empty one', async () => {
    const id = await jobIn(srv, 'c1', 'pending');
    ok(await srv.inject({ method: 'PUT', url: `/_connector/_sync_job/${id}/_cancel`, payload: '', headers: { 'content-type': 'application/json' } }));
  });
});

describe('_error (§7.9)', () => {
  for (const from of ALL_STATUSES) {
    const allowed = ALLOWED[from].includes('error');
    it(`${from} → error is ${allowed ? 'allowed' : 'a 400 invalid transition'}`, async () => {
      const id = await jobIn(srv, 'c1', from);
      const before = await getJob(srv, id);
      const res = await put(srv, id, '_error', { error: 'source unreachable' });
      if (!allowed) {
        assertTransitionError(res, from, 'error');
        assert.deepEqual(await getJob(srv, id), before);
        return;
      }
      assert.deepEqual(ok(res), { result: 'updated' });
      const job = await getJob(srv, id);
      assert.equal(job.status, 'error');
      assert.equal(job.error, 'source unreachable');
      assert.ok(!('completed_at' in job), '_error does not set completed_at');
    });
  }

  it('pending → error is 400 (the brief example)', async () => {
    const id = await postJob(srv, 'c1');
    assertTransitionError(await put(srv, id, '_error', { error: 'x' }), 'pending', 'error');
  });

  it('missing job: 404 with the bare id', async () => {
    assertError(await put(srv, 'no-such-job', '_error', { error: 'x' }), 404, 'resource_not_found_exception', 'no-such-job');
  });

  it('body errors are 400 before the job is looked at', async () => {
    assertError(await put(srv, 'no-such-job', '_error', {}), 400, 'illegal_argument_exception', 'Required [error]');
    assertError(await put(srv, 'no-such-job', '_error', { error: '' }), 400, 'action_request_validation_exception',
      'Validation Failed: 1: [error] of the connector sync job cannot be null or empty;');
    assertError(await put(srv, 'no-such-job', '_error', { error: null }), 400, 'x_content_parse_exception');
    assertError(await put(srv, 'no-such-job', '_error', { error: 'x', foo: 1 }), 400, 'x_content_parse_exception', /unknown field \[foo\]/);
    assertError(await put(srv, 'no-such-job', '_error'), 400, 'parse_exception', 'request body is required');
  });
});

describe('_claim (§7.10, atomic and state-checked unlike Elasticsearch)', () => {
  for (const from of ALL_STATUSES) {
    const expect = from === 'pending' || from === 'suspended' ? 200 : from === 'in_progress' || from === 'canceling' ? 409 : 400;
    it(`claim of a ${from} job → ${expect}`, async () => {
      const id = await jobIn(srv, 'c1', from);
      const before = await getJob(srv, id);
      const res = await put(srv, id, '_claim', { worker_hostname: 'w-new' });
      if (expect === 200) {
        assert.deepEqual(ok(res), { result: 'updated' });
        const job = await getJob(srv, id);
        assert.equal(job.status, 'in_progress');
        assert.equal(job.worker_hostname, 'w-new');
        assert.ok(job.started_at > before.last_seen, 'started_at is now');
        assert.equal(job.last_seen, job.started_at);
        return;
      }
      if (expect === 409) assertError(res, 409, 'version_conflict_engine_exception', new RegExp(`^\\[${id}\\]: version conflict`));
      else assertTransitionError(res, from, 'in_progress');
      assert.deepEqual(await getJob(srv, id), before, 'a refused claim writes nothing');
    });
  }

  it('the second claim of a job gets 409 and the first worker keeps it', async () => {
    const id = await postJob(srv, 'c1');
    ok(await put(srv, id, '_claim', { worker_hostname: 'first' }));
    assertError(await put(srv, id, '_claim', { worker_hostname: 'second' }), 409, 'version_conflict_engine_exception');
    assert.equal((await getJob(srv, id)).worker_hostname, 'first');
  });

  it('a suspended job is claimed again by a new worker, keeping its stats', async () => {
    const id = await jobIn(srv, 'c1', 'in_progress');
    ok(await put(srv, id, '_stats', { deleted_document_count: 1, indexed_document_count: 5, indexed_document_volume: 9 }));
    ok(await updateDoc(srv, id, { status: 'suspended' }));
    ok(await put(srv, id, '_claim', { worker_hostname: 'resumer' }));
    const job = await getJob(srv, id);
    assert.equal(job.status, 'in_progress');
    assert.equal(job.worker_hostname, 'resumer');
    assert.equal(job.indexed_document_count, 5);
  });

  it('sync_cursor is merged into the job snapshot; the connector keeps its own sync_cursor', async () => {
    await putConnector(srv, 'cursor-conn');
    ok(await srv.inject({ method: 'PUT', url: '/_connector/cursor-conn/_last_sync', body: { sync_cursor: { connector_own: true } } }));
    const id = await postJob(srv, 'cursor-conn');
    assert.ok(!('sync_cursor' in (await getJob(srv, id)).connector), 'not copied at creation');
    ok(await put(srv, id, '_claim', { worker_hostname: 'w', sync_cursor: { page: 3, nested: { a: 1 } } }));
    let job = await getJob(srv, id);
    assert.deepEqual(job.connector.sync_cursor, { page: 3, nested: { a: 1 } });
    assert.equal(job.connector.id, 'cursor-conn', 'the rest of the snapshot survives');
    assert.equal(job.connector.index_name, 'search-cursor-conn');

    // Claimed again after suspension: the new cursor deep-merges into the old one.
    ok(await updateDoc(srv, id, { status: 'suspended' }));
    ok(await put(srv, id, '_claim', { worker_hostname: 'w2', sync_cursor: { nested: { b: 2 }, since: 'x' } }));
    job = await getJob(srv, id);
    assert.deepEqual(job.connector.sync_cursor, { page: 3, nested: { a: 1, b: 2 }, since: 'x' });

    const conn = ok(await srv.inject({ method: 'GET', url: '/_connector/cursor-conn' }));
    assert.deepEqual(conn.sync_cursor, { connector_own: true }, "the connector's own sync_cursor is untouched");
  });

  it('a claim without sync_cursor leaves the snapshot as it was', async () => {
    const id = await postJob(srv, 'c1');
    const before = await getJob(srv, id);
    ok(await put(srv, id, '_claim', { worker_hostname: 'w' }));
    assert.deepEqual((await getJob(srv, id)).connector, before.connector);
  });

  it('missing job: 404 with the bare id', async () => {
    assertError(await put(srv, 'no-such-job', '_claim', { worker_hostname: 'w' }), 404, 'resource_not_found_exception', 'no-such-job');
  });

  it('body errors are 400', async () => {
    const id = await postJob(srv, 'c1');
    assertError(await put(srv, id, '_claim', {}), 400, 'illegal_argument_exception', 'Required [worker_hostname]');
    assertError(await put(srv, id, '_claim', { worker_hostname: null }), 400, 'x_content_parse_exception');
    assertError(await put(srv, id, '_claim', { worker_hostname: 'w', sync_cursor: 'x' }), 400, 'x_content_parse_exception');
    assertError(await put(srv, id, '_claim', { worker_hostname: 'w', status: 'pending' }), 400, 'x_content_parse_exception', /unknown field \[status\]/);
    assertError(await put(srv, id, '_claim'), 400, 'parse_exception', 'request body is required');
    assert.equal((await getJob(srv, id)).status, 'pending');
  });
});

describe('system-index _update (worker writes, §7.12)', () => {
  for (const from of ALL_STATUSES) {
    for (const to of ALL_STATUSES) {
      if (from === to) continue;
      // The two moves of a service finishing while a cancel arrives (statusWrittenByService).
      const raced = from === 'canceling' && (to === 'completed' || to === 'suspended');
      const allowed = ALLOWED[from].includes(to) || raced;
      const stored = from === 'canceling' && to === 'suspended' ? 'canceled' : to;
      it(`${from} → ${to} is ${allowed ? `allowed (stored: ${stored})` : 'a 400 invalid transition'}`, async () => {
        const id = await jobIn(srv, 'c1', from);
        const before = await getJob(srv, id);
        const res = await updateDoc(srv, id, { status: to, last_seen: '2030-01-01T00:00:00.000Z' });
        if (!allowed) {
          assertTransitionError(res, from, to);
          assert.deepEqual(await getJob(srv, id), before, 'nothing of the refused update is written');
          return;
        }
        const body = ok(res);
        assert.equal(body.result, 'updated');
        assert.equal(body._id, id);
        assert.equal(body._index, '.elastic-connectors-sync-jobs-v1');
        const job = await getJob(srv, id);
        assert.equal(job.status, stored);
        assert.equal(job.last_seen, '2030-01-01T00:00:00.000Z');
        if (stored !== to) {
          assert.match(job.canceled_at, /^\d{4}-/, 'a stop while canceling is the cancel, with its time');
          assert.equal(job.completed_at, job.canceled_at);
        }
      });
    }
  }

  it('a write with the current status is not a transition (heartbeat with status)', async () => {
    for (const s of ALL_STATUSES) {
      const id = await jobIn(srv, 'c1', s);
      const res = await updateDoc(srv, id, { status: s });
      assert.equal(res.statusCode, 200, `${s}: ${res.body}`);
      assert.equal(res.json().result, 'noop');
    }
  });

  it('writes without status are allowed in any status, deep-merged', async () => {
    const id = await jobIn(srv, 'c1', 'completed');
    ok(await updateDoc(srv, id, { metadata: { a: { b: 1 } }, indexed_document_count: 4 }));
    ok(await updateDoc(srv, id, { metadata: { a: { c: 2 } } }));
    const job = await getJob(srv, id);
    assert.deepEqual(job.metadata, { a: { b: 1, c: 2 } });
    assert.equal(job.indexed_document_count, 4);
    assert.equal(job.status, 'completed');
  });

  it("the connector service's finishing writes: completed, suspended, canceled (from canceling)", async () => {
    const done = await jobIn(srv, 'c1', 'in_progress');
    ok(await updateDoc(srv, done, { status: 'completed', completed_at: '2030-01-01T00:00:01.000Z', error: null, indexed_document_count: 10 }));
    let job = await getJob(srv, done);
    assert.equal(job.status, 'completed');
    assert.equal(job.completed_at, '2030-01-01T00:00:01.000Z');
    assert.equal(job.error, null);

    const stopped = await jobIn(srv, 'c1', 'canceling');
    ok(await updateDoc(srv, stopped, { status: 'canceled', canceled_at: '2030-01-01T00:00:02.000Z', completed_at: '2030-01-01T00:00:02.000Z' }));
    job = await getJob(srv, stopped);
    assert.equal(job.status, 'canceled');
  });

  it('a non-string status is a 400', async () => {
    const id = await postJob(srv, 'c1');
    assertError(await updateDoc(srv, id, { status: 3 }), 400, 'illegal_argument_exception');
    assertError(await updateDoc(srv, id, { status: null }), 400, 'illegal_argument_exception');
    assert.equal((await getJob(srv, id)).status, 'pending');
  });

  it('an unknown status is refused by the state machine', async () => {
    const id = await postJob(srv, 'c1');
    assertTransitionError(await updateDoc(srv, id, { status: 'running' }), 'pending', 'running');
  });

  it('missing job: 404 document_missing_exception', async () => {
    assertError(await updateDoc(srv, 'no-such-job', { status: 'completed' }), 404, 'document_missing_exception', '[no-such-job]: document missing');
  });

  it('the body needs a doc', async () => {
    const id = await postJob(srv, 'c1');
    assertError(await srv.inject({ method: 'POST', url: `/.elastic-connectors-sync-jobs/_update/${id}`, body: {} }), 400, 'illegal_argument_exception', 'Required [doc]');
    assertError(await srv.inject({ method: 'POST', url: `/.elastic-connectors-sync-jobs/_update/${id}`, body: { doc: {}, script: 'x' } }), 400, 'x_content_parse_exception');
  });
});
