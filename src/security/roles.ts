/**
 * Roles in Elasticsearch's role-descriptor shape (`{cluster: [...], indices: [{names,
 * privileges}]}`), validated once and compiled into a permission check (issue 4). Used for the
 * roles of the config file and for the `role_descriptors` of API keys. The built-in
 * `superuser` role may do everything.
 */
import {
  clusterPrivilegeNames,
  grants,
  indexPrivilegeNames,
  resolveCluster,
  resolveIndex,
  indexPattern,
  patternCovers,
  privilegesCover,
  type NamedPrivilege,
} from './privileges.js';
import { isPlainObject } from '../domain/shared/json.js';
import {
  fieldMatcher, parseFieldSecurity, parseRoleQuery, renderRoleQuery, unite,
  type FieldSecurity, type GroupAccess, type Restriction, type RoleQuery,
} from './document-security.js';
import type { TemplateUser } from './dls-template.js';

export interface IndicesPrivileges {
  names: string[];
  privileges: string[];
  allow_restricted_indices?: boolean;
  /** Document-level security: as given (rendered back by the APIs), parsed in `parsedQuery`. */
  query?: unknown;
  field_security?: FieldSecurity;
}

/** Parsed role queries, by the group that holds them (kept out of the JSON the APIs render). */
const parsedQueries = new WeakMap<IndicesPrivileges, RoleQuery>();

export interface RoleDescriptor {
  cluster: string[];
  indices: IndicesPrivileges[];
  description?: string;
  metadata?: Record<string, unknown>;
}

export const SUPERUSER: RoleDescriptor = {
  cluster: ['all'],
  indices: [{ names: ['*'], privileges: ['all'], allow_restricted_indices: true }],
  metadata: { _reserved: true },
};

export const builtinRoles: Record<string, RoleDescriptor> = { superuser: SUPERUSER };

function stringList(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${what} must be a list of strings`);
  return v as string[];
}

/**
 * Validates one descriptor; throws an Error naming `where` (the role) on a problem. Fields
 * Tributary cannot enforce (`run_as`, `applications`, remote indices) are refused rather than
 * ignored, so a role never grants more than it says. Document- and field-level security
 * (`query`, `field_security`) are parsed and checked here (document-security.ts).
 */
export function parseRoleDescriptor(where: string, raw: unknown): RoleDescriptor {
  if (raw === null || raw === undefined) return { cluster: [], indices: [] };
  if (!isPlainObject(raw)) throw new Error(`role [${where}]: expected an object with [cluster] and [indices]`);
  const out: RoleDescriptor = { cluster: [], indices: [] };
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'cluster') {
      out.cluster = stringList(v, `role [${where}]: [cluster]`);
      for (const p of out.cluster) {
        if (!resolveCluster(p)) {
          throw new Error(
            `role [${where}]: unknown cluster privilege [${p}]. a privilege must be either one of the predefined cluster privilege names [${clusterPrivilegeNames.join(',')}] or a pattern over one of the available cluster actions`,
          );
        }
      }
    } else if (k === 'indices' || k === 'index') {
      if (!Array.isArray(v)) throw new Error(`role [${where}]: [indices] must be a list of {names, privileges}`);
      out.indices = v.map((e, i) => parseIndices(`${where}].indices[${i}`, e));
    } else if (k === 'description') {
      if (typeof v !== 'string') throw new Error(`role [${where}]: [description] must be a string`);
      out.description = v;
    } else if (k === 'metadata' || k === 'transient_metadata') {
      if (!isPlainObject(v)) throw new Error(`role [${where}]: [${k}] must be an object`);
      if (k === 'metadata') out.metadata = v;
    } else if (k === 'restriction') {
      // Elasticsearch limits such a key to workflows (search applications), which Tributary does not serve.
      throw new Error(`role [${where}]: [restriction] (workflows) is not supported by Tributary: it serves no search application endpoint; omit it (the key's index privileges and role query still apply to direct searches)`);
    } else if (k === 'run_as' || k === 'applications' || k === 'remote_indices' || k === 'remote_cluster' || k === 'global') {
      if (Array.isArray(v) && v.length === 0) continue;
      throw new Error(`role [${where}]: [${k}] is not supported by Tributary`);
    } else {
      throw new Error(`role [${where}]: unknown field [${k}]`);
    }
  }
  return out;
}

