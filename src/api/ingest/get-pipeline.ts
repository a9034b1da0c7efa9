/**
 * `GET /_ingest/pipeline` and `GET /_ingest/pipeline/<id>`: definitions by id (a comma list,
 * wildcards, `*`), stored ones over the defaults. Nothing found: 404 with `{}`, as
 * Elasticsearch answers (`summary=true`: ids only, each `{}`).
 */
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import type { AppContext } from '../app-context.js';
import { pipelineTexts, selectIds } from './pipelines.js';
import { ACTION } from './shared.js';

async function handler(req: EndpointRequest, app: AppContext) {
  const all = await pipelineTexts(app);
  const ids = req.params.id === undefined ? [...all.keys()] : selectIds(all.keys(), req.params.id);
  if (ids.length === 0) return { status: 404, body: {} };
  const summary = req.query.summary === true;
  // Definitions are spliced in as stored: their key order is the one they were put with.
  const parts = ids.map((id) => `${JSON.stringify(id)}:${summary ? '{}' : all.get(id)!}`);
  return { body: `{${parts.join(',')}}`, raw: true };
}

const params = { master_timeout: 'time', summary: 'boolean' } as const;

export const getPipelines: Endpoint = { name: 'ingest.get_pipeline', method: 'GET', paths: ['/_ingest/pipeline'], params, action: ACTION + 'get', body: 'none', handler };
export const getPipeline: Endpoint = { name: 'ingest.get_pipeline', method: 'GET', paths: ['/_ingest/pipeline/:id'], params, action: ACTION + 'get', body: 'none', handler };
