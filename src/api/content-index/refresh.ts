/** `POST|GET /<index>/_refresh`: nothing to do, writes are visible when they commit (indices.refresh). */
import { A, INDICES_OPTIONS, indexEndpoint } from './shared.js';

function refreshFor(method: 'POST' | 'GET') {
  return indexEndpoint({
    name: 'indices.refresh',
    method,
    paths: ['/:index/_refresh'],
    params: INDICES_OPTIONS,
    action: A.refresh,
    run: (req, ci) => ({ body: ci.refresh(req.params.index) }),
  });
}

export const refreshPost = refreshFor('POST');
export const refreshGet = refreshFor('GET');
