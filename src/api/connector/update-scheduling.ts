/** `PUT /_connector/{id}/_scheduling` — given schedule types deep-merged (§6.10). */
import { parseScheduling } from '../../domain/connector/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateScheduling: Endpoint = {
  name: 'connector.update_scheduling',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_scheduling'],
  action: ACTION + 'update_scheduling',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const scheduling = parseScheduling(req.body);
    return updateConnector(app, id, (doc) => deepMerge(doc, { scheduling }));
  },
};
