/** Helpers shared by the connector endpoints (connector-api.md §6, §9.2). */
import { errors } from '../../domain/errors.js';
import type { ConnectorDoc } from '../../domain/connector/document.js';
import type { Mutator, UpdateOptions } from '../../store/store.js';
import type { AppContext } from '../app-context.js';
import type { EndpointReply, EndpointRequest } from '../endpoint.js';

export const ACTION = 'cluster:admin/xpack/connector/';

/** The path id, which must not be empty (`/_connector//_name`). */
export function connectorId(req: EndpointRequest, message = '[connector_id] cannot be [null] or [""].'): string {
  const id = req.params.connector_id ?? '';
  if (id === '') throw errors.validation([message]);
  return id;
}

export function connectorNotFound(id: string) {
  return errors.notFound(`connector [${id}] not found`);
}

/**
 * Runs one atomic partial update. `preGet` handlers treat soft-deleted connectors as missing;
 * direct-update handlers work on them too, as in Elasticsearch.
 */
export async function updateConnector(
  app: AppContext,
  id: string,
  mutate: Mutator<ConnectorDoc>,
  opts: UpdateOptions & { preGet?: boolean } = {},
): Promise<EndpointReply> {
  const out = await app.store.connectors.update(id, mutate, { ...opts, skipDeleted: opts.preGet });
  if (!out) throw connectorNotFound(id);
  return { body: { result: out.result } };
}

/**
 * What a sync does to its connector's index: index documents and delete the ones gone from the
 * source. The worker writes with its own credential, so whoever aims a connector at an index
 * that already holds content must hold both there (`write` or `all`, or `index` + `delete`);
 * see docs/compatibility.md.
 */
const SYNC_WRITES = ['indices:data/write/index', 'indices:data/write/delete'];

/**
 * With security on, refuses (403, Elasticsearch's text for the first missing index action) an
 * `index_name` the caller could not write itself, when that index already exists in the
 * embedded content index or is a dot (system or hidden) name. A name that does not exist yet
 * is the connector's own new index, which Elasticsearch lets `manage_connector` choose freely
 * (its YAML suite creates connectors for `search-test` with no index privilege), so it is
 * allowed. Every place that sets `index_name` calls this.
 */
export function assertMaySyncInto(req: EndpointRequest, app: AppContext, index: unknown): void {
  if (!req.access || typeof index !== 'string' || index === '') return;
  const content = app.contentIndex;
  if (!index.startsWith('.') && !content?.exists(index)) return;
  for (const action of SYNC_WRITES) {
    const reason = req.access(action, index);
    if (reason) throw errors.forbidden(reason);
  }
}
