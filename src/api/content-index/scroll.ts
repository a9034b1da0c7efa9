/**
 * `GET|POST /_search/scroll[/<scroll_id>]` (the next page of a scroll opened by
 * `_search?scroll=…`) and `DELETE /_search/scroll[/<scroll_id>]` (clear), on the embedded index
 * (docs/embedded-index.md "Scroll"). A scroll belongs to the user (or API key) that opened it: with security
 * on, the action is authorized by name (as Elasticsearch does for scrolls) and another user's
 * scroll id is answered as unknown.
 */
import { errors } from '../../domain/errors.js';
import { isPlainObject } from '../../domain/shared/json.js';
import type { EndpointRequest } from '../endpoint.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, indexEndpoint } from './shared.js';
import { filterHits } from './restricted-read.js';

const SCROLL = 'indices:data/read/scroll';
const CLEAR = 'indices:data/read/scroll/clear';
const params = { scroll: 'time', scroll_id: 'string', rest_total_hits_as_int: 'boolean' } as const;
const MAX_IDS = 1000;

function body(req: EndpointRequest, allowed: string[]): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (!isPlainObject(req.body)) throw errors.parsing('request body must be a JSON object');
  for (const k of Object.keys(req.body)) {
    if (!allowed.includes(k)) throw errors.illegalArgument(`Unknown parameter [${k}] in request body or parameter is of the wrong type[${typeof req.body[k]}] `);
  }
  return req.body;
}

async function next(req: EndpointRequest, ci: ContentIndex) {
  const b = body(req, ['scroll_id', 'scroll', 'rest_total_hits_as_int']);
  const id = b.scroll_id ?? req.params.scroll_id ?? req.query.scroll_id;
  if (typeof id !== 'string' || id === '') throw errors.validation(['scrollId is missing']);
  const scroll = b.scroll ?? req.query.scroll;
  const asInt = req.query.rest_total_hits_as_int === true || b.rest_total_hits_as_int === true;
  // The role query was applied when the scroll was opened; hidden fields are cut per page.
  return { body: filterHits(req, A.search, await ci.scrollAsync(id, scroll, asInt, req.user)) };
}

function clear(req: EndpointRequest, ci: ContentIndex) {
  const b = body(req, ['scroll_id']);
  const raw = b.scroll_id ?? req.params.scroll_id?.split(',');
  const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string' && x !== '');
  if (ids.length === 0) throw errors.validation(['no scroll ids specified']);
  if (ids.length > MAX_IDS) throw errors.validation([`at most [${MAX_IDS}] scroll ids can be cleared at once, got [${ids.length}]`]);
  const freed = ci.clearScroll(ids.includes('_all') ? '_all' : ids, req.user);
  return { status: freed === 0 ? 404 : 200, body: { succeeded: true, num_freed: freed } };
}

const paths = ['/_search/scroll', '/_search/scroll/:scroll_id'];
export const scrollGet = indexEndpoint({ name: 'scroll', method: 'GET', paths, params, action: SCROLL, composite: true, run: next });
export const scrollPost = indexEndpoint({ name: 'scroll', method: 'POST', paths, params, action: SCROLL, composite: true, run: next });
export const clearScroll = indexEndpoint({ name: 'clear_scroll', method: 'DELETE', paths, params: {}, action: CLEAR, composite: true, run: clear });
