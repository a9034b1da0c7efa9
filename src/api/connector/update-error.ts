/** `PUT /_connector/{id}/_error` — sets error and status, no state-machine check (§6.15). */
import { parseError } from '../../domain/connector/requests.js';
import { statusAfterError } from '../../domain/connector/status-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateError: Endpoint = {
  name: 'connector.update_error',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_error'],
  action: ACTION + 'update_error',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const error = parseError(req.body);
    return updateConnector(app, id, (doc) => ({ ...doc, error, status: statusAfterError(error) }));
  },
};
