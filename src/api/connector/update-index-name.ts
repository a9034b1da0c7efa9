/** `PUT /_connector/{id}/_index_name` — uniqueness enforced by the store (§6.7, §10.3). */
import { errors } from '../../domain/errors.js';
import { MANAGED_INDEX_PREFIX } from '../../domain/connector/enums.js';
import { parseIndexName } from '../../domain/connector/requests.js';
import { indexNameInUse } from '../../store/store.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, assertMaySyncInto, connectorId, updateConnector } from './shared.js';

export const updateIndexName: Endpoint = {
  name: 'connector.update_index_name',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_index_name'],
  action: ACTION + 'update_index_name',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const indexName = parseIndexName(req.body);
    assertMaySyncInto(req, app, indexName);
    // Elasticsearch searches for the name before it reads the connector, so a clash wins over
    // a missing connector (404) and over the managed-prefix rule. The store's unique index
    // still decides atomically at write time.
    if (indexName !== null) {
      const holders = await app.store.connectors.list({ from: 0, size: 2, indexNames: [indexName] });
      if (holders.results.some((json) => (JSON.parse(json) as { id: string }).id !== id)) throw errors.status(indexNameInUse(indexName));
    }
    return updateConnector(app, id, (doc) => {
      if (doc.is_native && indexName !== null && !indexName.startsWith(MANAGED_INDEX_PREFIX)) {
        throw errors.status(
          `Index attached to an Elastic-managed connector must start with the prefix: [${MANAGED_INDEX_PREFIX}]. The index name in the payload [${indexName}] doesn't comply with this requirement.`,
        );
      }
      return { ...doc, index_name: indexName };
    }, { preGet: true });
  },
};
