/** `HEAD /<index>`: 200 when the index exists, else 404 (indices.exists). */
import { A, INDICES_OPTIONS, indexEndpoint } from './shared.js';

export const indexExists = indexEndpoint({
  name: 'indices.exists',
  method: 'HEAD',
  paths: ['/:index'],
  params: { ...INDICES_OPTIONS, flat_settings: 'boolean', include_defaults: 'boolean', local: 'boolean' },
  action: A.get,
  run: (req, ci) => ({ status: ci.exists(req.params.index) ? 200 : 404 }),
});
