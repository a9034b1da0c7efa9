/** `PUT /_connector/{id}/_name` — name and/or description, no pre-GET (§6.5). */
import { parseName } from '../../domain/connector/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateName: Endpoint = {
  name: 'connector.update_name',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_name'],
  action: ACTION + 'update_name',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const r = parseName(req.body);
    const patch: Record<string, unknown> = {};
    if (r.name != null) patch.name = r.name;
    if (r.description != null) patch.description = r.description;
    return updateConnector(app, id, (doc) => deepMerge(doc, patch));
  },
};
