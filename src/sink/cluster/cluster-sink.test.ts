/** The shared cluster sink over a scripted ClusterApi: ordering, races, close, sweep retries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BulkResponseBody, ClusterApi, DeleteByQueryBody } from './cluster-api.js';
import { ClusterSink } from './cluster-sink.js';
import type { BulkOperation } from '../sink.js';

const http = (statusCode: number, body: unknown = {}) => Object.assign(new Error(`HTTP ${statusCode}`), { name: 'ResponseError', meta: { statusCode, headers: {}, body } });

class FakeApi implements ClusterApi {
  readonly describe = 'Fake at http://fake';
  log: string[] = [];
  exists = false;
  createError: unknown = null;
  bulkDelayMs = (_lines: string[]) => 0;
  dbq: Array<DeleteByQueryBody | Error> = [];
  closed = false;

  async indexExists(index: string) {
    this.log.push(`exists ${index}`);
    return this.exists;
  }
  async createIndex(index: string) {
    this.log.push(`create ${index}`);
    if (this.createError) throw this.createError;
  }
  async bulk(lines: string[]): Promise<BulkResponseBody> {
    const ids = lines.filter((l) => /^\{"(index|delete)"/.test(l)).map((l) => (Object.values(JSON.parse(l))[0] as { _id: string })._id);
    this.log.push(`start ${ids.join(',')}`);
    await new Promise((r) => setTimeout(r, this.bulkDelayMs(lines)));
    this.log.push(`end ${ids.join(',')}`);
    return { items: ids.map(() => ({ index: { status: 201 } })) };
  }
  async deleteByQuery(): Promise<DeleteByQueryBody> {
    const next = this.dbq.shift() ?? { deleted: 0 };
    if (next instanceof Error) throw next;
    return next;
  }
  async refresh(index: string) {
    this.log.push(`refresh ${index}`);
  }
  async close() {
    this.closed = true;
  }
}

const ix = (id: string): BulkOperation => ({ op: 'index', index: 'i', id, doc: { id } });

test('requests run concurrently up to max_in_flight, but a request touching an earlier id waits for all before it', async () => {
  const api = new FakeApi();
  api.bulkDelayMs = (lines) => (lines.some((l) => l.includes('"a"')) ? 60 : 5);
  const sink = new ClusterSink(api, { bulk: { maxDocs: 1, maxInFlight: 3 } });
  const r = await sink.bulk([ix('a'), ix('b'), ix('c'), { op: 'delete', index: 'i', id: 'a' }, ix('d')]);
  assert.equal(r.succeeded, 5);
  const at = (e: string) => api.log.indexOf(e);
  assert.ok(at('start b') < at('end a'), 'b ran while a was in flight');
  assert.ok(at('start a') < at('start b'));
  // the delete of a (a barrier) starts only after a, b and c have ended
  const delStart = api.log.lastIndexOf('start a');
  for (const e of ['end b', 'end c']) assert.ok(at(e) < delStart, `${e} before the delete of a`);
  assert.ok(api.log.indexOf('end a') < delStart);
});

test('ensureIndex: creates once; another worker creating it first is success; other errors name the index', async () => {
  const api = new FakeApi();
  const sink = new ClusterSink(api);
  api.createError = http(400, { error: { type: 'resource_already_exists_exception', reason: 'index [i/x] already exists' } });
  await sink.ensureIndex('i', { language: 'en' });
  await sink.ensureIndex('i', { language: 'en' });
  assert.deepEqual(api.log, ['exists i', 'create i']);
  api.createError = http(400, { error: { type: 'invalid_index_name_exception', reason: 'Invalid index name [UPPER], must be lowercase' } });
  await assert.rejects(sink.ensureIndex('UPPER'), {
    name: 'SinkRequestError',
    message: 'creating index [UPPER] on Fake at http://fake failed: HTTP 400 invalid_index_name_exception: Invalid index name [UPPER], must be lowercase',
  });
});

test('an empty bulk sends nothing; a closed sink refuses work and cuts retry waits short', async () => {
  const api = new FakeApi();
  const sink = new ClusterSink(api, { retry: { budgetMs: 60_000, initialDelayMs: 10_000, maxDelayMs: 10_000 } });
  assert.deepEqual(await sink.bulk([]), { succeeded: 0, failures: [] });
  assert.deepEqual(api.log, []);
  api.bulk = async () => {
    throw http(503);
  };
  const pending = sink.bulk([ix('a')]);
  setTimeout(() => void sink.close(), 30);
  const started = Date.now();
  await assert.rejects(pending, /closed/);
  assert.ok(Date.now() - started < 1000);
  assert.ok(api.closed);
  await assert.rejects(sink.bulk([ix('b')]), /the sink for Fake at http:\/\/fake is closed/);
});

test('a sweep that reports failures or times out is rerun and its deletions are added up', async () => {
  const api = new FakeApi();
  const sink = new ClusterSink(api, { retry: { budgetMs: 5000, initialDelayMs: 5, maxDelayMs: 10 } });
  api.dbq = [
    { deleted: 10, failures: [{ status: 429, cause: { type: 'es_rejected_execution_exception', reason: 'queue full' } }] },
    http(504),
    { deleted: 3, timed_out: true },
    { deleted: 2, failures: [] },
  ];
  assert.equal(await sink.deleteOlderThan('i', '_tributary_generation', 4), 15);
  assert.deepEqual(api.log, ['refresh i']);
  api.dbq = Array.from({ length: 100 }, () => ({ deleted: 0, failures: [{ cause: { type: 'search_phase_execution_exception', reason: 'all shards failed' } }] }));
  const fast = new ClusterSink(api, { retry: { budgetMs: 50, initialDelayMs: 10, maxDelayMs: 20 } });
  await assert.rejects(fast.deleteOlderThan('i', 'g', 2), /deleting documents of \[i\] older than generation 2 on Fake at http:\/\/fake failed after \d+ attempts .*SweepIncomplete: _delete_by_query did not finish: 1 failures, e\.g\. search_phase_execution_exception: all shards failed/);
});

test('a response with the wrong number of items is an error, not a guess', async () => {
  const api = new FakeApi();
  api.bulk = async () => ({ items: [] });
  await assert.rejects(new ClusterSink(api).bulk([ix('a')]), /the response lists 0 items for 1 operations/);
});
