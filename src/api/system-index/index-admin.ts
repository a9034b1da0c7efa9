/**
 * The connector system indices as indices: `HEAD`, `GET` and `PUT /<name>`, `GET
 * /<name>/_mapping`, `POST|GET /<name>/_refresh`, for `.elastic-connectors`,
 * `.elastic-connectors-sync-jobs` and their concrete `-v1` names. Their documents live in the
 * state store; these answer as Elasticsearch answers for the system indices (they always
 * exist, `PUT` says so, a refresh has nothing to do). Elastic's connector service checks that
 * they exist before it starts (docs/elastic-connector-service.md). Static paths: the content
 * index never sees these names, so no embedded index shadows a system index.
 */
import { createHash } from 'node:crypto';
import { errors } from '../../domain/errors.js';
import { SYSTEM_INDICES, type SystemIndex } from '../../domain/system-index-mappings.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, HttpMethod, ParamType } from '../endpoint.js';

const OPTIONS: Record<string, ParamType> = { allow_no_indices: 'boolean', ignore_unavailable: 'boolean', expand_wildcards: 'list' };
const GET_PARAMS: Record<string, ParamType> = { ...OPTIONS, flat_settings: 'boolean', include_defaults: 'boolean', local: 'boolean', master_timeout: 'time', features: 'list' };

/** A stable uuid per cluster and index, as Elasticsearch's index uuids look (22 url-safe chars). */
function uuidOf(app: AppContext, s: SystemIndex): string {
  return createHash('sha256').update(`${app.identity.clusterUuid}/${s.concrete}`).digest('base64url').slice(0, 22);
}

function describe(app: AppContext, s: SystemIndex) {
  return {
    [s.concrete]: {
      aliases: { [s.alias]: { is_hidden: true } },
      mappings: s.mappings,
      settings: {
        index: {
          hidden: 'true', auto_expand_replicas: '0-1', number_of_shards: '1', number_of_replicas: '0',
          provided_name: s.concrete, uuid: uuidOf(app, s), version: { created: '9000000' },
        },
      },
    },
  };
}

function endpoints(s: SystemIndex): Endpoint[] {
  const paths = [`/${s.alias}`, `/${s.concrete}`];
  const at = (suffix: string) => paths.map((p) => p + suffix);
  const refresh = (method: HttpMethod): Endpoint => ({
    name: 'indices.refresh', method, paths: at('/_refresh'), index: s.alias, action: 'indices:admin/refresh', params: OPTIONS, body: 'none',
    handler: () => ({ body: { _shards: { total: 1, successful: 1, failed: 0 } } }),
  });
  return [
    {
      name: 'indices.exists', method: 'HEAD', paths, index: s.alias, action: 'indices:admin/get', params: GET_PARAMS,
      handler: () => ({ status: 200 }),
    },
    {
      name: 'indices.get', method: 'GET', paths, index: s.alias, action: 'indices:admin/get', params: GET_PARAMS, body: 'none',
      handler: (_req, app) => ({ body: describe(app, s) }),
    },
    {
      name: 'indices.create', method: 'PUT', paths, index: s.alias, action: 'indices:admin/create', body: 'optional',
      params: { timeout: 'time', master_timeout: 'time', wait_for_active_shards: 'string' },
      handler: (_req, app) => {
        throw errors.resourceAlreadyExists(s.concrete, uuidOf(app, s));
      },
    },
    {
      name: 'indices.get_mapping', method: 'GET', paths: at('/_mapping'), index: s.alias, action: 'indices:admin/mappings/get',
      params: { ...OPTIONS, local: 'boolean', master_timeout: 'time' }, body: 'none',
      handler: () => ({ body: { [s.concrete]: { mappings: s.mappings } } }),
    },
    refresh('POST'),
    refresh('GET'),
  ];
}

export const systemIndexEndpoints: Endpoint[] = SYSTEM_INDICES.flatMap(endpoints);
