/**
 * The shared sink suite (architecture.md "Shared suites"): every `Sink` backend runs these
 * cases against a live target — the embedded index always; the Elasticsearch and OpenSearch
 * sinks against Tributary's own Elasticsearch-compatible API and, when
 * TRIBUTARY_TEST_ES_URL / TRIBUTARY_TEST_OPENSEARCH_URL point at a reachable cluster,
 * against that cluster. The runners live in `test/sink/suite-*.test.ts`.
 *
 * A target is read back through the Elasticsearch document API (`_count`, `_doc`, `_mapping`)
 * with `fetch`, so the same checks work for every target.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BulkOperation, Sink } from './sink.js';

export interface Inspector {
  count(index: string, query?: Record<string, unknown>): Promise<number>;
  get(index: string, id: string): Promise<Record<string, unknown> | null>;
  /** `properties` of the index mapping. */
  properties(index: string): Promise<Record<string, { type?: string; analyzer?: string }>>;
  deleteIndex(index: string): Promise<void>;
}

export interface SinkUnderTest {
  sink: Sink;
  inspect: Inspector;
  close(): Promise<void>;
}

export interface SuiteOptions {
  /** A reason to skip the whole suite (e.g. no cluster reachable). */
  skip?: string | false;
  /** The sink writes the language analyser into the mapping (cluster sinks do). */
  analyzers?: boolean;
}

/** Reads a target through the Elasticsearch REST API. */
export function httpInspector(url: string, headers: Record<string, string> = {}): Inspector {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url.replace(/\/$/, '') + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    async count(index, query) {
      await call('POST', `/${encodeURIComponent(index)}/_refresh`);
      const r = await call('POST', `/${encodeURIComponent(index)}/_count`, query ? { query } : undefined);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.count as number;
    },
    async get(index, id) {
      const r = await call('GET', `/${encodeURIComponent(index)}/_doc/${encodeURIComponent(id)}`);
      return r.status === 404 ? null : (r.body._source as Record<string, unknown>);
    },
    async properties(index) {
      const r = await call('GET', `/${encodeURIComponent(index)}/_mapping`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const m = (r.body[index] as { mappings: { properties?: Record<string, { type?: string; analyzer?: string }> } }).mappings;
      return m.properties ?? {};
    },
    async deleteIndex(index) {
      await call('DELETE', `/${encodeURIComponent(index)}`);
    },
  };
}

const GEN = '_tributary_generation';

function docs(index: string, ids: string[], generation: number, extra: Record<string, unknown> = {}): BulkOperation[] {
  return ids.map((id) => ({
    op: 'index', index, id,
    doc: { id, title: `Title ${id}`, body: `running documents ${id}`, _timestamp: '2025-01-02T03:04:05Z', [GEN]: generation, ...extra },
  }));
}

