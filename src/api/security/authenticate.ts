/** `GET /_security/_authenticate` — who the caller is, in Elasticsearch's shape (issue 4). */
import type { Endpoint } from '../endpoint.js';
import { securityAdmin } from '../../security/admin-port.js';

/** With security off every request runs as this anonymous superuser. */
const ANONYMOUS = {
  username: '_anonymous',
  roles: ['superuser'],
  full_name: null,
  email: null,
  metadata: {},
  enabled: true,
  authentication_realm: { name: '__anonymous', type: 'anonymous' },
  lookup_realm: { name: '__anonymous', type: 'anonymous' },
  authentication_type: 'anonymous',
};

export const authenticate: Endpoint = {
  name: 'security.authenticate',
  method: 'GET',
  paths: ['/_security/_authenticate'],
  action: 'cluster:admin/xpack/security/user/authenticate',
  body: 'none',
  handler(req, app) {
    const s = securityAdmin(app);
    const principal = s?.principalOf(req);
    return { body: s && principal ? s.describe(principal) : ANONYMOUS };
  },
};
