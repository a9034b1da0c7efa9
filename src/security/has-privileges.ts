/**
 * `_security/user/_has_privileges` (Elasticsearch's request and answer): which of the asked
 * cluster and index privileges the caller holds. A named privilege or an action pattern is held
 * when the caller's roles (and an API key's own descriptors) cover every action it grants
 * (privileges.ts `privilegesCover`); a single cluster action is decided exactly as a request for
 * it would be (authorize.ts), so a Connector API action granted through the connector index
 * privileges counts, which is what a client asking "may I update this connector" needs.
 */
import { errors } from '../domain/errors.js';
import { authorizeAction, type Subject } from './authorize.js';
import { clusterPrivilegeNames, indexPrivilegeNames, resolveCluster, resolveIndex } from './privileges.js';

export interface HasPrivilegesRequest {
  cluster: string[];
  index: { names: string[]; privileges: string[] }[];
}

export interface HasPrivilegesAnswer {
  username: string;
  has_all_requested: boolean;
  cluster: Record<string, boolean>;
  index: Record<string, Record<string, boolean>>;
  application: Record<string, never>;
}

/** At most this many (index, privilege) and cluster checks in one request. */
export const MAX_CHECKS = 1000;

function literalAction(name: string): boolean {
  return name.includes(':') && !/[*?]/.test(name);
}

/** `s` null: security is off, the caller (`username`) is the anonymous superuser and holds everything. */
export function checkPrivileges(s: Subject | null, username: string, r: HasPrivilegesRequest): HasPrivilegesAnswer {
  const checks = r.cluster.length + r.index.reduce((n, g) => n + g.names.length * g.privileges.length, 0);
  if (checks > MAX_CHECKS) throw errors.illegalArgument(`too many privileges to check: ${checks}, at most ${MAX_CHECKS}`);
  const cluster: Record<string, boolean> = {};
  for (const name of r.cluster) {
    const p = resolveCluster(name);
    if (!p) {
      throw errors.illegalArgument(
        `unknown cluster privilege [${name}]. a privilege must be either one of the predefined cluster privilege names [${clusterPrivilegeNames.join(',')}] or a pattern over one of the available cluster actions`,
      );
    }
    cluster[name] = !s ? true : literalAction(name)
      ? authorizeAction(s, { action: name.toLowerCase(), indices: [] }) === null
      : s.permission.clusterCovers(p) && (s.apiKey?.permission?.clusterCovers(p) ?? true);
  }
  const index: Record<string, Record<string, boolean>> = {};
  for (const g of r.index) {
    for (const name of g.privileges) {
      const p = resolveIndex(name);
      if (!p) {
        throw errors.illegalArgument(
          `unknown index privilege [${name}]. a privilege must be either one of the predefined fixed indices privileges [${indexPrivilegeNames.join(',')}] or a pattern over one of the available index actions`,
        );
      }
      for (const idx of g.names) {
        const held = !s || s.permission.indexCovers(p, idx) && (s.apiKey?.permission?.indexCovers(p, idx) ?? true);
        (index[idx] ??= {})[name] = held;
      }
    }
  }
  const all = Object.values(cluster).every(Boolean) && Object.values(index).every((m) => Object.values(m).every(Boolean));
  return { username: s?.username ?? username, has_all_requested: all, cluster, index, application: {} };
}
