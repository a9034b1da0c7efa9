/**
 * Authorization by action name, as Elasticsearch decides it (issue 4):
 * - cluster actions need a cluster privilege granting them;
 * - connector and sync-job actions (not secrets) are also granted by index privileges on the
 *   connector system indices (`.elastic-connectors-v1`, `.elastic-connectors-sync-jobs-v1`):
 *   reads by `read`, writes by `write` / `index` (updates, creates) / `delete` / `all`;
 * - index actions need an index privilege on every index the request names; a composite
 *   action (`_bulk`) only needs a privilege granting it on some index, its handler then checks
 *   every item against its own index (`IndexAccess`), as Elasticsearch does;
 * - `manage_own_api_key` grants API key actions about the caller's own keys only;
 * - an API key may do what both its own role descriptors and its owner's roles allow.
 * Denials carry Elasticsearch's 403 reason text.
 */
import { clusterPrivilegesGranting, indexPrivilegesGranting, isClusterAction, isIndexAction } from './privileges.js';
import type { Permission } from './roles.js';
import type { TemplateUser } from './dls-template.js';

export interface Subject {
  username: string;
  /** The user's role names (for the denial message). */
  roles: string[];
  permission: Permission;
  /** The user as templated role queries see it (`_user`); the owner for an API key. */
  user?: TemplateUser;
  apiKey?: { id: string; name: string; permission: Permission | null };
}

export interface ActionRequest {
  action: string;
  /** Index names the request targets (index actions); `*` when it names none. */
  indices: string[];
  /** The request is about the caller's own API keys (for `manage_own_api_key`). */
  ownApiKeys?: boolean;
  /** Connector delete also deletes its sync jobs. */
  deleteSyncJobs?: boolean;
  /** Authorized by action name: granted when some index privilege of the caller grants it. */
  composite?: boolean;
}

export const CONNECTOR_INDEX = '.elastic-connectors-v1';
export const SYNC_JOB_INDEX = '.elastic-connectors-sync-jobs-v1';
const ALIASES: Record<string, string> = {
  '.elastic-connectors': CONNECTOR_INDEX,
  '.elastic-connectors-sync-jobs': SYNC_JOB_INDEX,
};
const CONNECTOR = 'cluster:admin/xpack/connector/';
const AUTHENTICATE = 'cluster:admin/xpack/security/user/authenticate';
/** Every user may ask about their own privileges, as in Elasticsearch. */
export const HAS_PRIVILEGES = 'cluster:admin/xpack/security/user/has_privileges';
const API_KEY = 'cluster:admin/xpack/security/api_key/';

/** The index writes / reads a connector action amounts to, or null for other actions. */
export function connectorIndexNeeds(req: ActionRequest): { index: string; action: string }[] | null {
  if (!req.action.startsWith(CONNECTOR)) return null;
  const op = req.action.slice(CONNECTOR.length);
  if (op.startsWith('secret/')) return null;
  const jobs = op.startsWith('sync_job/');
  const sub = jobs ? op.slice('sync_job/'.length) : op;
  const index = jobs ? SYNC_JOB_INDEX : CONNECTOR_INDEX;
  const action =
    sub === 'get' ? 'indices:data/read/get'
    : sub === 'list' ? 'indices:data/read/search'
    : sub === 'delete' ? 'indices:data/write/delete'
    : sub === 'put' || sub === 'post' ? 'indices:data/write/index'
    : 'indices:data/write/update';
  const needs = [{ index, action }];
  if (!jobs && sub === 'delete' && req.deleteSyncJobs) needs.push({ index: SYNC_JOB_INDEX, action: 'indices:data/write/delete' });
  return needs;
}

function indexAllowed(p: Permission, action: string, index: string): boolean {
  if (p.index(action, index)) return true;
  const concrete = ALIASES[index];
  return concrete !== undefined && p.index(action, concrete);
}

/** Index names (of `req.indices`) that `p` may not run the action on. */
function deniedIndices(p: Permission, req: ActionRequest): string[] {
  return req.indices.filter((i) => !indexAllowed(p, req.action, i));
}

function allowedBy(p: Permission, req: ActionRequest): boolean {
  if (isIndexAction(req.action)) return req.composite ? p.indexAny(req.action) : deniedIndices(p, req).length === 0;
  if (p.cluster(req.action)) return true;
  if (req.action.startsWith(API_KEY) && p.ownApiKeys && req.ownApiKeys) return true;
  const needs = connectorIndexNeeds(req);
  return needs !== null && needs.every((n) => indexAllowed(p, n.action, n.index));
}

/** Null when allowed, else Elasticsearch's denial message. */
export function authorizeAction(s: Subject, req: ActionRequest): string | null {
  if (req.action === AUTHENTICATE || req.action === HAS_PRIVILEGES) return null;
  const ok = allowedBy(s.permission, req) && (!s.apiKey?.permission || allowedBy(s.apiKey.permission, req));
  return ok ? null : denial(s, req);
}

export function denial(s: Subject, req: ActionRequest): string {
  let who = `user [${s.username}]`;
  if (s.apiKey) who = `API key id [${s.apiKey.id}] of ${who}`;
  else who += ` with effective roles [${s.roles.join(',')}]`;
  let msg = `action [${req.action}] is unauthorized for ${who}`;
  if (isIndexAction(req.action)) {
    const denied = [...new Set([...deniedIndices(s.permission, req), ...(s.apiKey?.permission ? deniedIndices(s.apiKey.permission, req) : [])])];
    if (!req.composite) msg += ` on indices [${(denied.length ? denied : req.indices).join(',')}]`;
    const privileges = indexPrivilegesGranting(req.action);
    if (privileges.length) msg += `, this action is granted by the index privileges [${privileges.join(',')}]`;
  } else if (isClusterAction(req.action)) {
    const privileges = clusterPrivilegesGranting(req.action).filter((p) => p !== 'manage_own_api_key' || req.ownApiKeys);
    if (privileges.length) msg += `, this action is granted by the cluster privileges [${privileges.join(',')}]`;
  }
  return msg;
}
