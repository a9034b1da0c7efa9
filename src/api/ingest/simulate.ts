/**
 * `POST /_ingest/pipeline/_simulate` (the pipeline in the body) and
 * `POST /_ingest/pipeline/<id>/_simulate` (a stored or default one): runs the pipeline
 * on the given documents without indexing them and answers, per document, the result
 * (`doc: {_index, _id, _version, _source, _ingest: {timestamp}}`) or its failure (`error`).
 * At most MAX_SIMULATE_DOCS documents. `verbose` is not supported (400). Elasticsearch's `GET`
 * form is not offered: the server reads no body on a GET.
 */
import { ApiError, errors } from '../../domain/errors.js';
import { compilePipeline, type CompiledPipeline } from '../../domain/ingest/pipeline.js';
import { isPlainObject } from '../../domain/shared/json.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { errorBody } from '../render.js';
import { applyPipeline, ingestDoc, loadPipeline } from './pipelines.js';
import { ACTION } from './shared.js';

export const MAX_SIMULATE_DOCS = 1000;

async function pipelineOf(req: EndpointRequest, app: AppContext, body: Record<string, unknown>): Promise<CompiledPipeline> {
  const id = req.params.id;
  if (id !== undefined) {
    const p = await loadPipeline(app, id);
    if (!p) throw errors.notFound(`pipeline [${id}] does not exist`);
    return p;
  }
  if (body.pipeline === undefined) throw errors.badBody('[pipeline] required property is missing');
  return compilePipeline('_simulate_pipeline', body.pipeline);
}

async function handler(req: EndpointRequest, app: AppContext) {
  if (req.query.verbose === true) throw errors.illegalArgument('[verbose] simulation is not supported by Tributary; simulate without it');
  const body = req.body;
  if (!isPlainObject(body)) throw errors.badBody('request body is required');
  const unknown = Object.keys(body).filter((k) => k !== 'docs' && k !== 'pipeline');
  if (unknown.length) throw errors.badBody(`unknown field [${unknown[0]}] in the simulate request; it takes [docs] and [pipeline]`);
  const pipeline = await pipelineOf(req, app, body);
  if (!Array.isArray(body.docs)) throw errors.badBody('[docs] required property is missing');
  if (body.docs.length === 0) throw errors.badBody('must specify at least one document in [docs]');
  if (body.docs.length > MAX_SIMULATE_DOCS) throw errors.badBody(`at most ${MAX_SIMULATE_DOCS} documents may be simulated at once, found ${body.docs.length}`);
  const docs = [];
  for (const d of body.docs) {
    if (!isPlainObject(d)) throw errors.badBody('each entry of [docs] is an object with [_source]');
    if (!isPlainObject(d._source)) throw errors.badBody('[_source] required property is missing');
    const index = typeof d._index === 'string' ? d._index : '_index';
    const id = d._id === undefined || d._id === null ? '_id' : String(d._id);
    const doc = ingestDoc(structuredClone(d._source), index, id, app.clock.now());
    try {
      await applyPipeline(pipeline, doc);
      docs.push({ doc: { _index: index, _version: '-3', _id: id, _source: doc.source, _ingest: { timestamp: doc.ingest.timestamp } } });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      docs.push({ error: errorBody(e).error });
    }
  }
  return { body: { docs } };
}

export const simulatePost: Endpoint = {
  name: 'ingest.simulate',
  method: 'POST',
  paths: ['/_ingest/pipeline/_simulate', '/_ingest/pipeline/:id/_simulate'],
  params: { verbose: 'boolean' },
  action: ACTION + 'simulate',
  body: 'required',
  handler,
};
