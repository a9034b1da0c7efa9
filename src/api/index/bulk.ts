/** `POST|PUT /_bulk` and `POST|PUT /<index>/_bulk`: ndjson index / create / update / delete. */
import { errors } from '../../domain/errors.js';
import type { EndpointRequest } from '../endpoint.js';
import type { ContentIndex } from '../../sink/embedded/content-index.js';
import { A, indexEndpoint, SOURCE_PARAMS } from './shared.js';

const params = {
  ...SOURCE_PARAMS, pipeline: 'string', refresh: 'string', routing: 'string', timeout: 'time', wait_for_active_shards: 'string',
  require_alias: 'boolean', require_data_stream: 'boolean', list_executed_pipelines: 'boolean', include_source_on_error: 'boolean',
} as const;

function run(req: EndpointRequest, ci: ContentIndex) {
  if (typeof req.body !== 'string') throw errors.badBody('request body is required');
  return { body: ci.bulk(req.body, req.params.index) };
}

const def = (method: 'POST' | 'PUT', paths: string[]) => indexEndpoint({ name: 'bulk', method, paths, params, action: A.bulk, ndjson: true, run });

export const bulkPost = def('POST', ['/_bulk', '/:index/_bulk']);
export const bulkPut = def('PUT', ['/_bulk', '/:index/_bulk']);
