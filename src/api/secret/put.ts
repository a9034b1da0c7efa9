/** `PUT /_connector/_secret/{id}` — create or replace a secret (§8): 201 created, 200 updated. */
import { errors } from '../../domain/errors.js';
import { parseStrict, str } from '../../domain/shared/parse.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION, secretId } from './shared.js';

export const putSecret: Endpoint = {
  name: 'connector.secret_put',
  method: 'PUT',
  paths: ['/_connector/_secret/:id'],
  action: ACTION + 'put',
  body: 'required',
  async handler(req, app) {
    const id = secretId(req);
    const r = parseStrict('connector_secret_put_request', req.body, { value: { parse: str, required: true } });
    if (!r.value) throw errors.validation(['[value] cannot be [null] or [""]']);
    const result = await app.store.secrets.put(id, app.secretCodec.encrypt(r.value as string));
    return { status: result === 'created' ? 201 : 200, body: { result } };
  },
};
