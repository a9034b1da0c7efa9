/** `POST /_connector` — create with a generated id (§6.1). */
import type { Endpoint } from '../endpoint.js';
import { createConnector } from './put.js';
import { ACTION } from './shared.js';

export const postConnector: Endpoint = {
  name: 'connector.post',
  method: 'POST',
  paths: ['/_connector'],
  action: ACTION + 'post',
  handler: (req, app) => createConnector({ ...req, params: {} }, app),
};
