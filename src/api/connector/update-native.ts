/** `PUT /_connector/{id}/_native` (§6.8). */
import { errors } from '../../domain/errors.js';
import { MANAGED_INDEX_PREFIX } from '../../domain/connector/enums.js';
import { parseNative } from '../../domain/connector/requests.js';
import { statusAfterNativeChange } from '../../domain/connector/status-machine.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, updateConnector } from './shared.js';

export const updateNative: Endpoint = {
  name: 'connector.update_native',
  method: 'PUT',
  paths: ['/_connector/:connector_id/_native'],
  action: ACTION + 'update_native',
  body: 'required',
  async handler(req, app) {
    const id = connectorId(req);
    const isNative = parseNative(req.body);
    return updateConnector(app, id, (doc) => {
      const index = doc.index_name;
      if (isNative && index != null && !index.startsWith(MANAGED_INDEX_PREFIX)) {
        throw errors.status(
          `The index name [${index}] attached to the connector [${id}] must start with the required prefix: [${MANAGED_INDEX_PREFIX}] to be Elastic-managed. Please update the attached index first to comply with this requirement.`,
        );
      }
      return { ...doc, is_native: isNative, status: statusAfterNativeChange(doc.status) };
    }, { preGet: true });
  },
};
