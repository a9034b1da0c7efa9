/** `POST /<index>/_update/<id>`: partial update (`doc`, `doc_as_upsert`, `upsert`). */
import { errors } from '../../domain/errors.js';
import { restrictionOf } from './restricted-read.js';
import { A, concurrency, indexEndpoint, mayAutoCreate, SOURCE_PARAMS, WRITE_PARAMS } from './shared.js';

export const UPDATE_REFUSED = "Can't execute an update request if field or document level security is enabled";
export const BULK_UPDATE_REFUSED = "Can't execute a bulk item request with update requests embedded if field or document level security is enabled";

export const updateDoc = indexEndpoint({
  name: 'update',
  method: 'POST',
  paths: ['/:index/_update/:id'],
  params: { ...WRITE_PARAMS, ...SOURCE_PARAMS, retry_on_conflict: 'int', lang: 'string' },
  action: A.update,
  run(req, ci) {
    // Elasticsearch refuses updates under document- or field-level security: an update reads the document.
    if (restrictionOf(req, A.update, req.params.index)) throw errors.securityBadRequest(UPDATE_REFUSED);
    mayAutoCreate(req, ci, req.params.index);
    const r = ci.updateDocument(req.params.index, req.params.id, req.body, concurrency(req));
    return { status: r.status, body: r.body };
  },
});
