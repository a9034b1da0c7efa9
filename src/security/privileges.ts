/**
 * Elasticsearch's named privileges, as action-name patterns (issue 4). Cluster privileges
 * follow `ClusterPrivilegeResolver`, index privileges `IndexPrivilege`, restricted to the
 * names that matter for the Connector API, API keys and the embedded content index. Each
 * privilege grants the actions matching one of its patterns and none of its exclusions.
 * The tables are ordered least to most privileged, the order in which Elasticsearch lists
 * "this action is granted by the … privileges [...]".
 */
import { WildcardCache, type WildcardMatcher } from '../domain/shared/wildcard.js';

export interface NamedPrivilege {
  name: string;
  include: string[];
  exclude?: string[];
}

const CONNECTOR_SECRETS = [
  'cluster:admin/xpack/connector/secret/get',
  'cluster:admin/xpack/connector/secret/post',
  'cluster:admin/xpack/connector/secret/put',
  'cluster:admin/xpack/connector/secret/delete',
];
const ALL_CLUSTER = ['cluster:*', 'indices:admin/template/*', 'indices:admin/index_template/*'];
const SECURITY = ['cluster:admin/xpack/security/*'];

export const clusterPrivileges: NamedPrivilege[] = [
  { name: 'none', include: [] },
  {
    name: 'monitor_connector',
    include: [
      'cluster:admin/xpack/connector/get',
      'cluster:admin/xpack/connector/list',
      'cluster:admin/xpack/connector/sync_job/get',
      'cluster:admin/xpack/connector/sync_job/list',
    ],
  },
  { name: 'read_connector_secrets', include: ['cluster:admin/xpack/connector/secret/get'] },
  { name: 'write_connector_secrets', include: CONNECTOR_SECRETS.filter((a) => !a.endsWith('/get')) },
  // Own keys only: `authorize.ts` narrows it to requests about the caller's own keys.
  { name: 'manage_own_api_key', include: ['cluster:admin/xpack/security/api_key/*'] },
  {
    name: 'read_security',
    include: ['cluster:admin/xpack/security/api_key/get', 'cluster:admin/xpack/security/user/get', 'cluster:admin/xpack/security/role/get'],
  },
  { name: 'monitor', include: ['cluster:monitor/*', 'indices:admin/template/get', 'indices:admin/index_template/get'] },
  { name: 'manage_api_key', include: ['cluster:admin/xpack/security/api_key/*'] },
  { name: 'read_pipeline', include: ['cluster:admin/ingest/pipeline/get', 'cluster:admin/ingest/pipeline/simulate'] },
  { name: 'manage_ingest_pipelines', include: ['cluster:admin/ingest/pipeline/*'] },
  { name: 'manage_pipeline', include: ['cluster:admin/ingest/pipeline/*'] },
  { name: 'manage_connector', include: ['cluster:admin/xpack/connector/*'], exclude: CONNECTOR_SECRETS },
  { name: 'manage_security', include: SECURITY },
  { name: 'manage', include: ALL_CLUSTER, exclude: SECURITY },
  { name: 'all', include: ALL_CLUSTER },
];

export const indexPrivileges: NamedPrivilege[] = [
  { name: 'none', include: [] },
  { name: 'auto_configure', include: ['indices:admin/mapping/auto_put', 'indices:admin/auto_create'] },
  { name: 'create_doc', include: ['indices:data/write/index', 'indices:data/write/index[*', 'indices:data/write/index:op_type/create', 'indices:data/write/bulk*'] },
  { name: 'create', include: ['indices:data/write/index*', 'indices:data/write/bulk*'] },
  { name: 'create_index', include: ['indices:admin/create', 'indices:admin/auto_create', 'indices:admin/data_stream/create'] },
  { name: 'delete', include: ['indices:data/write/delete*', 'indices:data/write/bulk*'] },
  { name: 'delete_index', include: ['indices:admin/delete', 'indices:admin/data_stream/delete'] },
  { name: 'index', include: ['indices:data/write/index*', 'indices:data/write/bulk*', 'indices:data/write/update*'] },
  { name: 'maintenance', include: ['indices:admin/refresh*', 'indices:admin/flush*', 'indices:admin/forcemerge*'] },
  { name: 'monitor', include: ['indices:monitor/*'] },
  { name: 'read', include: ['indices:data/read/*', 'indices:admin/resolve/index'] },
  {
    name: 'view_index_metadata',
    include: [
      'indices:admin/aliases/get', 'indices:admin/get', 'indices:admin/mappings/fields/get*', 'indices:admin/mappings/get',
      'indices:admin/validate/query*', 'indices:monitor/settings/get', 'indices:admin/resolve/index', 'indices:data/read/field_caps*',
    ],
  },
  { name: 'write', include: ['indices:data/write/*', 'indices:admin/mapping/auto_put'] },
  { name: 'manage', include: ['indices:monitor/*', 'indices:admin/*', 'indices:data/read/field_caps*'] },
  { name: 'all', include: ['indices:*'] },
];

