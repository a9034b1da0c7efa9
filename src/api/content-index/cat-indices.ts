/**
 * `GET /_cat/indices[/<index>]`: one row per index, always as JSON rows (as with `format=json`).
 *
 * Without an index the request expands to every index, and with security on it is authorized as
 * Elasticsearch resolves a wildcard: the caller needs `indices:monitor/stats` on some index, and
 * sees only the rows of the indices it holds it on (issue 11 item 1). A named index is checked
 * like any other index path.
 */
import type { EndpointRequest } from '../endpoint.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, indexEndpoint } from './shared.js';

const params = {
  format: 'string', h: 'list', v: 'boolean', s: 'list', bytes: 'string', health: 'string', pri: 'boolean', help: 'boolean',
  local: 'boolean', master_timeout: 'time', time: 'string', expand_wildcards: 'list', include_unloaded_segments: 'boolean',
} as const;

function run(req: EndpointRequest, ci: ContentIndex) {
  const name = req.params.index;
  const access = req.access;
  const rows = ci.catIndices().filter((r) => (name === undefined ? !access || access(A.stats, r.index) === null : r.index === name));
  return { body: rows };
}

export const catIndices = indexEndpoint({ name: 'cat.indices', method: 'GET', paths: ['/_cat/indices'], params, action: A.stats, composite: true, run });
export const catIndicesNamed = indexEndpoint({ name: 'cat.indices', method: 'GET', paths: ['/_cat/indices/:index'], params, action: A.stats, run });
