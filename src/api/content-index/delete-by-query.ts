/**
 * `POST /<index>/_delete_by_query`: deletes matching documents in batches (`scroll_size`,
 * `max_docs`). It always runs to completion before answering (no task for
 * `wait_for_completion=false`); conflicts cannot happen, writes being serialised. Its search
 * is filtered by the caller's document-level security, as Elasticsearch's.
 */
import { isPlainObject } from '../../domain/shared/json.js';
import { restrictSearch } from './restricted-read.js';
import { A, indexEndpoint, QUERY_PARAMS } from './shared.js';

export const deleteByQuery = indexEndpoint({
  name: 'delete_by_query',
  method: 'POST',
  paths: ['/:index/_delete_by_query'],
  params: {
    ...QUERY_PARAMS, conflicts: 'string', max_docs: 'int', refresh: 'boolean', scroll_size: 'int', slices: 'string',
    wait_for_completion: 'boolean', timeout: 'time', requests_per_second: 'string', search_timeout: 'time', scroll: 'time',
    wait_for_active_shards: 'string', request_cache: 'boolean', search_type: 'string', from: 'int',
  },
  action: A.deleteByQuery,
  run: async (req, ci) => {
    // Its search is a read: under document-level security only visible documents are deleted (as Elasticsearch).
    const given = req.query.q !== undefined || (isPlainObject(req.body) && req.body.query !== undefined);
    const { body, params } = given ? restrictSearch(req, ci, req.params.index, A.search, req.query) : { body: req.body, params: req.query };
    return { body: await ci.deleteByQuery(req.params.index, body, params) };
  },
});
