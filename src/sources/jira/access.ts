/**
 * Who may read what in Jira, as identities of ../shared/atlassian/identities.ts (Elastic's
 * `account_id:` / `name:` / `group_id:` / `group:`):
 *
 * - a project (and an issue without a security level): the users holding Browse projects on it
 *   (`user/permission/search?projectKey=`), read once per project and sync;
 * - an issue with a security level: on Cloud, the level's members (users, groups, the actors of
 *   project roles, application roles as `role_key:`, the issue's reporter / assignee when the
 *   level names them), read once per
 *   level (roles once per project and role); on Server / Data Center, the users holding Browse
 *   projects on the issue itself (`user/permission/search?issueKey=`).
 *
 * An attachment has the permissions of its issue. Caches live for one sync and are bounded by
 * the number of projects, levels and roles (a few thousand at most).
 */
import { accountIdIdentity, groupIdentityOf, isActiveAtlassianUser, nameIdentity, roleKeyIdentity, userIdentities, type AtlassianUser } from '../shared/atlassian/identities.js';
import type { JiraClient, Json, JiraIssue } from './client.js';

/** Project role 10003 is `atlassian-addons-project-access`: apps, not people. */
const ADDONS_ROLE = '10003';

function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export class JiraAccess {
  private readonly projects = new Map<string, Promise<string[]>>();
  private readonly levels = new Map<string, Promise<{ ids: string[]; reporter: boolean; assignee: boolean }>>();
  private readonly roles = new Map<string, Promise<string[]>>();

  constructor(
    private readonly client: JiraClient,
    private readonly signal: AbortSignal,
  ) {}

  private usersOf(u: AtlassianUser): string[] {
    if (this.client.cloud && u.accountType !== undefined && u.accountType !== 'atlassian') return [];
    return userIdentities(u);
  }

  /** Identities that may browse project `key`. */
  project(key: string): Promise<string[]> {
    return memo(this.projects, key, async () => {
      const ids = new Set<string>();
      for await (const page of this.client.browsers({ projectKey: key }, this.signal)) for (const u of page) for (const i of this.usersOf(u)) ids.add(i);
      return [...ids];
    });
  }

  private role(projectKey: string, roleId: string): Promise<string[]> {
    return memo(this.roles, `${projectKey}/${roleId}`, async () => {
      const ids: string[] = [];
      for (const a of await this.client.roleActors(projectKey, roleId, this.signal)) {
        const user = a.actorUser as Json | undefined;
        const group = a.actorGroup as Json | undefined;
        if (user) ids.push(...[accountIdIdentity(user.accountId ?? a.name), nameIdentity(a.displayName)].filter((x): x is string => x !== null));
        else if (group) {
          const g = groupIdentityOf({ groupId: group.groupId as string, name: (group.name ?? a.name) as string });
          if (g) ids.push(g);
        }
      }
      return ids;
    });
  }

  private level(levelId: string, projectKey: string): Promise<{ ids: string[]; reporter: boolean; assignee: boolean }> {
    return memo(this.levels, levelId, async () => {
      const ids = new Set<string>();
      let reporter = false;
      let assignee = false;
      for await (const page of this.client.securityLevelMembers(levelId, this.signal)) {
        for (const m of page) {
          const h = (m.holder ?? {}) as Json;
          if (h.type === 'user' && h.user && isActiveAtlassianUser(h.user as AtlassianUser, 'cloud')) for (const i of userIdentities(h.user as AtlassianUser)) ids.add(i);
          else if (h.type === 'group') {
            const g = groupIdentityOf((h.group ?? { name: h.parameter }) as { groupId?: string; name?: string });
            if (g) ids.add(g);
          } else if (h.type === 'projectRole') {
            const roleId = String(((h.projectRole ?? {}) as Json).id ?? h.parameter ?? '');
            if (roleId && roleId !== ADDONS_ROLE) for (const i of await this.role(projectKey, roleId)) ids.add(i);
          } else if (h.type === 'applicationRole' && typeof h.parameter === 'string' && h.parameter) {
            const r = roleKeyIdentity(h.parameter);
            if (r) ids.add(r);
          } else if (h.type === 'reporter') reporter = true;
          else if (h.type === 'assignee') assignee = true;
        }
      }
      return { ids: [...ids], reporter, assignee };
    });
  }

  /** Identities that may read `issue`. */
  async issue(issue: JiraIssue): Promise<string[]> {
    const projectKey = String(((issue.fields.project ?? {}) as Json).key ?? '');
    const security = issue.fields.security as Json | null | undefined;
    const levelId = security && (typeof security.id === 'string' || typeof security.id === 'number') ? String(security.id) : null;
    if (!levelId) return this.project(projectKey);
    if (!this.client.cloud) {
      const ids = new Set<string>();
      for await (const page of this.client.browsers({ issueKey: issue.key }, this.signal)) for (const u of page) for (const i of this.usersOf(u)) ids.add(i);
      return [...ids];
    }
    const l = await this.level(levelId, projectKey);
    const out = [...l.ids];
    if (l.reporter && issue.fields.reporter) out.push(...userIdentities(issue.fields.reporter as AtlassianUser));
    if (l.assignee && issue.fields.assignee) out.push(...userIdentities(issue.fields.assignee as AtlassianUser));
    return out;
  }
}
