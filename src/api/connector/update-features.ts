/** `PUT /_connector/{id}/_features` — deep-merged (§6.19). */
import { parseFeatures } from '../../domain/connector/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateFeatures: Endpoint = {
  name: 'connector.update_features',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_features'],
  action: ACTION + 'update_features',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const features = parseFeatures(req.body);
    return updateConnector(app, id, (doc) => deepMerge(doc, { features }));
  },
};
