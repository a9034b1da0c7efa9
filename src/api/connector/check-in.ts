/** `PUT /_connector/{id}/_check_in` — `last_seen = now`, always `updated` (§6.18). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const checkIn: Endpoint = {
  name: 'connector.check_in',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_check_in'],
  action: ACTION + 'check_in',
  body: 'none',
  async handler(req, app) {
    const id = connectorId(req);
    const now = app.clock.now();
    return updateConnector(app, id, (doc) => ({ ...doc, last_seen: now }), { alwaysUpdated: true });
  },
};
