/** `DELETE /<index>/_doc/<id>`: delete a document (404 with `result: not_found` when missing). */
import { A, concurrency, indexEndpoint, WRITE_PARAMS } from './shared.js';

export const deleteDoc = indexEndpoint({
  name: 'delete',
  method: 'DELETE',
  paths: ['/:index/_doc/:id'],
  params: WRITE_PARAMS,
  action: A.deleteDoc,
  run(req, ci) {
    const r = ci.deleteDocument(req.params.index, req.params.id, concurrency(req));
    return { status: r.status, body: r.body };
  },
});
