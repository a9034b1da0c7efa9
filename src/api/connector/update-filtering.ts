/** `PUT /_connector/{id}/_filtering` — full replace or draft update (§6.12). */
import { firstFiltering, normaliseDraftRules } from '../../domain/connector/filtering.js';
import { parseFiltering } from '../../domain/connector/requests.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateFiltering: Endpoint = {
  name: 'connector.update_filtering',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_filtering'],
  action: ACTION + 'update_filtering',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const now = app.clock.now();
    const r = parseFiltering(req.body, now);
    if (r.kind === 'full') return updateConnector(app, id, (doc) => ({ ...doc, filtering: r.filtering }));
    return updateConnector(app, id, (doc) => {
      const f = firstFiltering(doc, now);
      const draft = {
        advanced_snippet: r.advanced_snippet ?? f.draft.advanced_snippet,
        rules: r.rules ? normaliseDraftRules(r.rules, now) : f.draft.rules,
        validation: { errors: [], state: 'edited' as const },
      };
      return { ...doc, filtering: [{ ...f, draft }] };
    }, { preGet: true });
  },
};