/**
 * Elasticsearch wildcard pattern (`*` any run, `?` one character) as a linear-time matcher:
 * role index patterns and action patterns come from users (role descriptors of API keys).
 */
export function indexPattern(pattern: string): WildcardMatcher {
  return patterns.get(pattern);
}

/** Compiled patterns shared by roles and keys (most name the same few); least recently used dropped first. */
const patterns = new WildcardCache({ questionMark: true }, 4096);

/** Compiled include / exclude patterns, kept as long as the privilege object lives. */
const compiled = new WeakMap<NamedPrivilege, { include: WildcardMatcher[]; exclude: WildcardMatcher[] }>();

export function grants(p: NamedPrivilege, action: string): boolean {
  let c = compiled.get(p);
  if (!c) compiled.set(p, (c = { include: p.include.map(indexPattern), exclude: (p.exclude ?? []).map(indexPattern) }));
  return c.include.some((m) => m(action)) && !c.exclude.some((m) => m(action));
}

const clusterByName = new Map(clusterPrivileges.map((p) => [p.name, p]));
const indexByName = new Map(indexPrivileges.map((p) => [p.name, p]));

/** A role's privilege name, or an action pattern (`cluster:admin/xpack/connector/*`) as ES allows. */
export function resolveCluster(name: string): NamedPrivilege | null {
  const n = name.toLowerCase();
  if (isClusterAction(n)) return { name: n, include: [n.endsWith('*') ? n : n + '*'] };
  return clusterByName.get(n) ?? null;
}

export function resolveIndex(name: string): NamedPrivilege | null {
  const n = name.toLowerCase();
  if (n.startsWith('indices:')) return { name: n, include: [n.endsWith('*') ? n : n + '*'] };
  return indexByName.get(n) ?? null;
}

const CLUSTER_ACTION = ALL_CLUSTER.map(indexPattern);

export function isClusterAction(action: string): boolean {
  return CLUSTER_ACTION.some((m) => m(action));
}

export function isIndexAction(action: string): boolean {
  return action.startsWith('indices:') && !isClusterAction(action);
}

/** Names of the cluster privileges granting `action`, least privileged first. */
export function clusterPrivilegesGranting(action: string): string[] {
  return clusterPrivileges.filter((p) => grants(p, action)).map((p) => p.name);
}

export function indexPrivilegesGranting(action: string): string[] {
  return indexPrivileges.filter((p) => grants(p, action)).map((p) => p.name);
}

export const clusterPrivilegeNames = clusterPrivileges.map((p) => p.name);
export const indexPrivilegeNames = indexPrivileges.map((p) => p.name);

/* ------------------------------------------------ coverage, for `_has_privileges` */

function literalPrefix(pattern: string): string {
  const i = pattern.search(/[*?]/);
  return i < 0 ? pattern : pattern.slice(0, i);
}

/**
 * Every name `p` matches is matched by `q` (both wildcard patterns). Exact for a literal `p`
 * and for `q` of the form `prefix*`; otherwise only an identical pattern counts, so an answer
 * can say "not held" where Elasticsearch's automata would say held, never the reverse.
 */
export function patternCovers(q: string, p: string): boolean {
  if (literalPrefix(p) === p) return indexPattern(q)(p);
  if (q === p) return true;
  const prefix = literalPrefix(q);
  return q === prefix + '*' && literalPrefix(p).startsWith(prefix);
}

/** Two patterns may match a common name (conservative: true unless their literal starts differ). */
function mayOverlap(a: string, b: string): boolean {
  const pa = literalPrefix(a);
  const pb = literalPrefix(b);
  if (pa === a && pb === b) return a === b;
  if (pa === a) return indexPattern(b)(a);
  if (pb === b) return indexPattern(a)(b);
  return pa.startsWith(pb) || pb.startsWith(pa);
}

/**
 * The privileges `held` together grant every action `requested` grants: each of its patterns is
 * granted by one held privilege whose exclusions `requested` excludes too.
 */
export function privilegesCover(held: readonly NamedPrivilege[], requested: NamedPrivilege): boolean {
  const excludedToo = (e: string) => (requested.exclude ?? []).some((x) => patternCovers(x, e));
  return requested.include.every((pattern) => {
    if (literalPrefix(pattern) === pattern) {
      if ((requested.exclude ?? []).some((x) => indexPattern(x)(pattern))) return true;
      return held.some((q) => grants(q, pattern));
    }
    return held.some(
      (q) => q.include.some((i) => patternCovers(i, pattern)) && (q.exclude ?? []).every((e) => !mayOverlap(e, pattern) || excludedToo(e)),
    );
  });
}
