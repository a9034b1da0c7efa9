/** `GET /_cat/indices[/<index>]`: one row per index, always as JSON rows (as with `format=json`). */
import { A, indexEndpoint } from './shared.js';

export const catIndices = indexEndpoint({
  name: 'cat.indices',
  method: 'GET',
  paths: ['/_cat/indices', '/_cat/indices/:index'],
  params: {
    format: 'string', h: 'list', v: 'boolean', s: 'list', bytes: 'string', health: 'string', pri: 'boolean', help: 'boolean',
    local: 'boolean', master_timeout: 'time', time: 'string', expand_wildcards: 'list', include_unloaded_segments: 'boolean',
  },
  action: A.stats,
  run(req, ci) {
    const rows = ci.catIndices();
    const name = req.params.index;
    return { body: name === undefined ? rows : rows.filter((r) => r.index === name) };
  },
});
