/** `GET /<index>`: aliases, mappings and settings of an index (indices.get). */
import { A, ignoredMissing, INDICES_OPTIONS, indexEndpoint, rejectBody } from './shared.js';

export const getIndex = indexEndpoint({
  name: 'indices.get',
  method: 'GET',
  paths: ['/:index'],
  params: { ...INDICES_OPTIONS, flat_settings: 'boolean', include_defaults: 'boolean', local: 'boolean', master_timeout: 'time', features: 'list' },
  action: A.get,
  run(req, ci) {
    rejectBody(req);
    return { body: ignoredMissing(req, ci) ? {} : ci.getIndex(req.params.index) };
  },
});
