/** `GET /<index>/_doc/<id>` (get) and `HEAD /<index>/_doc/<id>` (exists). */
import type { ContentIndex } from '../../content-index/content-index.js';
import type { EndpointRequest } from '../endpoint.js';
import { filterHit, restrictionOf } from './restricted-read.js';
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
  async run(req, ci) {
    rejectBody(req);
    return visibleDocument(req, ci, sourceParams(req));
  },
});

export const docExists = indexEndpoint({
  name: 'exists',
  method: 'HEAD',
  paths: ['/:index/_doc/:id'],
  params,
  action: A.getDoc,
  async run(req, ci) {
    if (!ci.exists(req.params.index)) return { status: 404 };
    return { status: (await visibleDocument(req, ci, { _source: 'false' })).status };
  },
});

/**
 * The document as the caller may see it: with document-level security, a document outside the
 * caller's role query is answered as missing (404 `found: false`, as Elasticsearch does), and
 * hidden fields are cut from its `_source`.
 */
async function visibleDocument(req: EndpointRequest, ci: ContentIndex, source: Record<string, unknown>) {
  const index = req.params.index;
  const id = req.params.id;
  const r = ci.getDocument(index, id, source);
  const restriction = r.status === 200 ? restrictionOf(req, A.getDoc, index) : null;
  if (restriction?.query) {
    const body = { query: { bool: { filter: [{ ids: { values: [id] } }, restriction.query] } } };
    const seen = (await ci.countAsync(index, body, {})) as { count?: number };
    if (!seen.count) return { status: 404, body: { _index: index, _id: id, found: false } };
  }
  if (restriction?.fields) filterHit(r.body as Record<string, unknown>, restriction.fields);
  return { status: r.status, body: r.body };
}
