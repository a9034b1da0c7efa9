/** `PUT /<index>`: create an index with optional settings and mappings (indices.create). */
import { A, indexEndpoint } from './shared.js';

export const createIndex = indexEndpoint({
  name: 'indices.create',
  method: 'PUT',
  paths: ['/:index'],
  params: { wait_for_active_shards: 'string', timeout: 'time', master_timeout: 'time' },
  action: A.create,
  run: (req, ci) => ({ body: ci.createIndex(req.params.index, req.body) }),
});
