/** `PUT /_connector/{id}/_pipeline` (§6.9). */
import { parsePipeline } from '../../domain/connector/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updatePipeline: Endpoint = {
  name: 'connector.update_pipeline',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_pipeline'],
  action: ACTION + 'update_pipeline',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const pipeline = parsePipeline(req.body);
    return updateConnector(app, id, (doc) => deepMerge(doc, { pipeline }));
  },
};
