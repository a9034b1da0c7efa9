/**
 * Request `n` of a fuzz run: an endpoint of src/api/registry.ts (or an unknown route), path
 * parameters, a query string, a body and a user, all drawn from `Rng.forRequest(seed, n)`.
 */
import { endpoints } from '../../../src/api/registry.js';
import type { Endpoint } from '../../../src/api/endpoint.js';
import { apiKeyBody, bulkBody, connectorBody, docBody, invalidateBody, mappingBody, plausibleSearch, searchBody, syncJobBody } from './bodies.js';
import { Rng } from './prng.js';
import { CONNECTORS, enc, filterPath, garbageBody, indexName, jsonObject, jsonValue, pathSegment, queryString, SEEDED } from './values.js';

/** Who sends it; `manager_key` is an API key of `manager`, `intruder` a wrong password. */
export const USERS = ['root', 'reader', 'manager', 'writer_a', 'manager_key', 'anonymous', 'intruder'] as const;
export type FuzzUser = (typeof USERS)[number];

export interface FuzzRequest {
  n: number;
  user: FuzzUser;
  method: string;
  /** Raw request target, as sent (already percent-encoded where meant to be). */
  path: string;
  /** The registry endpoint it was made for (`unknown-route` otherwise). */
  endpoint: string;
  body?: string;
  contentType?: string;
  /** What hostile features it carries, for grouping failures. */
  tags: string[];
}

const DESTRUCTIVE = new Set(['indices.delete', 'delete_by_query']);

function weight(e: Endpoint): number {
  if (e.name === 'search' || e.name === 'count') return 8;
  if (e.name === 'bulk') return 6;
  if (e.name.startsWith('security.')) return 2;
  return 1;
}
const CHOICES: [number, Endpoint | null][] = [...endpoints.map((e): [number, Endpoint] => [weight(e), e]), [3, null]];

function bodyFor(rng: Rng, e: Endpoint, tags: string[]): { body?: string; contentType?: string } {
  const json = (v: unknown) => ({ body: JSON.stringify(v), contentType: 'application/json' });
  if (e.method === 'HEAD') return {};
  if (rng.chance(0.12)) return { body: garbageBody(rng, tags), contentType: 'application/json' };
  const n = e.name;
  if (n === 'search' || n === 'count' || n === 'delete_by_query') {
    if (e.method === 'GET' && rng.chance(0.5)) return {};
    return json(n === 'search' ? searchBody(rng, tags) : { query: searchBody(rng, tags).query });
  }
  if (n === 'bulk') return { body: bulkBody(rng, tags), contentType: rng.pick(['application/x-ndjson', 'application/json']) };
  if (n === 'index' || n === 'create') return { body: docBody(rng, tags), contentType: 'application/json' };
  if (n === 'update') {
    // A document body may be nested 20 000 deep: spliced as text, since JSON.stringify of such a
    // value overflows this process's stack before the server ever sees it.
    const which = rng.int(0, 3);
    if (which === 0) return { body: `{"doc":${docBody(rng, [])}}`, contentType: 'application/json' };
    return json([{ doc: jsonObject(rng, 2), doc_as_upsert: true }, { status: 'completed' }, jsonObject(rng, 2)][which - 1]);
  }
  if (n === 'indices.create') return json({ settings: rng.chance(0.5) ? jsonObject(rng, 2) : { number_of_shards: jsonValue(rng, 0) }, mappings: mappingBody(rng) });
  if (n === 'indices.put_mapping') return json(mappingBody(rng));
  if (n.startsWith('connector.sync_job')) return json(syncJobBody(rng));
  if (n.startsWith('connector.secret')) return json(rng.chance(0.8) ? { value: jsonValue(rng, 1) } : jsonObject(rng, 2));
  if (n.startsWith('connector.')) return json(connectorBody(rng));
  if (n === 'security.create_api_key') return json(apiKeyBody(rng, tags));
  if (n === 'security.invalidate_api_key') return json(invalidateBody(rng));
  return rng.chance(0.2) ? json(jsonObject(rng, 2)) : {};
}

