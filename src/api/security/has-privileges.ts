/**
 * `GET|POST /_security/user/_has_privileges` — which of the asked privileges the caller holds,
 * in Elasticsearch's shape: `{cluster: [...], index: [{names, privileges}], application: [...]}`
 * → `{username, has_all_requested, cluster: {name: bool}, index: {index: {privilege: bool}},
 * application: {}}`. Every authenticated caller may ask about itself (authorize.ts). With
 * security off the caller is the anonymous superuser and holds everything. Application
 * privileges are accepted and answered empty (Tributary has none).
 */
import { errors } from '../../domain/errors.js';
import { arrayOf, nested, parseStrict, str, type FieldParser } from '../../domain/shared/parse.js';
import type { Endpoint } from '../endpoint.js';
import { securityAdmin } from '../../security/admin-port.js';
import { HAS_PRIVILEGES } from '../../security/authorize.js';
import { checkPrivileges, type HasPrivilegesRequest } from '../../security/has-privileges.js';

const stringOrList: FieldParser = (v, f, p) => (typeof v === 'string' ? [v] : arrayOf(str)(v, f, p));
const list = (of: FieldParser): FieldParser => (v, f, p) => arrayOf(of)(v, f, p);

export function parseHasPrivileges(body: unknown): HasPrivilegesRequest {
  const r = parseStrict('has_privileges_request', body ?? {}, {
    cluster: { parse: list(str) },
    index: {
      parse: list(
        nested('indices_privileges', {
          names: { parse: stringOrList, required: true },
          privileges: { parse: stringOrList, required: true },
          allow_restricted_indices: { parse: (v) => v },
        }),
      ),
    },
    application: { parse: (v) => v },
  });
  const index = ((r.index ?? []) as { names: string[]; privileges: string[] }[]).map((g) => ({ names: g.names, privileges: g.privileges }));
  const cluster = (r.cluster ?? []) as string[];
  if (cluster.length === 0 && index.length === 0 && r.application === undefined) {
    throw errors.validation(['must specify at least one privilege']);
  }
  return { cluster, index };
}

export const hasPrivileges: Endpoint = {
  name: 'security.has_privileges',
  method: 'POST',
  paths: ['/_security/user/_has_privileges'],
  action: HAS_PRIVILEGES,
  body: 'required',
  handler(req, app) {
    const request = parseHasPrivileges(req.body);
    const s = securityAdmin(app);
    const principal = s?.principalOf(req);
    if (!s) return { body: checkPrivileges(null, '_anonymous', request) };
    if (!principal) throw errors.internal('request was not authorized');
    return { body: s.hasPrivileges(principal, request) };
  },
};

/** Elasticsearch takes the same body on GET; without one the answer is the 400 "must specify…". */
export const hasPrivilegesGet: Endpoint = { ...hasPrivileges, method: 'GET', body: 'optional' };
