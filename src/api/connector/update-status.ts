/** `PUT /_connector/{id}/_status` — checked against the state machine (§6.16, §5.1). */
import { parseStatus } from '../../domain/connector/requests.js';
import { assertConnectorTransition } from '../../domain/connector/status-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateStatus: Endpoint = {
  name: 'connector.update_status',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_status'],
  action: ACTION + 'update_status',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const status = parseStatus(req.body);
    return updateConnector(app, id, (doc) => {
      assertConnectorTransition(doc.status, status);
      return { ...doc, status };
    }, { preGet: true });
  },
};
