/** `PUT /_connector/{id}/_api_key_id` — non-null values only (§6.20). */
import { parseApiKeyId } from '../../domain/connector/requests.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateApiKeyId: Endpoint = {
  name: 'connector.update_api_key_id',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_api_key_id'],
  action: ACTION + 'update_api_key_id',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const patch = parseApiKeyId(req.body);
    return updateConnector(app, id, (doc) => ({ ...doc, ...patch }));
  },
};
