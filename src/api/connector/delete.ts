/** `DELETE /_connector/{connector_id}` — soft by default, `hard=true` removes it (§6.4). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, connectorId, connectorNotFound, updateConnector } from './shared.js';

export const deleteConnector: Endpoint = {
  name: 'connector.delete',
  method: 'DELETE',
  paths: ['/_connector/:connector_id'],
  params: { hard: 'boolean', delete_sync_jobs: 'boolean' },
  action: ACTION + 'delete',
  body: 'none',
  async handler(req, app) {
    const id = connectorId(req, 'connector_id missing');
    if (req.query.hard === true) {
      if (!(await app.store.connectors.delete(id))) throw connectorNotFound(id);
    } else {
      await updateConnector(app, id, (doc) => ({ ...doc, deleted: true }), { preGet: true });
    }
    if (req.query.delete_sync_jobs === true) await app.store.syncJobs.deleteByConnector(id);
    return { body: { acknowledged: true } };
  },
};
