/** `POST /<index>/_update/<id>`: partial update (`doc`, `doc_as_upsert`, `upsert`). */
import { A, concurrency, indexEndpoint, mayAutoCreate, SOURCE_PARAMS, WRITE_PARAMS } from './shared.js';

export const updateDoc = indexEndpoint({
  name: 'update',
  method: 'POST',
  paths: ['/:index/_update/:id'],
  params: { ...WRITE_PARAMS, ...SOURCE_PARAMS, retry_on_conflict: 'int', lang: 'string' },
  action: A.update,
  run(req, ci) {
    mayAutoCreate(req, ci, req.params.index);
    const r = ci.updateDocument(req.params.index, req.params.id, req.body, concurrency(req));
    return { status: r.status, body: r.body };
  },
});
