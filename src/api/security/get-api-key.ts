/**
 * `GET /_security/api_key` — API key information, never the key (issue 4): filters `id`,
 * `name` (wildcards), `username`, `realm_name`, `owner`, `active_only`; `with_limited_by`
 * adds the owner's role descriptors. Without `manage_api_key` only the caller's own keys.
 */
import type { Endpoint } from '../endpoint.js';
import { API_KEY_ACTION } from './create-api-key.js';
import { apiKeyAdmin } from '../../security/admin-port.js';

export const getApiKey: Endpoint = {
  name: 'security.get_api_key',
  method: 'GET',
  paths: ['/_security/api_key'],
  params: {
    id: 'string', name: 'string', username: 'string', realm_name: 'string',
    owner: 'boolean', with_limited_by: 'boolean', active_only: 'boolean', with_profile_uid: 'boolean',
  },
  action: API_KEY_ACTION + 'get',
  body: 'none',
  async handler(req, app) {
    const { admin, principal } = apiKeyAdmin(app, req);
    const q = req.query;
    return {
      body: await admin.get(principal, {
        id: q.id as string | undefined,
        name: q.name as string | undefined,
        username: q.username as string | undefined,
        realm_name: q.realm_name as string | undefined,
        owner: q.owner === true,
        active_only: q.active_only === true,
        with_limited_by: q.with_limited_by === true,
      }),
    };
  },
};
