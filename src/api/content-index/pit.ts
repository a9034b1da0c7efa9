/**
 * Points in time on the embedded index (docs/embedded-index.md "Deep paging"):
 * `POST /<index>/_pit?keep_alive=1m` opens one (`{id}`), `DELETE /_pit` with `{"id": …}` closes
 * it (`{succeeded, num_freed}`), and `GET|POST /_search` with `pit: {id, keep_alive}` in the
 * body searches it (no index in the path, as Elasticsearch requires). A point in time belongs
 * to the user (or API key) that opened it: anyone else's request names an unknown id (404).
 * A search on it is authorized as a `_search` of its index, with the caller's document- and
 * field-level security applied as `_search` applies it.
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import type { EndpointRequest } from '../endpoint.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, indexEndpoint, QUERY_PARAMS, SOURCE_PARAMS } from './shared.js';
import { filterHits, restrictSearch } from './restricted-read.js';

export const OPEN_PIT = 'indices:data/read/open_point_in_time';
export const CLOSE_PIT = 'indices:data/read/close_point_in_time';

const openParams = {
  keep_alive: 'string', ignore_unavailable: 'boolean', expand_wildcards: 'list', preference: 'string', routing: 'string',
  allow_partial_search_results: 'boolean', max_concurrent_shard_requests: 'int',
} as const;

const searchParams = {
  ...QUERY_PARAMS, ...SOURCE_PARAMS,
  size: 'int', from: 'int', sort: 'string', track_total_hits: 'string', rest_total_hits_as_int: 'boolean', track_scores: 'boolean',
  seq_no_primary_term: 'boolean', version: 'boolean', timeout: 'time', typed_keys: 'boolean', search_type: 'string',
  request_cache: 'boolean', batched_reduce_size: 'int', ccs_minimize_roundtrips: 'boolean', allow_partial_search_results: 'boolean',
  max_concurrent_shard_requests: 'int', pre_filter_shard_size: 'int',
} as const;

function open(req: EndpointRequest, ci: ContentIndex) {
  const keepAlive = req.query.keep_alive;
  if (keepAlive === undefined) throw errors.validation(['[keep_alive] is not specified']);
  return { body: { id: ci.openPit(req.params.index, keepAlive, req.user) } };
}

function close(req: EndpointRequest, ci: ContentIndex) {
  if (!isPlainObject(req.body)) throw errors.parsing('request body is required: {"id": "<point in time id>"}');
  for (const k of Object.keys(req.body)) if (k !== 'id') throw errors.parsing(`[close_point_in_time] unknown field [${k}]`);
  const id = req.body.id;
  if (typeof id !== 'string' || id === '') throw errors.validation(['[id] of the point in time is missing']);
  const freed = ci.closePit([id], req.user);
  return { status: freed === 0 ? 404 : 200, body: { succeeded: true, num_freed: freed } };
}

async function search(req: EndpointRequest, ci: ContentIndex) {
  const pit = isPlainObject(req.body) ? req.body.pit : undefined;
  if (!isPlainObject(pit) || typeof pit.id !== 'string' || pit.id === '') {
    throw errors.illegalArgument('a search on the embedded index names its index (/<index>/_search) or a point in time ({"pit": {"id": …}})');
  }
  const index = ci.pitIndex(pit.id, req.user);
  const denied = req.access?.(A.search, index);
  if (denied) throw errors.forbidden(denied);
  const { body, params } = restrictSearch(req, ci, index, A.search, req.query);
  return { body: filterHits(req, A.search, await ci.searchAsync(index, body, params, req.user)) };
}

export const openPit = indexEndpoint({ name: 'open_point_in_time', method: 'POST', paths: ['/:index/_pit'], params: openParams, action: OPEN_PIT, run: open });
export const closePit = indexEndpoint({ name: 'close_point_in_time', method: 'DELETE', paths: ['/_pit'], params: {}, action: CLOSE_PIT, composite: true, run: close });
export const pitSearchGet = indexEndpoint({ name: 'search', method: 'GET', paths: ['/_search'], params: searchParams, action: A.search, composite: true, run: search });
export const pitSearchPost = indexEndpoint({ name: 'search', method: 'POST', paths: ['/_search'], params: searchParams, action: A.search, composite: true, run: search });
