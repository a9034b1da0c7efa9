/** `GET /_connector/_secret/{id}` — `{id, value}` with the value decrypted (§8). */
import { ApiError } from '../../domain/errors.js';
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
    let value: string;
    try {
      value = app.secretCodec.decrypt(stored);
    } catch (err) {
      // A key missing from this server's keyring is the operator's to fix: say which, not "internal error".
      throw new ApiError('internal', `Connector secret [${id}] cannot be read: ${(err as Error).message}`);
    }
    return { body: { id, value } };
  },
};