function parseIndices(where: string, raw: unknown): IndicesPrivileges {
  if (!isPlainObject(raw)) throw new Error(`role [${where}]: expected {names, privileges}`);
  let names: string[] | undefined;
  let privileges: string[] | undefined;
  let allow: boolean | undefined;
  let query: RoleQuery | undefined;
  let rawQuery: unknown;
  let fields: FieldSecurity | undefined;
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'names') names = stringList(v, `role [${where}]: [names]`);
    else if (k === 'privileges') privileges = stringList(v, `role [${where}]: [privileges]`);
    else if (k === 'allow_restricted_indices') {
      if (typeof v !== 'boolean') throw new Error(`role [${where}]: [allow_restricted_indices] must be a boolean`);
      allow = v;
    } else if (k === 'query') {
      if (v === null || v === undefined) continue;
      try {
        query = parseRoleQuery(v);
      } catch (e) {
        throw new Error(`role [${where}]: invalid role query: ${(e as Error).message}`);
      }
      rawQuery = v;
    } else if (k === 'field_security') {
      if (v === null || v === undefined) continue;
      try {
        fields = parseFieldSecurity(v);
      } catch (e) {
        throw new Error(`role [${where}]: ${(e as Error).message}`);
      }
    } else throw new Error(`role [${where}]: unknown field [${k}]`);
  }
  if (!names || names.length === 0) throw new Error(`role [${where}]: [names] is required`);
  if (!privileges || privileges.length === 0) throw new Error(`role [${where}]: [privileges] is required`);
  for (const p of privileges) {
    if (!resolveIndex(p)) {
      throw new Error(
        `role [${where}]: unknown index privilege [${p}]. a privilege must be either one of the predefined fixed indices privileges [${indexPrivilegeNames.join(',')}] or a pattern over one of the available index actions`,
      );
    }
  }
  const out: IndicesPrivileges = {
    names,
    privileges,
    ...(allow !== undefined ? { allow_restricted_indices: allow } : {}),
    ...(fields ? { field_security: fields } : {}),
    ...(query ? { query: rawQuery } : {}),
  };
  if (query) parsedQueries.set(out, query);
  return out;
}

/** What a set of roles may do. */
export interface Permission {
  /** Cluster action allowed whatever the request (`manage_own_api_key` is not counted here). */
  cluster(action: string): boolean;
  /** Holds `manage_own_api_key`: API key actions on the caller's own keys. */
  ownApiKeys: boolean;
  /** May run index `action` on the index (or alias) `index`. */
  index(action: string, index: string): boolean;
  /** Holds a privilege granting index `action` on some index pattern (composite actions). */
  indexAny(action: string): boolean;
  /**
   * The documents and fields of `index` that `action` reaches for `user` (document- and
   * field-level security), or null when nothing is restricted. Throws when a templated role
   * query renders to no valid query for this user.
   */
  restriction(action: string, index: string, user: TemplateUser): Restriction | null;
  /** Holds every action of a cluster privilege (a name or an action pattern), as `_has_privileges` asks. */
  clusterCovers(requested: NamedPrivilege): boolean;
  /** Holds every action of an index privilege on every index `index` (a name or a pattern) names. */
  indexCovers(requested: NamedPrivilege, index: string): boolean;
}

export function compile(descriptors: RoleDescriptor[]): Permission {
  const held = descriptors.flatMap((d) => d.cluster.map((p) => resolveCluster(p)!));
  const cluster = held.filter((p) => p.name !== 'manage_own_api_key');
  const groups = descriptors.flatMap((d) =>
    d.indices.map((g) => ({
      patterns: g.names,
      names: g.names.map(indexPattern),
      privileges: g.privileges.map((p) => resolveIndex(p)!),
      query: parsedQueries.get(g) ?? (g.query !== undefined ? parseRoleQuery(g.query) : undefined),
      fields: g.field_security ? fieldMatcher(g.field_security) : null,
    })),
  );
  const restricted = groups.some((g) => g.query || g.fields);
  return {
    cluster: (action) => cluster.some((p) => grants(p, action)),
    ownApiKeys: held.some((p) => p.name === 'manage_own_api_key'),
    index: (action, index) =>
      groups.some((g) => g.names.some((m) => m(index)) && g.privileges.some((p) => grants(p, action))),
    indexAny: (action) => groups.some((g) => g.privileges.some((p) => grants(p, action))),
    clusterCovers: (requested) => privilegesCover(requested.name === 'manage_own_api_key' ? held : cluster, requested),
    indexCovers: (requested, index) =>
      privilegesCover(
        groups.filter((g) => g.patterns.some((n) => patternCovers(n, index))).flatMap((g) => g.privileges),
        requested,
      ),
    restriction(action, index, user) {
      if (!restricted) return null;
      const reaching = groups.filter((g) => g.names.some((m) => m(index)) && g.privileges.some((p) => grants(p, action)));
      // No group grants the action: authorization refuses it; nothing to restrict here.
      if (reaching.length === 0) return null;
      const access: GroupAccess[] = reaching.map((g) => ({ query: g.query ? renderRoleQuery(g.query, user) : null, fields: g.fields }));
      const r = unite(access);
      return r.query === null && r.fields === null ? null : r;
    },
  };
}
