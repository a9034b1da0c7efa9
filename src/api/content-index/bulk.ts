/**
 * `POST|PUT /_bulk` and `POST|PUT /<index>/_bulk`: ndjson index / create / update / delete.
 *
 * With security on, the request itself is authorized by its action name only (the caller holds
 * `indices:data/write/bulk` on some index, as Elasticsearch authorizes composite actions), and
 * every item against its own index, whatever the path says (issue 11 item 1). An item refused
 * fails alone with a 403 `security_exception`; the others run. Ingest pipelines
 * (`?pipeline=`, an action line's `pipeline`) run first (api/ingest/bulk-items.ts).
 */
import { ApiError, errors } from '../../domain/errors.js';
import type { AppContext, IndexAccess, IndexRestrictions } from '../app-context.js';
import { BULK_UPDATE_REFUSED } from './doc-update.js';
import { runBulkPipelines } from '../ingest/bulk-items.js';
import type { EndpointRequest } from '../endpoint.js';
import { parseBulk, type BulkAction, type BulkGuard } from '../../content-index/bulk.js';
import type { ContentIndex } from '../../content-index/content-index.js';
import { A, indexEndpoint, SOURCE_PARAMS } from './shared.js';

const params = {
  ...SOURCE_PARAMS, pipeline: 'string', refresh: 'string', routing: 'string', timeout: 'time', wait_for_active_shards: 'string',
  require_alias: 'boolean', require_data_stream: 'boolean', list_executed_pipelines: 'boolean', include_source_on_error: 'boolean',
} as const;

/** The action each item amounts to, as Elasticsearch names it when it authorizes bulk items. */
const ITEM_ACTION: Record<BulkAction, string> = {
  index: 'indices:data/write/index:op_type/index',
  create: 'indices:data/write/index:op_type/create',
  update: 'indices:data/write/update',
  delete: 'indices:data/write/delete',
};

/**
 * Elasticsearch's three checks, in its order: creating a missing index (not for a delete),
 * the shard-level bulk action on the item's index, then the item's own action. Decisions are
 * cached per (action, index): a bulk names few indices.
 */
export function bulkGuard(access: IndexAccess, restrict?: IndexRestrictions | null): BulkGuard {
  const decided = new Map<string, string | null>();
  const check = (action: string, index: string): string | null => {
    const key = `${action}\u0000${index}`;
    let reason = decided.get(key);
    if (reason === undefined) decided.set(key, (reason = access(action, index)));
    return reason;
  };
  return (item, exists) => {
    const reason =
      (!exists && item.action !== 'delete' ? check(A.autoCreate, item.index) : null) ??
      check(A.shardBulk, item.index) ??
      check(ITEM_ACTION[item.action], item.index);
    if (reason !== null) return errors.forbidden(reason);
    // As Elasticsearch: no update items where the caller has document- or field-level security.
    if (item.action === 'update' && restrict) {
      try {
        if (restrict(A.update, item.index)) return errors.securityBadRequest(BULK_UPDATE_REFUSED);
      } catch (e) {
        if (e instanceof ApiError) return e;
        throw e;
      }
    }
    return null;
  };
}

async function run(req: EndpointRequest, ci: ContentIndex, app: AppContext) {
  if (typeof req.body !== 'string') throw errors.badBody('request body is required');
  const guard = req.access ? bulkGuard(req.access, req.restrict) : undefined;
  const items = parseBulk(req.body, req.params.index);
  await runBulkPipelines(app, ci, items, req.query.pipeline as string | undefined, guard);
  return { body: ci.bulk(items, req.params.index, guard) };
}

const def = (method: 'POST' | 'PUT', paths: string[]) =>
  indexEndpoint({ name: 'bulk', method, paths, params, action: A.bulk, composite: true, ndjson: true, run });
export const bulkPost = def('POST', ['/_bulk', '/:index/_bulk']);
export const bulkPut = def('PUT', ['/_bulk', '/:index/_bulk']);
