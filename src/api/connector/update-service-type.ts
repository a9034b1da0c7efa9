/** `PUT /_connector/{id}/_service_type` (§6.6). */
import { parseServiceType } from '../../domain/connector/requests.js';
import { statusAfterServiceTypeChange } from '../../domain/connector/status-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateServiceType: Endpoint = {
  name: 'connector.update_service_type',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_service_type'],
  action: ACTION + 'update_service_type',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const serviceType = parseServiceType(req.body);
    return updateConnector(app, id, (doc) => ({ ...doc, service_type: serviceType, status: statusAfterServiceTypeChange(doc.status) }), { preGet: true });
  },
};
