/**
 * The Jira REST calls of the `jira` source, over the shared AtlassianClient (basic auth, retries,
 * 429 Retry-After, errors naming what to fix). Jira Cloud speaks REST v3 (rich text as
 * Atlassian Document Format), Server / Data Center REST v2 (`/rest/api/2`, text):
 *
 *   GET /rest/api/{v}/myself                         ping, the account's time zone (JQL dates)
 *   GET /rest/api/3/project/search                   projects, paged (Cloud)
 *   GET /rest/api/2/project                          projects, one array (Server / Data Center)
 *   GET /rest/api/{v}/project/{key}                  one configured project
 *   GET /rest/api/{v}/search?jql&startAt&maxResults&fields&expand=names,changelog
 *   GET /rest/api/3/search/jql?jql&maxResults&fields&expand[&nextPageToken]   (Cloud, once
 *       /rest/api/3/search answers 410 Gone: Atlassian's replacement, without `total`)
 *   GET /rest/api/{v}/issue/{key}/comment            comments past those the search embeds
 *   GET /rest/api/3/attachment/content/{id}?redirect=false | /secure/attachment/{id}/{name}
 *   GET /rest/api/{v}/user/permission/search?projectKey|issueKey&permissions=BROWSE_PROJECTS
 *   GET /rest/api/3/issuesecurityschemes/level/member?levelId   (Cloud issue security levels)
 *   GET /rest/api/3/project/{key}/role/{id}          project role actors
 *   GET /rest/api/3/users/search | /rest/api/2/user/search?username=.   users (DLS)
 *   GET /rest/api/{v}/user?accountId|username&expand=groups,applicationRoles
 */
import { AtlassianClient, tokenLink, type RequestOptions } from '../shared/atlassian/client.js';
import { HttpStatusError } from '../shared/rate-limit.js';
import { SourceError } from '../source.js';
import type { AtlassianUser } from '../shared/atlassian/identities.js';
import type { JiraSettings } from './config.js';
import { JIRA } from './config.js';

export type Json = Record<string, unknown>;

export interface JiraProject extends Json {
  id: string;
  key: string;
  name: string;
}

export interface JiraIssue extends Json {
  id: string;
  key: string;
  fields: Json;
  changelog?: { histories?: { created?: string; items?: { field?: string; from?: string | null; to?: string | null }[] }[] };
}

export interface SearchPage {
  issues: JiraIssue[];
  /** Whether more issues match after this page. */
  more: boolean;
  /** Field id → name (`expand=names`): names the custom fields. */
  names: Record<string, string>;
}

/** Cloud: 50 users a page (Atlassian's cap); Server / Data Center: 1000 (its cap on a search). */
const USER_PAGE = { cloud: 50, server: 1000, data_center: 1000 } as const;
const COMMENT_PAGE = 100;
/** Users' details fetched at once in an access-control sync. */
export const USER_CONCURRENCY = 8;

export class JiraClient {
  readonly api: AtlassianClient;
  readonly v: '2' | '3';
  /** Cloud's classic search answered 410 Gone: the enhanced search is used. */
  private enhanced = false;

  constructor(readonly s: JiraSettings, allowedHosts: readonly string[] | null, backoff?: { initialDelayMs: number; maxDelayMs: number }) {
    this.api = new AtlassianClient(s, JIRA, { allowedHosts, backoff });
    this.v = s.deployment === 'cloud' ? '3' : '2';
  }

  get cloud(): boolean {
    return this.s.deployment === 'cloud';
  }

  private o(signal: AbortSignal, what: string, fix?: RequestOptions['fix']): RequestOptions {
    return { signal, what, fix };
  }

  async myself(signal: AbortSignal): Promise<Json> {
    return this.api.getJson(`/rest/api/${this.v}/myself`, {}, this.o(signal, 'reading the account ([myself])'));
  }

