/** `GET /<index>`: aliases, mappings and settings of an index (indices.get). */
import { filterMapping, restrictionOf } from './restricted-read.js';
import { A, ignoredMissing, INDICES_OPTIONS, indexEndpoint, rejectBody } from './shared.js';

export const getIndex = indexEndpoint({
  name: 'indices.get',
  method: 'GET',
  paths: ['/:index'],
  params: { ...INDICES_OPTIONS, flat_settings: 'boolean', include_defaults: 'boolean', local: 'boolean', master_timeout: 'time', features: 'list' },
  action: A.get,
  run(req, ci) {
    rejectBody(req);
    if (ignoredMissing(req, ci)) return { body: {} };
    const index = req.params.index;
    const body = ci.getIndex(index) as Record<string, { mappings: unknown }>;
    // Field-level security hides fields from the mappings too, as in Elasticsearch.
    const visible = restrictionOf(req, A.get, index)?.fields;
    if (visible && body[index]) body[index].mappings = filterMapping(body[index].mappings, visible);
    return { body };
  },
});
