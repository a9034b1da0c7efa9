/** `PUT /_connector/{id}/_last_sync` — non-null fields only, cursor deep-merged (§6.17). */
import { parseLastSync } from '../../domain/connector/requests.js';
import { deepMerge } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const lastSync: Endpoint = {
  name: 'connector.last_sync',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_last_sync'],
  action: ACTION + 'update_last_sync_stats',
  async handler(req, app) {
    const id = connectorId(req);
    const patch = parseLastSync(req.body);
    return updateConnector(app, id, (doc) => deepMerge(doc, patch));
  },
};
