/** `POST /_connector/_secret` — store a secret under a generated id (§8); encrypted at rest. */
import { errors } from '../../domain/errors.js';
import { parseStrict, str } from '../../domain/shared/parse.js';
import type { Endpoint } from '../endpoint.js';
import { ACTION } from './shared.js';

export const postSecret: Endpoint = {
  name: 'connector.secret_post',
  method: 'POST',
  paths: ['/_connector/_secret'],
  action: ACTION + 'post',
  body: 'required',
  async handler(req, app) {
    const r = parseStrict('post_secret_request', req.body, { value: { parse: str } });
    const value = r.value as string | undefined;
    if (!value) throw errors.validation(['[value] of the connector secret cannot be [null] or [""]']);
    const id = app.newId();
    await app.store.secrets.put(id, app.secretCodec.encrypt(value));
    return { body: { id } };
  },
};