  /** Every project the account can browse, page by page. */
  async *allProjects(signal: AbortSignal): AsyncGenerator<JiraProject[]> {
    const o = this.o(signal, 'listing the projects', { forbidden: 'give the account the Browse projects permission' });
    if (this.cloud) {
      yield* this.api.offsetPages<JiraProject>('/rest/api/3/project/search', { expand: 'description,lead,url' }, { ...o, pageSize: 50, itemsKey: 'values' });
    } else {
      const all = await this.api.getJson<JiraProject[]>('/rest/api/2/project', { expand: 'description,lead,url' }, o);
      if (Array.isArray(all)) yield all;
    }
  }

  async project(key: string, signal: AbortSignal): Promise<JiraProject> {
    return this.api.getJson<JiraProject>(`/rest/api/${this.v}/project/${encodeURIComponent(key)}`, { expand: 'description,lead,url' }, this.o(signal, `reading project [${key}]`, {
      notFound: `fix [projects]: no project with key [${key}] is visible to the account`,
      forbidden: `give the account the Browse projects permission on project [${key}]`,
    }));
  }

  /**
   * One page of a JQL search (the first: the caller pages by key set, `id > N`). On Cloud, once
   * the classic `/rest/api/3/search` answers 410 Gone (Atlassian removes it), the enhanced
   * `/rest/api/3/search/jql` is used for the rest of the source's life.
   */
  async search(jql: string, maxResults: number, signal: AbortSignal, what: string): Promise<SearchPage> {
    const o = this.o(signal, what, { forbidden: 'give the account the Browse projects permission' });
    const query = { jql, maxResults, fields: '*all', expand: 'names,changelog' };
    const body = await this.classicOr(
      () => this.api.getJson<Json>(`/rest/api/${this.v}/search`, { ...query, startAt: 0 }, o),
      () => this.api.getJson<Json>('/rest/api/3/search/jql', query, o),
    );
    const issues = Array.isArray(body?.issues) ? (body.issues as JiraIssue[]).filter((i) => typeof i?.key === 'string' && i.fields && typeof i.fields === 'object') : [];
    const names = body?.names && typeof body.names === 'object' ? (body.names as Record<string, string>) : {};
    const more = issues.length > 0 && (typeof body?.total === 'number' ? issues.length < body.total : body?.isLast === false || (body?.isLast === undefined && typeof body?.nextPageToken === 'string'));
    return { issues, more, names };
  }

  /** Cloud after a 410 from the classic search: the enhanced one; else the classic one. */
  private async classicOr<T>(classic: () => Promise<T>, enhanced: () => Promise<T>): Promise<T> {
    if (!this.cloud) return classic();
    if (!this.enhanced) {
      try {
        return await classic();
      } catch (err) {
        const cause = err instanceof SourceError ? err.options.cause : undefined;
        if (!(cause instanceof HttpStatusError) || cause.status !== 410) throw err;
        this.enhanced = true;
      }
    }
    return enhanced();
  }

  /** How many issues a JQL query matches: `total` of an empty page, or (enhanced search) the ids counted page by page. */
  async count(jql: string, signal: AbortSignal): Promise<number> {
    const o = this.o(signal, 'counting issues');
    return this.classicOr(
      async () => {
        const body = await this.api.getJson<Json>(`/rest/api/${this.v}/search`, { jql, startAt: 0, maxResults: 0, fields: 'id' }, o);
        return typeof body?.total === 'number' ? body.total : 0;
      },
      async () => {
        let n = 0;
        for await (const page of this.api.linkPages('/rest/api/3/search/jql', { jql, fields: 'id', maxResults: 5000 }, { ...o, itemsKey: 'issues', next: tokenLink() })) n += page.length;
        return n;
      },
    );
  }

  /** Comments of an issue from `startAt` (those the search embedded are not read again), page by page. */
  async *comments(key: string, startAt: number, signal: AbortSignal): AsyncGenerator<Json[]> {
    const o = { ...this.o(signal, `reading the comments of issue [${key}]`), pageSize: COMMENT_PAGE, itemsKey: 'comments', from: startAt };
    yield* this.api.offsetPages<Json>(`/rest/api/${this.v}/issue/${encodeURIComponent(key)}/comment`, {}, o);
  }

