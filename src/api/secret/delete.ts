/** `DELETE /_connector/_secret/{id}` — `{deleted: true}`, 404 when missing (§8). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, secretId, secretNotFound } from './shared.js';

export const deleteSecret: Endpoint = {
  name: 'connector.secret_delete',
  method: 'DELETE',
  paths: ['/_connector/_secret/:id'],
  action: ACTION + 'delete',
  body: 'none',
  async handler(req, app) {
    const id = secretId(req);
    if (!(await app.store.secrets.delete(id))) throw secretNotFound(id);
    return { body: { deleted: true } };
  },
};
