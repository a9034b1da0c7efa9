/**
 * Test fixture of the `jira` source: an in-memory Jira on a random loopback port, written from
 * Atlassian's REST documentation (developer.atlassian.com/cloud/jira/platform/rest/v3/ and
 * docs.atlassian.com/software/jira/docs/api/REST/9.x/ for Server / Data Center v2), not from
 * any implementation. `deployment` 'cloud' serves v3 (and v2), 'server' / 'data_center' v2:
 *
 * - Basic authentication (…/rest/v3/intro/#authentication: email + API token on Cloud, user
 *   name + password on Server): anything else is 401, with `X-Seraph-LoginReason`.
 * - GET /rest/api/{2,3}/myself (…/api-group-myself): accountId / name, `timeZone`.
 * - GET /rest/api/3/project/search (…/api-group-projects/#api-rest-api-3-project-search-get):
 *   `startAt` / `maxResults` (≤ 50), `{values, total, isLast}`; Server: GET /rest/api/2/project,
 *   one array; GET /rest/api/{v}/project/{key}: 404 `{"errorMessages": […]}` when unknown.
 * - GET /rest/api/{v}/search (…/api-group-issue-search/#api-rest-api-3-search-get): `jql`
 *   (jql.fixture.ts: dates in the user's time zone, minute precision), `startAt`, `maxResults`
 *   (≤ 100 on Cloud), `expand=names,changelog`; `{startAt, maxResults, total, issues, names}`;
 *   issues carry `fields` (Cloud: description and comments in Atlassian Document Format; v2:
 *   strings), the first 5 comments with their `total`, `attachment`, `security`, custom fields;
 *   a JQL error is a 400 `{"errorMessages": […]}`.
 * - GET /rest/api/3/search/jql (…/api-group-issue-search/#api-rest-api-3-search-jql-get): the
 *   enhanced search — `nextPageToken` / `isLast`, no `total`, up to 5000 ids with `fields=id`;
 *   `classicSearchGone` makes the classic search answer 410 as after its removal.
 * - GET /rest/api/{v}/issue/{key}/comment (…/api-group-issue-comments): paged comments.
 * - GET /rest/api/3/attachment/content/{id}?redirect=false (…/api-group-issue-attachments);
 *   Server: GET /secure/attachment/{id}/{filename}.
 * - GET /rest/api/3/users/search (…/api-group-users: active and inactive, `atlassian` and `app`
 *   accounts); Server: GET /rest/api/2/user/search?username=.; GET /rest/api/{v}/user with
 *   `expand=groups,applicationRoles`; GET /rest/api/3/group/member?groupname (group members).
 * - GET /rest/api/{v}/user/permission/search?projectKey|issueKey&permissions (…/api-group-
 *   user-search: users with BROWSE_PROJECTS, from the project's permission scheme grants and
 *   the issue's security level); GET /rest/api/3/issuesecurityschemes/level/member?levelId
 *   (…/api-group-issue-security-schemes: holders user / group / projectRole / reporter /
 *   assignee); GET /rest/api/{v}/project/{key}/role/{id} (…/api-group-project-role-actors).
 *
 * Test controls: failures injected before the next N requests (429 with Retry-After, 5xx),
 * latency per request, requests left unanswered, counters; the data (projects, issues,
 * comments, attachments, users, groups, levels) is edited directly, deletions included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileJql, JqlError, type JqlIssue } from './jql.fixture.js';

export type Deployment = 'cloud' | 'server' | 'data_center';
export interface FxUser { accountId: string; name: string; displayName: string; email: string; active: boolean; accountType: string; groups: string[]; roles: string[] }
export interface FxGroup { name: string; groupId: string }
export interface FxGrant { users: string[]; groups: string[] }
export interface FxProject { id: string; key: string; name: string; browse: FxGrant; roles: Record<string, FxGrant> }
export interface FxComment { id: string; author: string; body: string; created: number; updated: number }
export interface FxAttachment { id: string; filename: string; bytes: Buffer; mimeType: string; created: number }
export type FxHolder = { type: 'user'; accountId: string } | { type: 'group'; name: string } | { type: 'projectRole'; roleId: string } | { type: 'applicationRole'; key: string } | { type: 'reporter' } | { type: 'assignee' };
export interface FxLevel { id: string; name: string; holders: FxHolder[] }
export interface FxHistory { created: number; items: { field: string; from: string | null; to: string | null }[] }
export interface FxIssue {
  id: number; key: string; project: string; type: string; summary: string; description: string; created: number; updated: number;
  comments: FxComment[]; attachments: FxAttachment[]; security: string | null; reporter: string; assignee: string | null;
  custom: Record<string, unknown>; histories: FxHistory[];
}

export const NAMES: Record<string, string> = { customfield_10010: 'Story Points', customfield_10020: 'Team', customfield_10030: 'Notes' };
const EMBEDDED_COMMENTS = 5;

const adf = (text: string) => ({ type: 'doc', version: 1, content: text.split('\n').map((l) => ({ type: 'paragraph', content: l ? [{ type: 'text', text: l }] : [] })) });
const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

export class FakeJira {
  url = '';
  readonly users = new Map<string, FxUser>();
  readonly groups = new Map<string, FxGroup>();
  readonly projects = new Map<string, FxProject>();
  readonly issues = new Map<number, FxIssue>();
  readonly levels = new Map<string, FxLevel>();
  login = 'admin@example.com';
  secret = 'api-token-1';
  tz = 'America/New_York';
  latencyMs = 0;
  /** Cloud: the classic /rest/api/3/search answers 410 Gone, as after Atlassian removes it. */
  classicSearchGone = false;
  stall: (path: string) => boolean = () => false;
  counts = { requests: 0, search: 0, attachment: 0, comments: 0, failed: 0, unauthorized: 0 };
  private failures: { status: number; retryAfter?: number }[] = [];
  private nextId = 10000;
  private lastTime = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly deployment: Deployment = 'cloud') {}

  get v(): '2' | '3' {
    return this.deployment === 'cloud' ? '3' : '2';
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.user('admin', 'Site Admin', ['jira-administrators']);
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** A strictly increasing clock (ms): every change gets its own `updated`. */
  now(): number {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return this.lastTime;
  }

  /** Answer the next `n` requests with `status` (and `Retry-After` seconds when given). */
  fail(n: number, status: number, retryAfter?: number): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, retryAfter });
  }

  user(name: string, displayName: string, groups: string[] = [], o: Partial<FxUser> = {}): FxUser {
    for (const g of groups) if (!this.groups.has(g)) this.groups.set(g, { name: g, groupId: `gid-${g}` });
    const u: FxUser = { accountId: `acc-${name}`, name, displayName, email: `${name}@example.com`, active: true, accountType: 'atlassian', groups, roles: ['jira-software'], ...o };
    this.users.set(u.accountId, u);
    return u;
  }

  project(key: string, name: string, browse: FxGrant = { users: [], groups: ['jira-administrators'] }): FxProject {
    const p: FxProject = { id: String(10000 + this.projects.size), key, name, browse, roles: {} };
    this.projects.set(key, p);
    return p;
  }

  issue(projectKey: string, o: Partial<FxIssue> = {}): FxIssue {
    const p = this.projects.get(projectKey)!;
    const id = this.nextId++;
    const n = [...this.issues.values()].filter((i) => i.project === projectKey).reduce((m, i) => Math.max(m, Number(i.key.split('-')[1])), 0) + 1;
    const t = this.now();
    const i: FxIssue = {
      id, key: `${p.key}-${n}`, project: projectKey, type: 'Task', summary: `Issue ${n} of ${p.name}`, description: `Description of ${p.key}-${n}\nsecond line`,
      created: t, updated: t, comments: [], attachments: [], security: null, reporter: 'acc-admin', assignee: null,
      custom: { customfield_10010: 3, customfield_10020: { id: '1', value: 'Blue team' } }, histories: [], ...o,
    };
    this.issues.set(id, i);
    return i;
  }

  comment(i: FxIssue, body: string, author = 'acc-admin'): FxComment {
    const t = this.now();
    const c = { id: String(this.nextId++), author, body, created: t, updated: t };
    i.comments.push(c);
    i.updated = t;
    return c;
  }

  attach(i: FxIssue, filename: string, body: string | Buffer, mimeType = 'text/plain'): FxAttachment {
    const a = { id: String(this.nextId++), filename, bytes: Buffer.from(body), mimeType, created: this.now() };
    i.attachments.push(a);
    i.updated = a.created;
    return a;
  }

  detach(i: FxIssue, a: FxAttachment): void {
    i.attachments = i.attachments.filter((x) => x !== a);
    i.updated = this.now();
    i.histories.push({ created: i.updated, items: [{ field: 'Attachment', from: a.id, to: null }] });
  }

  touch(i: FxIssue, summary = `${i.summary} (edited)`): void {
    i.summary = summary;
    i.updated = this.now();
  }

  private userJson(u: FxUser | undefined, expand = ''): Record<string, unknown> | null {
    if (!u) return null;
    const self = this.v === '3' ? `${this.url}/rest/api/3/user?accountId=${u.accountId}` : `${this.url}/rest/api/2/user?username=${u.name}`;
    const base: Record<string, unknown> = this.v === '3'
      ? { self, accountId: u.accountId, accountType: u.accountType, emailAddress: u.email, displayName: u.displayName, active: u.active, timeZone: this.tz, locale: 'en_US' }
      : { self, name: u.name, key: `JIRAUSER${u.accountId.length}${u.name}`, emailAddress: u.email, displayName: u.displayName, active: u.active, timeZone: this.tz, locale: 'en_US' };
    if (expand.includes('groups')) base.groups = { size: u.groups.length, items: u.groups.map((g) => (this.v === '3' ? { name: g, groupId: this.groups.get(g)!.groupId } : { name: g })) };
    if (expand.includes('applicationRoles')) base.applicationRoles = { size: u.roles.length, items: u.roles.map((k) => ({ key: k, name: k })) };
    return base;
  }

  private projectJson(p: FxProject): Record<string, unknown> {
    return { self: `${this.url}/rest/api/${this.v}/project/${p.id}`, id: p.id, key: p.key, name: p.name, description: `About ${p.name}`, projectTypeKey: 'software', lead: this.userJson(this.users.get('acc-admin')) };
  }

  /** Users granted by `g` (directly or through a group). */
  granted(g: FxGrant): Set<string> {
    const out = new Set(g.users);
    for (const u of this.users.values()) if (u.groups.some((x) => g.groups.includes(x))) out.add(u.accountId);
    return out;
  }

  /** Who may browse an issue: the project's browsers, narrowed by its security level. */
  browsers(i: FxIssue): Set<string> {
    const p = this.projects.get(i.project)!;
    const all = this.granted(p.browse);
    if (!i.security) return all;
    const ok = new Set<string>();
    for (const h of this.levels.get(i.security)?.holders ?? []) {
      if (h.type === 'user') ok.add(h.accountId);
      else if (h.type === 'group') for (const u of this.granted({ users: [], groups: [h.name] })) ok.add(u);
      else if (h.type === 'projectRole') for (const u of this.granted(p.roles[h.roleId] ?? { users: [], groups: [] })) ok.add(u);
      else if (h.type === 'applicationRole') {
        for (const u of this.users.values()) if (u.roles.includes(h.key)) ok.add(u.accountId);
      } else if (h.type === 'reporter') ok.add(i.reporter);
      else if (h.type === 'assignee' && i.assignee) ok.add(i.assignee);
    }
    return new Set([...all].filter((u) => ok.has(u)));
  }

  private issueJson(i: FxIssue, expand: string): Record<string, unknown> {
    const p = this.projects.get(i.project)!;
    const rich = (s: string) => (this.v === '3' ? adf(s) : s);
    const commentJson = (c: FxComment) => ({ id: c.id, author: this.userJson(this.users.get(c.author)), body: rich(c.body), created: jiraTime(c.created), updated: jiraTime(c.updated) });
    const fields: Record<string, unknown> = {
      summary: i.summary, description: rich(i.description), issuetype: { id: '10001', name: i.type }, status: { name: 'Open' }, priority: { name: 'Medium' },
      project: { self: `${this.url}/rest/api/${this.v}/project/${p.id}`, id: p.id, key: p.key, name: p.name },
      created: jiraTime(i.created), updated: jiraTime(i.updated), reporter: this.userJson(this.users.get(i.reporter)), assignee: i.assignee ? this.userJson(this.users.get(i.assignee)) : null,
      comment: { comments: i.comments.slice(0, EMBEDDED_COMMENTS).map(commentJson), maxResults: EMBEDDED_COMMENTS, total: i.comments.length, startAt: 0 },
      attachment: i.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.bytes.length, mimeType: a.mimeType, created: jiraTime(a.created), content: `${this.url}/rest/api/${this.v}/attachment/content/${a.id}` })),
      security: i.security ? { id: i.security, name: this.levels.get(i.security)?.name } : null, labels: [],
      customfield_10030: this.v === '3' ? adf(`notes of ${i.key}`) : `notes of ${i.key}`, ...i.custom,
    };
    const out: Record<string, unknown> = { id: String(i.id), key: i.key, self: `${this.url}/rest/api/${this.v}/issue/${i.id}`, fields };
    if (expand.includes('changelog')) out.changelog = { startAt: 0, maxResults: i.histories.length, total: i.histories.length, histories: i.histories.map((h, n) => ({ id: String(n), created: jiraTime(h.created), items: h.items.map((x) => ({ field: x.field, fieldtype: 'jira', from: x.from, fromString: x.from, to: x.to, toString: x.to })) })) };
    return out;
  }

  private jqlIssue(i: FxIssue): JqlIssue {
    const p = this.projects.get(i.project)!;
    return { id: i.id, key: i.key, project: { id: p.id, key: p.key, name: p.name }, created: i.created, updated: i.updated, summary: i.summary, text: i.description, type: i.type };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      res.writeHead(status, { 'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json;charset=UTF-8', 'content-length': String(text.length), ...headers });
      res.end(text);
    };
    const errors = (status: number, ...messages: string[]) => send(status, { errorMessages: messages, errors: {} });
    this.counts.requests++;
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.stall(u.pathname + u.search)) return;
    const f = this.failures.shift();
    if (f) {
      this.counts.failed++;
      return send(f.status, f.status === 429 ? 'Rate limit exceeded.' : { errorMessages: ['Internal server error'] }, f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {});
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${this.login}:${this.secret}`).toString('base64')}`) {
      this.counts.unauthorized++;
      return send(401, 'Client must be authenticated to access this resource.', { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED', 'content-type': 'text/html' });
    }
    const q = (k: string) => u.searchParams.get(k) ?? '';
    const startAt = Math.max(0, Number(q('startAt') || 0));
    const max = (cap: number, dflt = 50) => Math.min(cap, Math.max(0, Number(q('maxResults') || dflt)));
    const m = /^\/rest\/api\/(2|3|latest)(\/.*)$/.exec(u.pathname);
    if (u.pathname.startsWith('/secure/attachment/') && this.v === '2') return this.attachment(u.pathname.split('/')[3], send);
    if (!m || (m[1] === '3' && this.v === '2')) return errors(404, 'Not found');
    const path = m[2];
    const me = this.users.get('acc-admin')!;
    let r: RegExpExecArray | null;
    if (path === '/myself') return send(200, this.userJson(me));
    if (path === '/project/search' && this.v === '3') {
      const all = [...this.projects.values()].sort((a, b) => a.key.localeCompare(b.key));
      const n = max(50);
      return send(200, { startAt, maxResults: n, total: all.length, isLast: startAt + n >= all.length, values: all.slice(startAt, startAt + n).map((p) => this.projectJson(p)) });
    }
    if (path === '/project') return send(200, [...this.projects.values()].map((p) => this.projectJson(p)));
    if ((r = /^\/project\/([^/]+)\/role\/(\d+)$/.exec(path))) {
      const p = this.projects.get(decodeURIComponent(r[1]));
      const g = p?.roles[r[2]];
      if (!p || !g) return errors(404, 'Role not found');
      const actors = [
        ...g.users.map((a) => ({ id: 1, displayName: this.users.get(a)?.displayName, type: 'atlassian-user-role-actor', actorUser: { accountId: a } })),
        ...g.groups.map((n) => ({ id: 2, displayName: n, name: n, type: 'atlassian-group-role-actor', actorGroup: { name: n, displayName: n, groupId: this.groups.get(n)?.groupId } })),
      ];
      return send(200, { id: Number(r[2]), name: `role ${r[2]}`, actors });
    }
    if ((r = /^\/project\/([^/]+)$/.exec(path))) {
      const key = decodeURIComponent(r[1]);
      const p = this.projects.get(key) ?? [...this.projects.values()].find((x) => x.id === key);
      return p ? send(200, this.projectJson(p)) : errors(404, `No project could be found with key '${key}'.`);
    }
    if (path === '/search' && this.classicSearchGone && m[1] === '3') {
      return errors(410, 'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.');
    }
    if (path === '/search' || (path === '/search/jql' && this.v === '3')) {
      this.counts.search++;
      const byKey = new Map([...this.issues.values()].map((i) => [i.key, i.id]));
      let jql;
      try {
        jql = compileJql(q('jql'), { tz: this.tz, idOfKey: (k) => byKey.get(k) });
      } catch (e) {
        if (e instanceof JqlError) return errors(400, e.message);
        throw e;
      }
      const hits = [...this.issues.values()].filter((i) => this.browsers(i).has(me.accountId)).map((i) => [i, this.jqlIssue(i)] as const).filter(([, j]) => jql.where(j)).sort((a, b) => jql.order(a[1], b[1]));
      const n = max(this.v === '3' ? (q('fields') === 'id' ? 5000 : 100) : 1000);
      if (path === '/search/jql') {
        // Enhanced search: an opaque nextPageToken instead of startAt, no total.
        const from = q('nextPageToken') ? Number(Buffer.from(q('nextPageToken'), 'base64url').toString()) : 0;
        const slice = hits.slice(from, from + n).map(([i]) => (q('fields') === 'id' ? { id: String(i.id) } : this.issueJson(i, q('expand'))));
        const isLast = from + n >= hits.length;
        return send(200, { issues: slice, isLast, ...(isLast ? {} : { nextPageToken: Buffer.from(String(from + n)).toString('base64url') }), ...(q('expand').includes('names') ? { names: { summary: 'Summary', ...NAMES } } : {}) });
      }
      const page = hits.slice(startAt, startAt + n).map(([i]) => this.issueJson(i, q('expand')));
      return send(200, { expand: 'names,schema', startAt, maxResults: n, total: hits.length, issues: page, ...(q('expand').includes('names') ? { names: { summary: 'Summary', ...NAMES } } : {}) });
    }
    if ((r = /^\/issue\/([^/]+)\/comment$/.exec(path))) {
      this.counts.comments++;
      const i = [...this.issues.values()].find((x) => x.key === r![1] || String(x.id) === r![1]);
      if (!i) return errors(404, 'Issue does not exist or you do not have permission to see it.');
      const n = max(5000);
      const rich = (s: string) => (this.v === '3' ? adf(s) : s);
      return send(200, { startAt, maxResults: n, total: i.comments.length, comments: i.comments.slice(startAt, startAt + n).map((c) => ({ id: c.id, author: this.userJson(this.users.get(c.author)), body: rich(c.body), created: jiraTime(c.created), updated: jiraTime(c.updated) })) });
    }
    if ((r = /^\/attachment\/content\/([^/]+)$/.exec(path))) {
      if (q('redirect') !== 'false') return send(303, '', { location: `https://api.media.atlassian.com/file/${r[1]}/binary` });
      return this.attachment(r[1], send);
    }
    if (path === '/users/search' && this.v === '3') {
      const all = [...this.users.values()];
      return send(200, all.slice(startAt, startAt + max(50)).map((x) => this.userJson(x)));
    }
    if (path === '/user/search' && this.v === '2') {
      const all = [...this.users.values()].filter((x) => q('username') === '.' || x.name.includes(q('username')));
      return send(200, all.slice(startAt, startAt + max(1000)).map((x) => this.userJson(x)));
    }
    if (path === '/user') {
      const x = this.v === '3' ? this.users.get(q('accountId')) : [...this.users.values()].find((y) => y.name === q('username'));
      return x ? send(200, this.userJson(x, q('expand'))) : errors(404, 'The user does not exist.');
    }
    if (path === '/group/member') {
      const g = q('groupname') || [...this.groups.values()].find((x) => x.groupId === q('groupId'))?.name;
      const members = [...this.users.values()].filter((x) => g && x.groups.includes(g));
      const n = max(50);
      return send(200, { startAt, maxResults: n, total: members.length, isLast: startAt + n >= members.length, values: members.slice(startAt, startAt + n).map((x) => this.userJson(x)) });
    }
    if (path === '/user/permission/search') {
      let ids: Set<string>;
      if (q('projectKey')) {
        const p = this.projects.get(q('projectKey'));
        if (!p) return errors(404, `No project could be found with key '${q('projectKey')}'.`);
        ids = this.granted(p.browse);
      } else {
        const i = [...this.issues.values()].find((x) => x.key === q('issueKey'));
        if (!i) return errors(404, 'Issue does not exist');
        ids = this.browsers(i);
      }
      const all = [...this.users.values()].filter((x) => ids.has(x.accountId));
      return send(200, all.slice(startAt, startAt + max(1000)).map((x) => this.userJson(x)));
    }
    if (path === '/issuesecurityschemes/level/member' && this.v === '3') {
      const l = this.levels.get(q('levelId'));
      const holders = l?.holders ?? [];
      const n = max(50);
      const values = holders.slice(startAt, startAt + n).map((h, k) => ({
        id: String(startAt + k), issueSecurityLevelId: l?.id,
        holder: h.type === 'user' ? { type: 'user', parameter: h.accountId, user: this.userJson(this.users.get(h.accountId)) }
          : h.type === 'group' ? { type: 'group', parameter: h.name, group: { name: h.name, groupId: this.groups.get(h.name)?.groupId } }
            : h.type === 'projectRole' ? { type: 'projectRole', parameter: h.roleId, projectRole: { id: Number(h.roleId) } }
              : h.type === 'applicationRole' ? { type: 'applicationRole', parameter: h.key }
              : { type: h.type },
      }));
      return send(200, { startAt, maxResults: n, total: holders.length, isLast: startAt + n >= holders.length, values });
    }
    return errors(404, 'Not found');
  }

  private attachment(id: string, send: (status: number, body: unknown) => void): void {
    this.counts.attachment++;
    for (const i of this.issues.values()) for (const a of i.attachments) if (a.id === id) return send(200, a.bytes);
    send(404, { errorMessages: ['The attachment does not exist.'], errors: {} });
  }
}
