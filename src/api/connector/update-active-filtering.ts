/** `PUT /_connector/{id}/_filtering/_activate` — a valid draft becomes active (§6.14). */
import { errors } from '../../domain/errors.js';
import { firstFiltering } from '../../domain/connector/filtering.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateActiveFiltering: Endpoint = {
  name: 'connector.update_active_filtering',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_filtering/_activate'],
  action: ACTION + 'update_filtering',
  body: 'none',
  async handler(req, app) {
    const id = connectorId(req);
    const now = app.clock.now();
    return updateConnector(app, id, (doc) => {
      const f = firstFiltering(doc, now);
      const state = f.draft?.validation?.state;
      if (state !== 'valid') {
        throw errors.status(
          `Filtering draft needs to be validated by the connector service before activation. Current filtering draft validation state [${state}] is not equal to [valid].`,
        );
      }
      return { ...doc, filtering: [{ ...f, active: structuredClone(f.draft) }] };
    }, { preGet: true });
  },
};
