/**
 * `PUT|POST /<index>/_doc/<id>` and `POST /<index>/_doc` (index, id generated): store a
 * document, creating the index on first write. `op_type=create` behaves as `_create`.
 * `?pipeline=` runs an ingest pipeline on it first (api/ingest/document-pipeline.ts).
 */
import { errors } from '../../domain/errors.js';
import type { AppContext } from '../app-context.js';
import type { EndpointRequest } from '../endpoint.js';
import { pipelineSource } from '../ingest/document-pipeline.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, concurrency, indexEndpoint, mayAutoCreate, WRITE_PARAMS } from './shared.js';

function opType(req: EndpointRequest): 'index' | 'create' {
  const v = req.query.op_type;
  if (v === undefined || v === 'index') return 'index';
  if (v === 'create') return 'create';
  throw errors.illegalArgument(`opType must be 'create' or 'index', found: [${String(v)}]`);
}

async function run(req: EndpointRequest, ci: ContentIndex, app: AppContext) {
  if (req.body === undefined) throw errors.badBody('request body is required');
  mayAutoCreate(req, ci, req.params.index);
  const source = await pipelineSource(req, app, ci, req.params.index, req.params.id);
  const r = ci.indexDocument(req.params.index, req.params.id, source, { opType: opType(req), ...concurrency(req) });
  return { status: r.status, body: r.body };
}

const params = { ...WRITE_PARAMS, op_type: 'string' } as const;

export const putDoc = indexEndpoint({ name: 'index', method: 'PUT', paths: ['/:index/_doc/:id'], params, action: A.index, run });
export const postDocWithId = indexEndpoint({ name: 'index', method: 'POST', paths: ['/:index/_doc/:id'], params, action: A.index, run });
export const postDoc = indexEndpoint({ name: 'index', method: 'POST', paths: ['/:index/_doc'], params, action: A.index, run });
