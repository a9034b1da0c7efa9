/** `PUT /_connector/{id}/_configuration` — schema registration or `values` (§6.11). */
import { errors } from '../../domain/errors.js';
import { parseConfiguration } from '../../domain/connector/requests.js';
import { deepMerge, setOwn } from '../../domain/shared/json.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateConfiguration: Endpoint = {
  name: 'connector.update_configuration',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_configuration'],
  action: ACTION + 'update_configuration',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const r = parseConfiguration(req.body);
    if (r.kind === 'schema') {
      return updateConnector(app, id, (doc) => ({ ...doc, configuration: r.configuration, status: 'configured' }), { preGet: true, alwaysUpdated: true });
    }
    return updateConnector(app, id, (doc) => {
      const current = doc.configuration ?? {};
      // Own keys only: `toString` or `__proto__` are not registered fields.
      const unknown = Object.keys(r.values).filter((k) => !Object.hasOwn(current, k));
      if (unknown.length) {
        throw errors.status(
          `Unknown [configuration] fields in the request payload: [${unknown.join(', ')}]. Remove them from request or register their schema first.`,
        );
      }
      const configuration = { ...current };
      // Elasticsearch writes the partial doc {configuration: {k: {value: v}}}: an object value
      // merges into an object value key by key (connector-api.md §1.5), anything else replaces it.
      for (const [k, v] of Object.entries(r.values)) setOwn(configuration, k, deepMerge(current[k], { value: v }));
      return { ...doc, configuration, status: 'configured' };
    }, { preGet: true });
  },
};
