/** `GET /_connector/_secret/{id}` — `{id, value}` with the value decrypted (§8). */
import type { Endpoint } from '../endpoint.js';
import { ACTION, secretId, secretNotFound } from './shared.js';

export const getSecret: Endpoint = {
  name: 'connector.secret_get',
  method: 'GET',
  paths: ['/_connector/_secret/:id'],
  action: ACTION + 'get',
  body: 'none',
  async handler(req, app) {
    const id = secretId(req);
    const stored = await app.store.secrets.get(id);
    if (stored === null) throw secretNotFound(id);
    return { body: { id, value: app.secretCodec.decrypt(stored) } };
  },
};