export function makeRequest(seed: number, n: number): FuzzRequest {
  const rng = Rng.forRequest(seed, n);
  const tags: string[] = [];
  const user = rng.weighted<FuzzUser>([[3, 'root'], [3, 'reader'], [3, 'manager'], [3, 'writer_a'], [2, 'manager_key'], [1, 'anonymous'], [1, 'intruder']]);
  // Half the requests are searches that pass validation and do real work (with a hostile
  // filter_path, many prefixes, deep bools, big sizes...); the rest are anything, anywhere.
  if (rng.chance(0.45)) {
    // Mostly an index this user may read, so that the search runs.
    const readable = user === 'writer_a' ? ['search-a'] : user.startsWith('manager') ? ['search-a', 'search-big'] : SEEDED;
    const index = rng.weighted<() => string>([[12, () => rng.pick(readable)], [1, () => rng.pick(SEEDED)], [1, () => rng.pick(['search-*', '*', '_all', 'search-a,search-big'])], [1, () => (tags.push('index:backtracking'), `${'*a'.repeat(rng.size(30))}*${rng.pick(['b', 'g', ''])}`)]])();
    const endpoint = rng.chance(0.8) ? 'search' : 'count';
    let body = plausibleSearch(rng, tags);
    if (endpoint === 'count') body = { query: body.query };
    const qs = rng.chance(0.35) ? `?filter_path=${enc(filterPath(rng, tags))}` : '';
    return { n, user: user === 'anonymous' || user === 'intruder' ? 'reader' : user, method: rng.pick(['POST', 'GET']), path: `/${enc(index).replace(/%2C/g, ',').replace(/%2A/gi, '*')}/_${endpoint}${qs}`, endpoint: `valid ${endpoint}`, body: JSON.stringify(body), contentType: 'application/json', tags: [...new Set(tags)] };
  }
  const e = rng.weighted(CHOICES);
  if (!e) {
    const segs = Array.from({ length: rng.size(6) }, () => (rng.chance(0.3) ? `_${rng.word(8)}` : pathSegment(rng, tags, [rng.word()])));
    return { n, user, method: rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']), path: '/' + segs.join('/') + queryString(rng, tags, []), endpoint: 'unknown-route', tags, ...(rng.chance(0.5) ? { body: JSON.stringify(jsonObject(rng, 2)), contentType: 'application/json' } : {}) };
  }
  const template = rng.pick(e.paths);
  const path = template.replace(/:([a-z_]+)/g, (_, name: string) => {
    if (name === 'index') return enc(indexName(rng, tags, DESTRUCTIVE.has(e.name))).replace(/%2C/g, rng.chance(0.8) ? ',' : '%2C').replace(/%2A/gi, '*');
    if (name === 'connector_id') return pathSegment(rng, tags, CONNECTORS);
    return pathSegment(rng, tags, ['0', '1', '7', '42', 'fz-doc', 'c1']);
  });
  let qs = queryString(rng, tags, Object.keys(e.params ?? {}));
  if (e.name === 'security.get_api_key' && rng.chance(0.5)) {
    tags.push('api_key:name-pattern');
    qs += `${qs ? '&' : '?'}name=${enc(`${'*a'.repeat(rng.size(60))}*b`)}`;
  }
  const { body, contentType } = bodyFor(rng, e, tags);
  const ct = body !== undefined && rng.chance(0.03) ? (tags.push('content-type'), rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/cbor', 'application/vnd.elasticsearch+json; compatible-with=7', ''])) : contentType;
  return { n, user, method: e.method, path: path + qs, endpoint: `${e.method} ${e.name}`, tags: [...new Set(tags)], ...(body !== undefined ? { body } : {}), ...(ct !== undefined ? { contentType: ct } : {}) };
}