  async attachment(id: string, filename: string, maxBytes: number, signal: AbortSignal): Promise<Buffer | 'too-big'> {
    const path = this.cloud ? `/rest/api/3/attachment/content/${encodeURIComponent(id)}?redirect=false` : `/secure/attachment/${encodeURIComponent(id)}/${encodeURIComponent(filename)}`;
    return this.api.getBytes(path, maxBytes, this.o(signal, `downloading attachment [${filename.slice(0, 100)}]`, { notFound: 'the attachment was deleted' }));
  }

  /** Users holding Browse projects on a project (`projectKey=`) or an issue (`issueKey=`). */
  async *browsers(scope: { projectKey: string } | { issueKey: string }, signal: AbortSignal): AsyncGenerator<AtlassianUser[]> {
    const permissions = this.cloud ? 'BROWSE_PROJECTS' : 'BROWSE';
    const what = 'projectKey' in scope ? `reading who may browse project [${scope.projectKey}]` : `reading who may browse issue [${scope.issueKey}]`;
    const o = { ...this.o(signal, what, { forbidden: 'give the account the Administer Jira global permission (needed to read permissions for document level security)' }), pageSize: USER_PAGE[this.s.deployment], untilEmpty: true };
    // A plain array that may hold fewer users than asked (inactive ones filtered): paged to the empty page.
    yield* this.api.offsetPages<AtlassianUser>(`/rest/api/${this.v}/user/permission/search`, { ...scope, permissions }, o);
  }

  /** Members of an issue security level (Cloud), with users, groups and project roles expanded. */
  async *securityLevelMembers(levelId: string, signal: AbortSignal): AsyncGenerator<Json[]> {
    yield* this.api.offsetPages<Json>('/rest/api/3/issuesecurityschemes/level/member', { levelId, expand: 'user,group,projectRole' }, {
      ...this.o(signal, `reading the members of issue security level [${levelId}]`, { forbidden: 'give the account the Administer Jira global permission' }),
      pageSize: 50,
      itemsKey: 'values',
    });
  }

  async roleActors(projectKey: string, roleId: string, signal: AbortSignal): Promise<Json[]> {
    const r = await this.api.getJson<Json>(`/rest/api/${this.v}/project/${encodeURIComponent(projectKey)}/role/${encodeURIComponent(roleId)}`, {}, this.o(signal, `reading role [${roleId}] of project [${projectKey}]`));
    return Array.isArray(r?.actors) ? (r.actors as Json[]) : [];
  }

  /** Every user, page by page (Cloud pages end on an empty page: the API may return fewer than asked). */
  async *users(signal: AbortSignal): AsyncGenerator<AtlassianUser[]> {
    const size = USER_PAGE[this.s.deployment];
    const path = this.cloud ? '/rest/api/3/users/search' : '/rest/api/2/user/search';
    const query = this.cloud ? {} : { username: '.' };
    const o = this.o(signal, 'listing the users', { forbidden: 'give the account the Browse users and groups global permission' });
    for (let startAt = 0; startAt < 10_000_000; startAt += size) {
      const page = await this.api.getJson<AtlassianUser[]>(path, { ...query, startAt, maxResults: size }, o);
      if (!Array.isArray(page) || page.length === 0) return;
      yield page;
      if (!this.cloud && page.length < size) return;
    }
  }

  /** One user with groups and application roles. */
  async user(u: AtlassianUser, signal: AbortSignal): Promise<AtlassianUser> {
    const q = this.cloud ? { accountId: u.accountId ?? '' } : { username: u.name ?? '' };
    return this.api.getJson<AtlassianUser>(`/rest/api/${this.v}/user`, { ...q, expand: 'groups,applicationRoles' }, this.o(signal, `reading user [${u.displayName ?? u.accountId ?? u.name}]`));
  }

  close(): void {
    this.api.close();
  }
}
