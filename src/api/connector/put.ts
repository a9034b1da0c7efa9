/** `PUT /_connector/{connector_id}` and `PUT /_connector` — create or overwrite (§6.1). */
import { errors } from '../../domain/errors.js';
import { newConnectorDoc } from '../../domain/connector/defaults.js';
import { parseCreate } from '../../domain/connector/requests.js';
import type { AppContext } from '../app-context.js';
import type { Endpoint, EndpointRequest } from '../endpoint.js';
import { ACTION, assertMaySyncInto } from './shared.js';

export async function createConnector(req: EndpointRequest, app: AppContext) {
  const fields = parseCreate(req.body);
  assertMaySyncInto(req, app, fields.index_name);
  const id = req.params.connector_id || app.newId();
  // Elasticsearch's document id limit (IndexRequest validation, connector-api.md §2, §10.4).
  const bytes = Buffer.byteLength(id, 'utf8');
  if (bytes > 512) throw errors.validation([`id [${id}] is too long, must be no longer than 512 bytes but was: ${bytes}`]);
  const result = await app.store.connectors.put(id, newConnectorDoc(fields, app.clock.now()));
  return { status: result === 'created' ? 201 : 200, body: { id, result } };
}

export const putConnector: Endpoint = {
  name: 'connector.put',
  method: 'PUT',
  paths: ['/_connector/:connector_id', '/_connector'],
  action: ACTION + 'put',
  handler: createConnector,
};
