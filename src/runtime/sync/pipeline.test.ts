import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BulkOperation, BulkResult, Sink } from '../../sink/sink.js';
import type { Source, SourceDocument, SyncContext } from '../../sources/source.js';
import { ByteQueue } from './byte-queue.js';
import { DEFAULT_LIMITS } from './limits.js';
import { runSync, type SyncSpec } from './pipeline.js';
import { GENERATION_FIELD } from '../../domain/sync-job/document.js';
import { shapeDocument } from './shape.js';
import { SyncStats } from './stats.js';

class MemorySink implements Sink {
  docs = new Map<string, Record<string, unknown>>();
  batches: number[] = [];
  rejectIds = new Set<string>();
  failWith: Error | null = null;
  async ensureIndex() {}
  async bulk(ops: BulkOperation[]): Promise<BulkResult> {
    if (this.failWith) throw this.failWith;
    this.batches.push(ops.length);
    const failures: BulkResult['failures'] = [];
    for (const o of ops) {
      if (this.rejectIds.has(o.id)) failures.push({ id: o.id, op: o.op, status: 400, reason: 'mapper_parsing_exception: bad field' });
      else if (o.op === 'index') this.docs.set(o.id, o.doc);
      else if (!this.docs.delete(o.id)) failures.push({ id: o.id, op: 'delete', status: 404, reason: 'not_found' });
    }
    return { succeeded: ops.length - failures.length, failures };
  }
  async deleteOlderThan(_i: string, field: string, gen: number) {
    let n = 0;
    for (const [id, d] of this.docs) if ((d[field] as number) < gen && this.docs.delete(id)) n++;
    return n;
  }
  async refresh() {}
  async close() {}
}

function source(docs: SourceDocument[], opts: { throwAfter?: number; cursor?: Record<string, unknown> } = {}): Source {
  return {
    async ping() {},
    async *getDocs(ctx: SyncContext) {
      let i = 0;
      for (const d of docs) {
        if (opts.throwAfter !== undefined && i++ === opts.throwAfter) throw new Error('boom at the source');
        if (ctx.signal.aborted) return;
        yield d;
      }
    },
    cursorAfterFullSync: () => opts.cursor ?? null,
    async close() {},
  };
}

const spec = (o: Partial<SyncSpec> = {}): SyncSpec => ({
  jobType: 'full', serviceType: 'test', index: 'idx', language: null,
  pipeline: { extract_binary_content: true, reduce_whitespace: true }, rules: [], advancedRules: {}, syncCursor: null, ...o,
});

const run = (src: Source, sink: Sink, o: { spec?: Partial<SyncSpec>; generation?: number; stop?: AbortSignal; limits?: object } = {}) => {
  const stats = new SyncStats();
  return {
    stats,
    done: runSync({
      source: src, sink, spec: spec(o.spec), limits: { ...DEFAULT_LIMITS, ...o.limits }, generation: o.generation ?? 2,
      stats, stop: o.stop ?? new AbortController().signal, checkpoint: async () => {}, log: { info() {}, warn() {}, error() {} },
    }),
  };
};

const docs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ _id: `d${i + from}`, n: i + from, body: ' a   b ' }));

test('full sync: shaped documents, batches bounded in count, sweep of older generations, cursor', async () => {
  const sink = new MemorySink();
  sink.docs.set('old', { [GENERATION_FIELD]: 1 });
  const r = run(source(docs(25), { cursor: { at: 1 } }), sink, { limits: { batchDocs: 10 } });
  const res = await r.done;
  assert.deepEqual(res, { finished: true, cursor: { at: 1 } });
  assert.equal(sink.docs.size, 25);
  assert.ok(!sink.docs.has('old'));
  assert.ok(sink.batches.every((b) => b <= 10));
  const d = sink.docs.get('d3')!;
  assert.equal(d.id, 'd3');
  assert.equal(d.body, 'a b');
  assert.equal(d[GENERATION_FIELD], 2);
  assert.ok(typeof d._timestamp === 'string');
  assert.deepEqual([r.stats.indexed, r.stats.deleted, r.stats.total], [25, 1, 25]);
});

