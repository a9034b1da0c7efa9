/** Helpers shared by the connector endpoints (connector-api.md §6, §9.2). */
import { errors } from '../../domain/errors.js';
import type { ConnectorDoc } from '../../domain/connector/defaults.js';
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
  mutate: (doc: ConnectorDoc) => ConnectorDoc,
  opts: UpdateOptions & { preGet?: boolean } = {},
): Promise<EndpointReply> {
  const out = await app.store.connectors.update(id, mutate as unknown as Mutator, { ...opts, skipDeleted: opts.preGet });
  if (!out) throw connectorNotFound(id);
  return { body: { result: out.result } };
}

/**
 * What a sync does to its connector's index: index documents and delete the ones gone from the
 * source. The worker writes with its own credential, so whoever sets `index_name` must hold
 * both on that index (`write` or `all`, or `index` + `delete`); see docs/compatibility.md.
 */
const SYNC_WRITES = ['indices:data/write/index', 'indices:data/write/delete'];

/**
 * With security on, refuses (403, Elasticsearch's text for the first missing index action) an
 * `index_name` the caller could not write itself. Every place that sets `index_name` calls it.
 */
export function assertMaySyncInto(req: EndpointRequest, index: unknown): void {
  if (!req.access || typeof index !== 'string' || index === '') return;
  for (const action of SYNC_WRITES) {
    const reason = req.access(action, index);
    if (reason) throw errors.forbidden(reason);
  }
}

/** Requires a body for endpoints whose body has required fields. */
export function requireBody(req: EndpointRequest): unknown {
  if (req.body === undefined) throw errors.badBody('request body is required');
  return req.body;
}

/**
 * Endpoints that take no body answer 400 when one is sent, as Elasticsearch's BaseRestHandler
 * does for content a handler does not consume.
 */
export function rejectBody(req: EndpointRequest, method: string): void {
  if (req.body !== undefined) throw errors.illegalArgument(`request [${method} ${req.path}] does not support having a body`);
}
