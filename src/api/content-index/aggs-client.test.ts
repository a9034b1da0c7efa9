/**
 * Aggregations over real HTTP with the official Elasticsearch client (`client.search({ aggs })`):
 * the response shapes the client's types describe, counts checked against the documents, and
 * Elasticsearch's 400s as `ResponseError`s.
 */
import { Client, errors as esErrors } from '@elastic/elasticsearch';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIndexServer } from './index-server.fixture.js';

describe('aggregations with the official client', () => {
  let srv: Awaited<ReturnType<typeof startIndexServer>>;
  let es: Client;
  const docs = Array.from({ length: 300 }, (_, i) => ({
    id: `d${i}`, tag: i % 7 === 0 ? undefined : ['x', 'y', 'z'][i % 3], n: i, at: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
  }));
  before(async () => {
    srv = await startIndexServer({ listen: true });
    es = new Client({ node: srv.url });
    await es.indices.create({ index: 'ev', mappings: { properties: { tag: { type: 'keyword' }, n: { type: 'integer' }, at: { type: 'date' } } } });
    await es.helpers.bulk({ datasource: docs, onDocument: (d) => ({ index: { _index: 'ev', _id: d.id } }), refreshOnCompletion: 'ev' });
  });
  after(async () => {
    await es.close();
    await srv.close();
  });

  it('terms with sub-aggregations, date_histogram, stats, size 0 and track_total_hits', async () => {
    const res = await es.search({
      index: 'ev', size: 0, track_total_hits: false,
      aggs: {
        tags: { terms: { field: 'tag', order: { _key: 'asc' } }, aggs: { avg_n: { avg: { field: 'n' } } } },
        months: { date_histogram: { field: 'at', calendar_interval: 'month', format: 'yyyy-MM' } },
        s: { stats: { field: 'n' } },
      },
    });
    assert.deepEqual(res.hits.hits, []);
    assert.equal(res.hits.total, undefined);
    const tags = res.aggregations!.tags as { buckets: { key: string; doc_count: number; avg_n: { value: number } }[] };
    for (const b of tags.buckets) {
      const mine = docs.filter((d) => d.tag === b.key);
      assert.equal(b.doc_count, mine.length);
      assert.equal(b.avg_n.value, mine.reduce((s, d) => s + d.n, 0) / mine.length);
    }
    assert.deepEqual(tags.buckets.map((b) => b.key), ['x', 'y', 'z']);
    const months = res.aggregations!.months as { buckets: { key_as_string: string; key: number; doc_count: number }[] };
    assert.equal(months.buckets.length, 10);
    for (const b of months.buckets) assert.equal(b.doc_count, docs.filter((d) => d.at.slice(0, 7) === b.key_as_string).length);
    assert.deepEqual(res.aggregations!.s, { count: 300, min: 0, max: 299, avg: 149.5, sum: 44850 });
  });

  it('an unknown aggregation type and a text field are 400s', async () => {
    await assert.rejects(es.search({ index: 'ev', aggs: { x: { nope: {} } as never } }),
      (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 400 && e.body.error.reason === 'Unknown aggregation type [nope]');
    await es.index({ index: 'ev', id: 'text', document: { body: 'some words' }, refresh: true });
    await assert.rejects(es.search({ index: 'ev', aggs: { x: { terms: { field: 'body' } } } }),
      (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 400 && /^Text fields are not optimised/.test(e.body.error.reason));
    const kw = await es.search({ index: 'ev', size: 0, aggs: { x: { terms: { field: 'body.keyword' } } } });
    assert.deepEqual((kw.aggregations!.x as { buckets: unknown[] }).buckets, [{ key: 'some words', doc_count: 1 }]);
  });
});
