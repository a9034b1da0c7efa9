/**
 * Ingest pipelines through the official Elasticsearch client (`@elastic/elasticsearch` 9.x)
 * over a real HTTP port: putPipeline, getPipeline, simulate, deletePipeline, and
 * bulk / index with `pipeline`, as a client application or Kibana-like tool would call them.
 */
import { Client, errors as esErrors } from '@elastic/elasticsearch';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIndexServer } from '../content-index/index-server.fixture.js';

describe('ingest pipelines with the official client', () => {
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

  it('putPipeline, getPipeline, simulate, index and bulk with a pipeline, deletePipeline', async () => {
    assert.deepEqual(await es.ingest.putPipeline({ id: 'clean', description: 'clean titles', processors: [{ trim: { field: 'title' } }, { lowercase: { field: 'title' } }] }), { acknowledged: true });
    const got = await es.ingest.getPipeline({ id: 'clean' });
    assert.equal(got.clean?.description, 'clean titles');
    const sim = await es.ingest.simulate({ id: 'clean', docs: [{ _source: { title: '  Dune ' } }] });
    assert.deepEqual(sim.docs[0]?.doc?._source, { title: 'dune' });
    await es.index({ index: 'books', id: '1', pipeline: 'clean', document: { title: ' The Hobbit ' }, refresh: true });
    assert.deepEqual((await es.get({ index: 'books', id: '1' }))._source, { title: 'the hobbit' });
    const r = await es.bulk({
      pipeline: 'clean',
      operations: [{ index: { _index: 'books', _id: '2' } }, { title: ' Emma ' }, { index: { _index: 'books', _id: '3' } }, { title: 3 }],
    });
    assert.equal(r.errors, true);
    assert.equal(r.items[0]?.index?.status, 201);
    assert.equal(r.items[1]?.index?.error?.type, 'illegal_argument_exception');
    assert.deepEqual((await es.get({ index: 'books', id: '2' }))._source, { title: 'emma' });
    await assert.rejects(es.index({ index: 'books', id: '4', pipeline: 'missing', document: {} }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 400 && /pipeline with id \[missing\] does not exist/.test(e.body.error.reason));
    assert.deepEqual(await es.ingest.deletePipeline({ id: 'clean' }), { acknowledged: true });
    await assert.rejects(es.ingest.getPipeline({ id: 'clean' }), (e: unknown) => e instanceof esErrors.ResponseError && e.statusCode === 404);
  });
});