export function sinkSuite(name: string, open: () => Promise<SinkUnderTest>, opts: SuiteOptions = {}): void {
  describe(`sink suite: ${name}`, { skip: opts.skip || false }, () => {
    let t: SinkUnderTest;
    const created: string[] = [];
    const fresh = (prefix = 'tributary-sink-test-') => {
      const name = `${prefix}${randomBytes(4).toString('hex')}`;
      created.push(name);
      return name;
    };

    before(async () => {
      t = await open();
    });
    after(async () => {
      if (!t) return;
      for (const i of created) await t.inspect.deleteIndex(i).catch(() => {});
      await t.close();
    });

    test('ensureIndex creates the index once, with the generation field a number and the language analyser', async () => {
      const index = fresh();
      await t.sink.ensureIndex(index, { language: 'en' });
      await t.sink.ensureIndex(index, { language: 'en' });
      const props = await t.inspect.properties(index);
      if (opts.analyzers) {
        assert.equal(props[GEN]?.type, 'long');
        assert.equal(props._timestamp?.type, 'date');
        assert.equal(props._allow_permissions?.type, 'keyword');
        assert.deepEqual([props.body?.type, props.body?.analyzer], ['text', 'english']);
      }
      // Elastic's DLS field, with the `enum` sub-field search applications' role queries filter on.
      assert.equal(props._allow_access_control?.type, 'keyword');
      assert.equal((props._allow_access_control as { fields?: { enum?: { type?: string } } } | undefined)?.fields?.enum?.type, 'keyword');
      assert.equal(await t.inspect.count(index), 0);
    });

    test('bulk indexes every document and reports each acknowledged one', async () => {
      const index = fresh();
      await t.sink.ensureIndex(index, { language: null });
      const ids = Array.from({ length: 120 }, (_, i) => `doc-${i}`);
      const r = await t.sink.bulk(docs(index, ids, 1));
      assert.deepEqual(r, { succeeded: 120, failures: [] });
      await t.sink.refresh(index);
      assert.equal(await t.inspect.count(index), 120);
      const d = await t.inspect.get(index, 'doc-7');
      assert.equal(d?.title, 'Title doc-7');
      assert.equal(d?.[GEN], 1);
    });

    test('per-item failures carry the id, status and the target\'s reason; the rest succeed', async () => {
      const index = fresh();
      await t.sink.ensureIndex(index, { language: 'en' });
      const ops: BulkOperation[] = [
        ...docs(index, ['ok-1'], 1),
        { op: 'index', index, id: 'bad', doc: { id: 'bad', [GEN]: 'not a number' } },
        ...docs(index, ['ok-2'], 1),
        { op: 'delete', index, id: 'missing' },
      ];
      const r = await t.sink.bulk(ops);
      assert.equal(r.succeeded, 2);
      assert.equal(r.failures.length, 2, JSON.stringify(r.failures));
      const [bad, missing] = r.failures;
      assert.deepEqual([bad.id, bad.op, bad.status], ['bad', 'index', 400]);
      assert.match(bad.reason, /(mapper_parsing|document_parsing)_exception: .*\[_tributary_generation\]/);
      assert.deepEqual(missing, { id: 'missing', op: 'delete', status: 404, reason: 'not_found' });
      assert.equal(await t.inspect.count(index), 2);
    });

    test('deletes in a bulk remove documents', async () => {
      const index = fresh();
      await t.sink.ensureIndex(index);
      await t.sink.bulk(docs(index, ['a', 'b', 'c'], 1));
      const r = await t.sink.bulk([{ op: 'delete', index, id: 'b' }, ...docs(index, ['d'], 1)]);
      assert.deepEqual(r, { succeeded: 2, failures: [] });
      assert.equal(await t.inspect.count(index), 3);
      assert.equal(await t.inspect.get(index, 'b'), null);
    });

    test('deleteOlderThan sweeps documents of older generations only and counts them', async () => {
      const index = fresh();
      await t.sink.ensureIndex(index, { language: 'de' });
      await t.sink.bulk(docs(index, ['a', 'b', 'c', 'd'], 1));
      await t.sink.refresh(index);
      await t.sink.bulk(docs(index, ['b', 'c', 'e'], 2));
      const deleted = await t.sink.deleteOlderThan(index, GEN, 2);
      assert.equal(deleted, 2);
      await t.sink.refresh(index);
      assert.equal(await t.inspect.count(index), 3);
      assert.equal(await t.inspect.get(index, 'a'), null);
      assert.equal((await t.inspect.get(index, 'b'))?.[GEN], 2);
      assert.equal(await t.sink.deleteOlderThan(index, GEN, 2), 0);
    });

    test('access-control documents go to .search-acl-filter-<index> like any index', async () => {
      const content = fresh();
      const acl = `.search-acl-filter-${content}`;
      created.push(acl);
      await t.sink.ensureIndex(acl, { language: 'en' });
      const r = await t.sink.bulk([
        { op: 'index', index: acl, id: 'alice', doc: { id: 'alice', identity: { username: 'alice', email: 'alice@example.com' }, query: { template: { params: { access_control: ['user:alice', 'group:eng'] } } }, [GEN]: 1 } },
      ]);
      assert.deepEqual(r, { succeeded: 1, failures: [] });
      assert.equal(await t.inspect.count(acl), 1);
      assert.equal(await t.sink.deleteOlderThan(acl, GEN, 2), 1);
      assert.equal(await t.inspect.count(acl), 0);
    });
  });
}
