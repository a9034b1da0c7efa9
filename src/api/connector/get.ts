/** `GET /_connector/{connector_id}` (§6.2). */
import type { Endpoint } from '../endpoint.js';
import { presentForCaller } from '../sensitive.js';
import { ACTION, connectorId, connectorNotFound } from './shared.js';

export const getConnector: Endpoint = {
  name: 'connector.get',
  method: 'GET',
  paths: ['/_connector/:connector_id'],
  params: { include_deleted: 'boolean' },
  action: ACTION + 'get',
  async handler(req, app) {
    const id = connectorId(req, 'connector_id missing');
    const json = await app.store.connectors.getJson(id, req.query.include_deleted === true);
    if (json === null) throw connectorNotFound(id);
    return { body: presentForCaller(app, req, 'connector', json), raw: true };
  },
};
