/** `DELETE /<index>`: delete an index and all its documents (indices.delete). */
import { A, ignoredMissing, INDICES_OPTIONS, indexEndpoint } from './shared.js';

export const deleteIndex = indexEndpoint({
  name: 'indices.delete',
  method: 'DELETE',
  paths: ['/:index'],
  params: { ...INDICES_OPTIONS, timeout: 'time', master_timeout: 'time' },
  action: A.delete,
  run: (req, ci) => ({ body: ignoredMissing(req, ci) ? { acknowledged: true } : ci.deleteIndex(req.params.index) }),
});
