/**
 * The embedded index over a real HTTP port, driven by the official Elasticsearch client
 * (`@elastic/elasticsearch` 9.x): helpers.bulk, search, count, indices APIs, documents and
 * delete-by-query.
 */
import { Client, errors as esErrors } from '@elastic/elasticsearch';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIndexServer } from './index-server.fixture.js';

describe('embedded index with the official client', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  let es: Client;
  before(async () => {
    srv = await startIndexServer({ listen: true });
    es = new Client({ node: srv.url });
  });
  after(async () => {
    await es.close();
    await srv.close();
  });

  it('indices.create / exists / getMapping / get / delete', async () => {
    const created = await es.indices.create({ index: 'books', mappings: { properties: { isbn: { type: 'keyword' }, pages: { type: 'integer' } } } });
    assert.deepEqual(created, { acknowledged: true, shards_acknowledged: true, index: 'books' });
    assert.equal(await es.indices.exists({ index: 'books' }), true);
    assert.equal(await es.indices.exists({ index: 'nope' }), false);
    const mapping = await es.indices.getMapping({ index: 'books' });
    assert.deepEqual(mapping.books.mappings.properties, { isbn: { type: 'keyword' }, pages: { type: 'integer' } });
    const got = await es.indices.get({ index: 'books' });
    assert.equal(got.books.settings?.index?.provided_name, 'books');
    await assert.rejects(es.indices.create({ index: 'books' }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 400 && e.body.error.type === 'resource_already_exists_exception');
    assert.deepEqual(await es.indices.delete({ index: 'books' }), { acknowledged: true });
    assert.equal(await es.indices.exists({ index: 'books' }), false);
    await assert.rejects(es.indices.delete({ index: 'books' }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 404 && e.body.error.type === 'index_not_found_exception');
  });

  it('helpers.bulk of a few thousand documents, then search and count', async () => {
    const N = 5000;
    const docs = Array.from({ length: N }, (_, i) => ({
      id: `doc-${i}`, title: `${i % 3 === 0 ? 'fizz' : 'plain'} document number ${i}`, n: i, generation: i < 4000 ? 1 : 2,
      tag: i % 5 === 0 ? 'buzz' : 'none', published: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    }));
    const stats = await es.helpers.bulk({
      datasource: docs,
      onDocument: (d) => ({ index: { _index: 'content', _id: d.id } }),
      flushBytes: 200_000,
      refreshOnCompletion: 'content',
    });
    assert.equal(stats.total, N);
    assert.equal(stats.successful, N);
    assert.equal(stats.failed, 0);

    assert.equal((await es.count({ index: 'content' })).count, N);
    assert.equal((await es.count({ index: 'content', query: { term: { tag: 'buzz' } } })).count, N / 5);

    const res = await es.search<{ n: number; title: string }>({
      index: 'content',
      query: { bool: { must: { match: { title: 'fizz' } }, filter: { range: { n: { lt: 30 } } } } },
      sort: [{ n: 'desc' }],
      size: 3,
      _source: ['n', 'title'],
      highlight: { fields: { title: {} } },
    });
    assert.deepEqual(res.hits.hits.map((h) => h._source?.n), [27, 24, 21]);
    assert.deepEqual(res.hits.total, { value: 10, relation: 'eq' });
    assert.deepEqual(res.hits.hits[0].highlight, { title: ['<em>fizz</em> document number 27'] });
    assert.deepEqual(res.hits.hits[0].sort, [27]);

    const scored = await es.search({ index: 'content', query: { match: { title: 'fizz 42' } }, size: 1 });
    assert.equal(scored.hits.hits[0]._id, 'doc-42');
    assert.ok((scored.hits.max_score ?? 0) > 0);

    const many = await es.search({ index: 'content', query: { match_all: {} }, size: 0, track_total_hits: true });
    assert.deepEqual(many.hits.total, { value: N, relation: 'eq' });
    const capped = await es.search({ index: 'content', size: 0 });
    assert.deepEqual(capped.hits.total, { value: N, relation: 'eq' });

    const qs = await es.search({ index: 'content', q: 'title:fizz AND tag:buzz', size: 0 });
    assert.deepEqual(qs.hits.total, { value: Math.ceil(N / 15), relation: 'eq' });

    const dates = await es.count({ index: 'content', query: { range: { published: { gte: '2024-01-02', lt: '2024-01-03' } } } });
    assert.equal(dates.count, 24);
  });

  it('documents: index, get, update, delete', async () => {
    const r = await es.index({ index: 'content', id: 'x1', document: { title: 'single', n: -1 } });
    assert.equal(r.result, 'created');
    const g = await es.get<{ title: string }>({ index: 'content', id: 'x1' });
    assert.equal(g._source?.title, 'single');
    assert.equal(await es.exists({ index: 'content', id: 'x1' }), true);
    const u = await es.update({ index: 'content', id: 'x1', doc: { title: 'changed' } });
    assert.equal(u.result, 'updated');
    assert.equal((await es.get<{ title: string }>({ index: 'content', id: 'x1' }))._source?.title, 'changed');
    await assert.rejects(es.create({ index: 'content', id: 'x1', document: { a: 1 } }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 409);
    assert.equal((await es.delete({ index: 'content', id: 'x1' })).result, 'deleted');
    assert.equal(await es.exists({ index: 'content', id: 'x1' }), false);
    await assert.rejects(es.get({ index: 'content', id: 'x1' }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 404);
  });

  it('deleteByQuery with range and term queries', async () => {
    const before = (await es.count({ index: 'content' })).count;
    const byRange = await es.deleteByQuery({ index: 'content', query: { range: { generation: { lt: 2 } } }, refresh: true });
    assert.equal(byRange.deleted, 4000);
    assert.equal(byRange.total, 4000);
    assert.deepEqual(byRange.failures, []);
    assert.equal((await es.count({ index: 'content' })).count, before - 4000);
    const byTerm = await es.deleteByQuery({ index: 'content', query: { term: { tag: 'buzz' } } });
    assert.equal(byTerm.deleted, 200);
    assert.equal((await es.count({ index: 'content', query: { term: { tag: 'buzz' } } })).count, 0);
    assert.equal((await es.count({ index: 'content' })).count, 800);
    await es.indices.refresh({ index: 'content' });
  });

  it('relevance: fuzziness, function_score, collapse with inner_hits, highlight, suggest through the client', async () => {
    await es.indices.create({ index: 'shop', mappings: { properties: { name: { type: 'text' }, brand: { type: 'keyword' }, sold: { type: 'long' } } } });
    const items = [
      { name: 'wireless keyboard', brand: 'acme', sold: 50 }, { name: 'wired keyboard', brand: 'acme', sold: 500 },
      { name: 'keyboard cover', brand: 'zeta', sold: 5 }, { name: 'wireless mouse', brand: 'zeta', sold: 70 },
    ];
    await es.helpers.bulk({ datasource: items, onDocument: () => ({ index: { _index: 'shop' } }) });
    const res = await es.search<{ name: string }>({
      index: 'shop',
      query: { function_score: { query: { match: { name: { query: 'keybaord', fuzziness: 'AUTO' } } }, functions: [{ field_value_factor: { field: 'sold', modifier: 'log1p' } }] } },
      collapse: { field: 'brand', inner_hits: { name: 'more', size: 5, sort: [{ sold: 'desc' }] } },
      highlight: { fields: { name: {} } },
      suggest: { fix: { text: 'keybaord', term: { field: 'name' } } },
    });
    assert.deepEqual(res.hits.hits.map((h) => h._source?.name), ['wired keyboard', 'keyboard cover']);
    assert.deepEqual(res.hits.hits.map((h) => h.fields?.brand), [['acme'], ['zeta']]);
    assert.deepEqual(res.hits.hits[0].highlight, { name: ['wired <em>keyboard</em>'] });
    assert.equal(res.hits.hits[0].inner_hits?.more.hits.hits.length, 2);
    const fix = res.suggest?.fix[0];
    assert.deepEqual(fix && { text: fix.text, offset: fix.offset, length: fix.length }, { text: 'keybaord', offset: 0, length: 8 });
    assert.deepEqual((fix?.options as { text: string }[]).map((o) => o.text), ['keyboard']);
    await assert.rejects(es.search({ index: 'shop', suggest: { p: { text: 'x', phrase: { field: 'name' } } } }),
      (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 400 && /\[phrase\] suggester is not supported/.test(e.body.error.reason));
  });

  it('errors arrive as ResponseError with the Elasticsearch type', async () => {
    await assert.rejects(es.search({ index: 'content', query: { bogus: {} } as never }), (e: unknown) =>
      e instanceof esErrors.ResponseError && e.statusCode === 400 && e.body.error.type === 'parsing_exception');
    await assert.rejects(es.search({ index: 'missing' }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 404);
  });
});
