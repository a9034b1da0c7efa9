/**
 * Shared pieces of the embedded content index endpoints (runtime.md "The embedded content
 * index"): the endpoint factory, which resolves the engine and, when this process serves no
 * content index (or the name is a reserved `_…` one), answers exactly as if no such route
 * existed (400 `no_handler_found_exception`, or 405 when the path exists for other methods);
 * and the query parameters the document APIs share.
 */
import { errors } from '../../domain/errors.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import type { AppContext } from '../app-context.js';
import { NO_ROUTE, type Endpoint, type EndpointReply, type EndpointRequest, type HttpMethod, type ParamType } from '../endpoint.js';
import { systemIndex } from '../../domain/system-index-mappings.js';

export interface IndexEndpointDef {
  name: string;
  method: HttpMethod;
  paths: string[];
  params?: Record<string, ParamType>;
  action: string;
  composite?: boolean;
  ndjson?: boolean;
  run(req: EndpointRequest, ci: ContentIndex, app: AppContext): Promise<EndpointReply> | EndpointReply;
}

export function indexEndpoint(def: IndexEndpointDef): Endpoint {
  const { run, ...rest } = def;
  return {
    ...rest,
    catchAll: true,
    async handler(req, app) {
      const ci = app.contentIndex;
      const name = req.params.index;
      // `_…` names are other APIs; the connector system indices have endpoints of their own.
      if (!ci || (name !== undefined && (name.startsWith('_') || systemIndex(name) !== undefined))) return NO_ROUTE;
      return run(req, ci, app);
    },
  };
}

/** Parameters of single-document writes that Tributary accepts and has no use for. */
export const WRITE_PARAMS: Record<string, ParamType> = {
  refresh: 'string',
  routing: 'string',
  timeout: 'time',
  wait_for_active_shards: 'string',
  require_alias: 'boolean',
  require_data_stream: 'boolean',
  pipeline: 'string',
  if_seq_no: 'int',
  if_primary_term: 'int',
  version: 'int',
  version_type: 'string',
};

export const SOURCE_PARAMS: Record<string, ParamType> = {
  _source: 'string',
  _source_includes: 'list',
  _source_excludes: 'list',
};

/** Index-targeting options Elasticsearch accepts on most index APIs. */
export const INDICES_OPTIONS: Record<string, ParamType> = {
  allow_no_indices: 'boolean',
  ignore_unavailable: 'boolean',
  expand_wildcards: 'list',
};

/**
 * `ignore_unavailable=true` on an index that does not exist: the endpoint answers as
 * Elasticsearch does over no index at all (an empty `GET`, a refresh of no shards, no hits)
 * instead of 404. Elastic's connector service sends it on reads of indices that may not exist yet.
 */
export function ignoredMissing(req: EndpointRequest, ci: ContentIndex): boolean {
  return req.query.ignore_unavailable === true && req.params.index !== undefined && !ci.exists(req.params.index);
}

/** `_shards` of a request that reached no index. */
export const NO_SHARDS = { total: 0, successful: 0, skipped: 0, failed: 0 };

export const QUERY_PARAMS: Record<string, ParamType> = {
  q: 'string',
  df: 'string',
  default_operator: 'string',
  analyzer: 'string',
  analyze_wildcard: 'boolean',
  lenient: 'boolean',
  routing: 'string',
  preference: 'string',
  ...INDICES_OPTIONS,
};

export function concurrency(req: EndpointRequest): { ifSeqNo?: number; ifPrimaryTerm?: number } {
  if (req.query.version !== undefined || req.query.version_type !== undefined) {
    throw errors.illegalArgument('external versioning is not supported by the embedded index; use if_seq_no and if_primary_term');
  }
  const out: { ifSeqNo?: number; ifPrimaryTerm?: number } = {};
  if (req.query.if_seq_no !== undefined) out.ifSeqNo = req.query.if_seq_no as number;
  if (req.query.if_primary_term !== undefined) out.ifPrimaryTerm = req.query.if_primary_term as number;
  return out;
}

/** Source-filtering query parameters in the engine's shape. */
export function sourceParams(req: EndpointRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(SOURCE_PARAMS)) if (req.query[k] !== undefined) out[k] = req.query[k];
  return out;
}

/**
 * A write that would create its index (`action.auto_create_index`) also needs
 * `indices:admin/auto_create` on it (`create_index`, `auto_configure`, `manage`, `all`), as in
 * Elasticsearch; `write` alone does not create indices.
 */
export function mayAutoCreate(req: EndpointRequest, ci: ContentIndex, index: string): void {
  if (!req.access || ci.exists(index)) return;
  const reason = req.access(A.autoCreate, index);
  if (reason) throw errors.forbidden(reason);
}

export function rejectBody(req: EndpointRequest): void {
  if (req.body !== undefined) {
    throw errors.illegalArgument(`request [${req.path}] does not support having a body`);
  }
}

export const A = {
  create: 'indices:admin/create',
  get: 'indices:admin/get',
  delete: 'indices:admin/delete',
  getMapping: 'indices:admin/mappings/get',
  putMapping: 'indices:admin/mapping/put',
  refresh: 'indices:admin/refresh',
  index: 'indices:data/write/index',
  getDoc: 'indices:data/read/get',
  deleteDoc: 'indices:data/write/delete',
  update: 'indices:data/write/update',
  bulk: 'indices:data/write/bulk',
  shardBulk: 'indices:data/write/bulk[s]',
  autoCreate: 'indices:admin/auto_create',
  search: 'indices:data/read/search',
  deleteByQuery: 'indices:data/write/delete/byquery',
  stats: 'indices:monitor/stats',
} as const;
