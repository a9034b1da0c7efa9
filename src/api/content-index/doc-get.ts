/** `GET /<index>/_doc/<id>` (get) and `HEAD /<index>/_doc/<id>` (exists). */
import { A, indexEndpoint, rejectBody, SOURCE_PARAMS, sourceParams } from './shared.js';

const params = {
  ...SOURCE_PARAMS, stored_fields: 'list', preference: 'string', realtime: 'boolean', refresh: 'boolean', routing: 'string',
  version: 'int', version_type: 'string',
} as const;

export const getDoc = indexEndpoint({
  name: 'get',
  method: 'GET',
  paths: ['/:index/_doc/:id'],
  params,
  action: A.getDoc,
  run(req, ci) {
    rejectBody(req);
    const r = ci.getDocument(req.params.index, req.params.id, sourceParams(req));
    return { status: r.status, body: r.body };
  },
});

export const docExists = indexEndpoint({
  name: 'exists',
  method: 'HEAD',
  paths: ['/:index/_doc/:id'],
  params,
  action: A.getDoc,
  run(req, ci) {
    if (!ci.exists(req.params.index)) return { status: 404 };
    return { status: ci.getDocument(req.params.index, req.params.id, { _source: 'false' }).status };
  },
});
