/**
 * `POST /<index>/_delete_by_query`: deletes matching documents in batches (`scroll_size`,
 * `max_docs`). It always runs to completion before answering (no task for
 * `wait_for_completion=false`); conflicts cannot happen, writes being serialised.
 */
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
  run: async (req, ci) => ({ body: await ci.deleteByQuery(req.params.index, req.body, req.query) }),
});
