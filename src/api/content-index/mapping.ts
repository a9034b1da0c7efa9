/** `GET /<index>/_mapping` (indices.get_mapping) and `PUT|POST /<index>/_mapping` (put_mapping). */
import { errors } from '../../domain/errors.js';
import { filterMapping, restrictionOf } from './restricted-read.js';
import { A, ignoredMissing, INDICES_OPTIONS, indexEndpoint, rejectBody } from './shared.js';

export const getMapping = indexEndpoint({
  name: 'indices.get_mapping',
  method: 'GET',
  paths: ['/:index/_mapping'],
  params: { ...INDICES_OPTIONS, local: 'boolean', master_timeout: 'time' },
  action: A.getMapping,
  run(req, ci) {
    rejectBody(req);
    if (ignoredMissing(req, ci)) return { body: {} };
    const index = req.params.index;
    const body = ci.getMapping(index) as Record<string, { mappings: unknown }>;
    const visible = restrictionOf(req, A.getMapping, index)?.fields;
    if (visible && body[index]) body[index].mappings = filterMapping(body[index].mappings, visible);
    return { body };
  },
});

const putParams = { ...INDICES_OPTIONS, timeout: 'time', master_timeout: 'time', write_index_only: 'boolean' } as const;

function putMappingFor(method: 'PUT' | 'POST') {
  return indexEndpoint({
    name: 'indices.put_mapping',
    method,
    paths: ['/:index/_mapping'],
    params: putParams,
    action: A.putMapping,
    run(req, ci) {
      if (req.body === undefined) throw errors.badBody('request body is required');
      return { body: ci.putMapping(req.params.index, req.body) };
    },
  });
}

export const putMapping = putMappingFor('PUT');
export const postMapping = putMappingFor('POST');
