/** `PUT|POST /<index>/_create/<id>`: store a document only if the id is new (create). */
import { errors } from '../../domain/errors.js';
import type { AppContext } from '../app-context.js';
import type { EndpointRequest } from '../endpoint.js';
import { pipelineSource } from '../ingest/document-pipeline.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, concurrency, indexEndpoint, mayAutoCreate, WRITE_PARAMS } from './shared.js';

async function run(req: EndpointRequest, ci: ContentIndex, app: AppContext) {
  if (req.body === undefined) throw errors.badBody('request body is required');
  mayAutoCreate(req, ci, req.params.index);
  const source = await pipelineSource(req, app, ci, req.params.index, req.params.id);
  const r = ci.indexDocument(req.params.index, req.params.id, source, { opType: 'create', ...concurrency(req) });
  return { status: r.status, body: r.body };
}

export const putCreate = indexEndpoint({ name: 'create', method: 'PUT', paths: ['/:index/_create/:id'], params: WRITE_PARAMS, action: A.index, run });
export const postCreate = indexEndpoint({ name: 'create', method: 'POST', paths: ['/:index/_create/:id'], params: WRITE_PARAMS, action: A.index, run });
