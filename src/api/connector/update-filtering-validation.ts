/** `PUT /_connector/{id}/_filtering/_validation` — the draft's validation only (§6.13). */
import { firstFiltering } from '../../domain/connector/filtering.js';
import { parseFilteringValidation } from '../../domain/connector/requests.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateFilteringValidation: Endpoint = {
  name: 'connector.update_filtering_validation',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_filtering/_validation'],
  action: ACTION + 'update_filtering_validation',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const now = app.clock.now();
    const validation = parseFilteringValidation(req.body, now);
    return updateConnector(app, id, (doc) => {
      const f = firstFiltering(doc, now);
      return { ...doc, filtering: [{ ...f, draft: { ...f.draft, validation } }] };
    }, { preGet: true });
  },
};
