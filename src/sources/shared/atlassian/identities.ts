/**
 * Document-level security identities of the Atlassian sources, written as Elastic's `jira` and
 * `confluence` connectors write them (`<prefix>:<value>`), so `_allow_access_control` of content
 * documents and the `access_control` of identity documents meet:
 *
 *   account_id:<Cloud accountId | Server/DC user name or key>   name:<Display-Name>  (spaces → '-')
 *   group_id:<Cloud groupId>    group:<group name> (Server / Data Center groups have no id)
 *   role_key:<application role> email_address:<email>  locale:<locale>  user:<user name>
 *
 * An identity document (for `.search-acl-filter-<index>`) is one per active user: `_id` the
 * account id, `identity` {account_id, display_name, email_address, locale}, `created_at`, and the
 * query whose `access_control` lists the user's account id, groups and application roles.
 */
import { accessControlQuery } from '../access-control.js';
import type { SourceDocument } from '../../source.js';
import type { AtlassianDeployment } from './config.js';

/** Most groups or roles of one user kept in an identity document. */
export const MAX_USER_GROUPS = 10_000;
const MAX_IDENTITY_CHARS = 1024;

function prefixed(prefix: string, v: unknown): string | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const s = String(v).trim();
  return s && s.length <= MAX_IDENTITY_CHARS ? `${prefix}:${s}` : null;
}

export const accountIdIdentity = (id: unknown) => prefixed('account_id', id);
export const groupIdIdentity = (id: unknown) => prefixed('group_id', id);
export const groupIdentity = (name: unknown) => prefixed('group', name);
export const userIdentity = (name: unknown) => prefixed('user', name);
export const roleKeyIdentity = (key: unknown) => prefixed('role_key', key);
export const emailIdentity = (email: unknown) => prefixed('email_address', email);
export const localeIdentity = (locale: unknown) => prefixed('locale', locale);
/** `name:` + the display name with spaces as '-', as Elastic's connectors write it. */
export const nameIdentity = (name: unknown) => prefixed('name', typeof name === 'string' ? name.trim().replace(/ /g, '-') : name);

/** A group as the APIs give it: Cloud has `groupId` (and `name`), Server / Data Center only `name`. */
export interface AtlassianGroup {
  groupId?: string | null;
  name?: string | null;
  id?: string | null;
}

/** A user as `/myself`, `/user`, `/users/search` and permission answers give it. */
export interface AtlassianUser {
  accountId?: string | null;
  /** Server / Data Center user name. */
  name?: string | null;
  key?: string | null;
  displayName?: string | null;
  emailAddress?: string | null;
  locale?: string | null;
  active?: boolean;
  accountType?: string | null;
  self?: string | null;
  groups?: { items?: AtlassianGroup[] | null } | null;
  applicationRoles?: { items?: { key?: string | null }[] | null } | null;
}

/** The identity of a group: `group_id:` when it has an id (Cloud), else `group:<name>`. */
export function groupIdentityOf(g: AtlassianGroup): string | null {
  return groupIdIdentity(g.groupId ?? g.id ?? null) ?? groupIdentity(g.name);
}

/** The account id of a user: Cloud `accountId`, else the Server / Data Center user name, else its key. */
export function accountIdOf(u: AtlassianUser): string | null {
  const id = u.accountId ?? u.name ?? u.key;
  return typeof id === 'string' && id.trim() ? id.trim() : null;
}

/** The identities naming a user on content documents: `account_id:` and `name:`. */
export function userIdentities(u: AtlassianUser): string[] {
  return [accountIdIdentity(accountIdOf(u)), nameIdentity(u.displayName)].filter((x): x is string => x !== null);
}

/**
 * Whether a user gets an identity document: active, and on Cloud an `atlassian` account (app
 * and customer accounts do not sign in to search). A Server user without `active` counts.
 */
export function isActiveAtlassianUser(u: AtlassianUser, deployment: AtlassianDeployment): boolean {
  if (!accountIdOf(u)) return false;
  if (u.active === false) return false;
  if (deployment === 'cloud') return u.active === true && u.accountType === 'atlassian';
  return true;
}

/** The identity document of one user (groups and application roles expanded on `u`). */
export function userAccessDocument(u: AtlassianUser, now = new Date()): SourceDocument {
  const id = accountIdOf(u);
  if (!id) throw new Error('a user without an account id has no identity document');
  const account = accountIdIdentity(id)!;
  const groups = (u.groups?.items ?? []).slice(0, MAX_USER_GROUPS).map(groupIdentityOf);
  const roles = (u.applicationRoles?.items ?? []).slice(0, MAX_USER_GROUPS).map((r) => roleKeyIdentity(r?.key));
  const identity: Record<string, string> = { account_id: account };
  const name = nameIdentity(u.displayName);
  const email = emailIdentity(u.emailAddress);
  const locale = localeIdentity(u.locale);
  if (name) identity.display_name = name;
  if (email) identity.email_address = email;
  if (locale) identity.locale = locale;
  const access = [account, ...groups, ...roles].filter((x): x is string => x !== null);
  return { _id: id, identity, created_at: now.toISOString(), ...accessControlQuery(access) };
}

export { withAccess } from '../access-control.js';