test('basic rules exclude documents; oversized and rejected documents are failures with reasons', async () => {
  const sink = new MemorySink();
  sink.rejectIds.add('d2');
  const big = { _id: 'big', body: 'x'.repeat(5000) };
  const rules = [{ id: 'r1', field: 'n', rule: '>' as const, value: '5', policy: 'exclude' as const, order: 0 }];
  const r = run(source([...docs(8), big]), sink, { spec: { rules }, limits: { maxDocumentBytes: 1000 } });
  await r.done;
  assert.deepEqual([...sink.docs.keys()].sort(), ['d0', 'd1', 'd3', 'd4', 'd5']);
  assert.equal(r.stats.skipped, 2);
  assert.equal(r.stats.failed, 2);
  assert.match(r.stats.failures.find((f) => f.id === 'big')!.reason, /Document is \d+ bytes serialized, over the worker's limit of 1000 bytes: not indexed/);
  assert.match(r.stats.failures.find((f) => f.id === 'd2')!.reason, /rejected the document \(status 400\): mapper_parsing_exception/);
});

test('a source failure rejects the sync with its error and never sweeps', async () => {
  const sink = new MemorySink();
  sink.docs.set('old', { [GENERATION_FIELD]: 1 });
  const r = run(source(docs(30), { throwAfter: 12 }), sink);
  await assert.rejects(r.done, /boom at the source/);
  assert.ok(sink.docs.has('old'));
});

test('a sink failure rejects the sync and stops the source', async () => {
  const sink = new MemorySink();
  sink.failWith = new Error('connection refused');
  const r = run(source(docs(5000)), sink, { limits: { queueBytes: 2000 } });
  await assert.rejects(r.done, /Cannot write to index \[idx\]: connection refused/);
});

test('a stop ends reading, writes what is queued, does not sweep', async () => {
  const sink = new MemorySink();
  sink.docs.set('old', { [GENERATION_FIELD]: 1 });
  const stop = new AbortController();
  const slow: Source = {
    async ping() {},
    async *getDocs() {
      for (let i = 0; ; i++) {
        if (i === 20) stop.abort('cancel');
        await new Promise((r) => setTimeout(r, 1));
        yield { _id: `s${i}` };
      }
    },
    async close() {},
  };
  const r = run(slow, sink, { stop: stop.signal });
  const res = await r.done;
  assert.equal(res.finished, false);
  assert.ok(sink.docs.has('old'));
  assert.equal(r.stats.indexed, sink.docs.size - 1);
});

test('incremental: deletions are applied; a complete enumeration sweeps', async () => {
  const sink = new MemorySink();
  for (const id of ['a', 'b', 'c']) sink.docs.set(id, { [GENERATION_FIELD]: 1 });
  const inc = (complete: boolean): Source => ({
    async ping() {},
    getDocs: () => (async function* () {})(),
    async *getDocsIncrementally(ctx: SyncContext) {
      if (complete) ctx.completeEnumeration!();
      yield { _id: 'a', v: 2 };
      if (!complete) yield { _id: 'b', deleted: true } as never;
      return { at: 9 };
    },
    async close() {},
  });
  const r1 = run(inc(false), sink, { spec: { jobType: 'incremental' } });
  assert.deepEqual(await r1.done, { finished: true, cursor: { at: 9 } });
  assert.deepEqual([...sink.docs.keys()].sort(), ['a', 'c']);
  assert.equal(r1.stats.deleted, 1);
  const r2 = run(inc(true), sink, { spec: { jobType: 'incremental' }, generation: 3 });
  await r2.done;
  assert.deepEqual([...sink.docs.keys()], ['a'], 'c swept');
});

test('ByteQueue bounds bytes and batches', async () => {
  const q = new ByteQueue<{ bytes: number; v: number }>(10);
  await q.push({ bytes: 6, v: 1 });
  let pushed = false;
  const p = q.push({ bytes: 6, v: 2 }).then(() => (pushed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(pushed, false, 'waits while full');
  assert.deepEqual((await q.take(10, 100)).map((x) => x.v), [1]);
  await p;
  q.close();
  assert.deepEqual((await q.take(10, 100)).map((x) => x.v), [2]);
  assert.deepEqual(await q.take(10, 100), []);
});

test('shapeDocument: the runtime\'s id wins over a source field named id (reserved); measures bytes', () => {
  const s = shapeDocument({ _id: 'x', id: 'custom', body: '\n a \t b\n' }, { generation: 5, reduceWhitespace: true, now: 'T' });
  assert.deepEqual(s.doc, { id: 'x', body: 'a b', _timestamp: 'T', [GENERATION_FIELD]: 5 });
  assert.ok(s.bytes > JSON.stringify(s.doc).length);
});

test('memory is bounded: a fast source waits for a slow sink (queue bounded in bytes)', async () => {
  let produced = 0;
  let written = 0;
  let maxAhead = 0;
  const fast: Source = {
    async ping() {},
    async *getDocs() {
      for (let i = 0; i < 3000; i++) {
        produced++;
        yield { _id: `m${i}`, body: 'x'.repeat(1000) };
      }
    },
    async close() {},
  };
  const slow = new MemorySink();
  const bulk = slow.bulk.bind(slow);
  slow.bulk = async (ops) => {
    maxAhead = Math.max(maxAhead, produced - written);
    await new Promise((r) => setTimeout(r, 2));
    written += ops.length;
    return bulk(ops);
  };
  // ~1.1 KB per document: a 20 KB queue holds ~18, a batch 10.
  const r = run(fast, slow, { limits: { queueBytes: 20_000, batchDocs: 10, batchBytes: 1_000_000 } });
  await r.done;
  assert.equal(slow.docs.size, 3000);
  assert.ok(maxAhead <= 18 + 10 + 2, `the source ran ${maxAhead} documents ahead of the sink`);
});

test('access control: documents go to the given index, without sync rules, and sweep', async () => {
  const sink = new MemorySink();
  sink.docs.set('stale-identity', { [GENERATION_FIELD]: 1 });
  const acl: Source = {
    async ping() {},
    getDocs: () => (async function* () {})(),
    async *getAccessControl() {
      yield { _id: 'user:ann', identity: { username: 'ann' }, query: { template: { params: { access_control: ['user:ann'] } } } };
    },
    async close() {},
  };
  const rules = [{ id: 'all-out', field: '_id', rule: 'regex' as const, value: '.*', policy: 'exclude' as const, order: 0 }];
  const indexed: string[] = [];
  const bulk = sink.bulk.bind(sink);
  sink.bulk = async (ops) => {
    indexed.push(...ops.map((o) => `${o.index}/${o.id}`));
    return bulk(ops);
  };
  const r = run(acl, sink, { spec: { jobType: 'access_control', index: '.search-acl-filter-idx', rules } });
  assert.deepEqual(await r.done, { finished: true, cursor: null });
  assert.deepEqual(indexed, ['.search-acl-filter-idx/user:ann']);
  assert.deepEqual([...sink.docs.keys()], ['user:ann']);
});

test("the connector's pipeline.name reaches every index operation as the bulk pipeline", async () => {
  const sink = new MemorySink();
  const seen: (string | undefined)[] = [];
  const bulk = sink.bulk.bind(sink);
  sink.bulk = async (ops) => {
    for (const o of ops) if (o.op === 'index') seen.push(o.pipeline);
    return bulk(ops);
  };
  await run(source(docs(3)), sink, { spec: { ingestPipeline: 'search-default-ingestion' } }).done;
  assert.deepEqual(seen, ['search-default-ingestion', 'search-default-ingestion', 'search-default-ingestion']);
  const plain: (string | undefined)[] = [];
  const sink2 = new MemorySink();
  const bulk2 = sink2.bulk.bind(sink2);
  sink2.bulk = async (ops) => {
    for (const o of ops) if (o.op === 'index') plain.push(o.pipeline);
    return bulk2(ops);
  };
  await run(source(docs(2)), sink2).done;
  assert.deepEqual(plain, [undefined, undefined]);
});
