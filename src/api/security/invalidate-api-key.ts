/**
 * `DELETE /_security/api_key` — invalidate keys by `ids`, `name`, `username`, `realm_name` or
 * `owner` (issue 4). Answers `{invalidated_api_keys, previously_invalidated_api_keys,
 * error_count}`; an invalidated key is refused from then on (401).
 */
import { arrayOf, bool, parseStrict, str } from '../../domain/shared/parse.js';
import type { Endpoint } from '../endpoint.js';
import { API_KEY_ACTION } from './create-api-key.js';
import { apiKeyAdmin } from '../../security/admin-port.js';

export const invalidateApiKey: Endpoint = {
  name: 'security.invalidate_api_key',
  method: 'DELETE',
  paths: ['/_security/api_key'],
  action: API_KEY_ACTION + 'invalidate',
  body: 'required',
  async handler(req, app) {
    const r = parseStrict('invalidate_api_key_request', req.body, {
      ids: { parse: arrayOf(str) },
      id: { parse: str },
      name: { parse: str },
      username: { parse: str },
      realm_name: { parse: str },
      owner: { parse: bool },
    });
    const { admin, principal } = apiKeyAdmin(app, req);
    const ids = [...((r.ids as string[] | undefined) ?? []), ...(r.id !== undefined ? [r.id as string] : [])];
    return {
      body: await admin.invalidate(principal, {
        ids: ids.length ? ids : undefined,
        name: r.name as string | undefined,
        username: r.username as string | undefined,
        realm_name: r.realm_name as string | undefined,
        owner: r.owner === true,
      }),
    };
  },
};
