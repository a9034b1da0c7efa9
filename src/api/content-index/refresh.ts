/** `POST|GET /<index>/_refresh`: nothing to do, writes are visible when they commit (indices.refresh). */
import { A, ignoredMissing, INDICES_OPTIONS, indexEndpoint, NO_SHARDS } from './shared.js';

function refreshFor(method: 'POST' | 'GET') {
  return indexEndpoint({
    name: 'indices.refresh',
    method,
    paths: ['/:index/_refresh'],
    params: INDICES_OPTIONS,
    action: A.refresh,
    run: (req, ci) => {
      if (ignoredMissing(req, ci)) {
        const { skipped: _s, ...shards } = NO_SHARDS;
        return { body: { _shards: shards } };
      }
      return { body: ci.refresh(req.params.index) };
    },
  });
}

export const refreshPost = refreshFor('POST');
export const refreshGet = refreshFor('GET');
