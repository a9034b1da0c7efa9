/** `GET|POST /<index>/_search` and `GET|POST /<index>/_count` (the documented Query DSL subset). */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import type { EndpointRequest } from '../endpoint.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, ignoredMissing, indexEndpoint, NO_SHARDS, QUERY_PARAMS, SOURCE_PARAMS } from './shared.js';
import { filterHits, mappedFields, restrictSearch } from './restricted-read.js';
import { filterAggHits, restrictAggsOf } from './restricted-aggs.js';

const searchParams = {
  ...QUERY_PARAMS, ...SOURCE_PARAMS,
  from: 'int', size: 'int', sort: 'string', track_total_hits: 'string', rest_total_hits_as_int: 'boolean', track_scores: 'boolean',
  seq_no_primary_term: 'boolean', version: 'boolean', timeout: 'time', typed_keys: 'boolean', search_type: 'string',
  request_cache: 'boolean', batched_reduce_size: 'int', ccs_minimize_roundtrips: 'boolean', max_concurrent_shard_requests: 'int',
  pre_filter_shard_size: 'int', allow_partial_search_results: 'boolean', explain: 'boolean', stored_fields: 'list',
  docvalue_fields: 'list', stats: 'list', include_named_queries_score: 'boolean', scroll: 'time',
} as const;

const countParams = { ...QUERY_PARAMS, min_score: 'string', terminate_after: 'int', ignore_throttled: 'boolean' } as const;

/** Searches run on the content index's search threads (docs/embedded-index.md "Search limits"). */
async function search(req: EndpointRequest, ci: ContentIndex) {
  if (ignoredMissing(req, ci) && req.query.scroll === undefined) {
    const total = req.query.rest_total_hits_as_int === true ? 0 : { value: 0, relation: 'eq' };
    return { body: { took: 0, timed_out: false, _shards: NO_SHARDS, hits: { total, max_score: 0, hits: [] } } };
  }
  if (isPlainObject(req.body) && req.body.pit !== undefined) {
    throw errors.validation(['[indices] cannot be used with point in time. Do not specify any index with point in time.']);
  }
  // Document- and field-level security: the role query is in the body (a scroll keeps it).
  const { body, params, restriction } = restrictSearch(req, ci, req.params.index, A.search, req.query);
  const visible = restriction?.fields;
  if (visible) restrictAggsOf(body, visible, mappedFields(ci, req.params.index));
  const response = filterHits(req, A.search, await ci.searchAsync(req.params.index, body, params, req.user));
  if (visible && response.aggregations !== undefined) filterAggHits(response.aggregations, visible);
  return { body: response };
}

async function count(req: EndpointRequest, ci: ContentIndex) {
  if (ignoredMissing(req, ci)) return { body: { count: 0, _shards: NO_SHARDS } };
  const { min_score: _m, terminate_after: _t, ...rest } = req.query;
  const { body, params } = restrictSearch(req, ci, req.params.index, A.search, rest);
  return { body: await ci.countAsync(req.params.index, body, params) };
}

export const searchGet = indexEndpoint({ name: 'search', method: 'GET', paths: ['/:index/_search'], params: searchParams, action: A.search, run: search });
export const searchPost = indexEndpoint({ name: 'search', method: 'POST', paths: ['/:index/_search'], params: searchParams, action: A.search, run: search });
export const countGet = indexEndpoint({ name: 'count', method: 'GET', paths: ['/:index/_count'], params: countParams, action: A.search, run: count });
export const countPost = indexEndpoint({ name: 'count', method: 'POST', paths: ['/:index/_count'], params: countParams, action: A.search, run: count });
