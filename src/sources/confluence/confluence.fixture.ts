/**
 * Test fixture of the `confluence` source: an in-memory Confluence on a random loopback port,
 * speaking the REST API v1 subset the source uses, in two dialects. Written from Atlassian's
 * documentation, not from any implementation:
 *
 * - Confluence Cloud REST API v1 (developer.atlassian.com/cloud/confluence/rest/v1/intro/), under
 *   `/wiki`: "Space" GET /wiki/rest/api/space (start, limit, spaceKey, expand=permissions: one
 *   permission per subject, {operation: {operation: "read", targetType: "space"}, subjects:
 *   {user|group: {results}}, anonymousAccess}); "Content" GET /wiki/rest/api/content/{id} and
 *   GET /wiki/rest/api/content/search?cql=… with `cursor` paging (`_links.next` holds the next
 *   request, relative to `_links.base`); "Content - children and descendants"
 *   GET …/content/{id}/child/attachment and …/child/comment (start, limit); "Content labels"
 *   GET …/content/{id}/label; attachment bytes at the `_links.download` path
 *   (/download/attachments/{container}/{file}?version=n&api=v2); "Users" GET /wiki/rest/api/user/current
 *   (accountId, timeZone), GET /wiki/rest/api/search/user?cql=type=user, GET
 *   /wiki/rest/api/user/memberof?accountId=…; "Basic auth for REST APIs" (email + API token).
 *   Expansions served: body.storage, version, history (createdBy, createdDate, lastUpdated),
 *   ancestors, space, restrictions.read.restrictions.user/group (and the same under ancestors.),
 *   children.attachment, children.comment, container, extensions (fileSize, mediaType).
 * - Confluence Server / Data Center REST API (docs.atlassian.com/ConfluenceServer/rest/latest/):
 *   the same resources at /rest/api/… (optionally below a context path), `start`/`limit` offset
 *   paging also for content/search, users as {username, userKey, displayName}, groups by name,
 *   GET /rest/api/user/list, GET /rest/api/user/memberof?username=…, basic auth with user name
 *   and password.
 *
 * Content: `{results, start, limit, size, _links: {base, context, next?}}`; errors as
 * `{statusCode, message}` — 401 without valid basic credentials, 404 for unknown content, 400
 * for CQL it cannot parse (the CQL subset: confluence-cql.fixture.ts). Every item carries
 * history.createdDate / version.when in ISO 8601 with milliseconds; CQL `lastmodified` compares
 * at minute precision in the user's time zone, as the documentation says.
 *
 * Test controls: injected failures (429 with Retry-After, 5xx) before the next N requests,
 * requests left unanswered, latency per request, a time zone, request counters.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CqlError, compareTuples, parseCql, runCql, sortTuple, type CqlItem } from './confluence-cql.fixture.js';

export type Dialect = 'cloud' | 'server';

export interface FakeUser {
  accountId: string;
  username: string;
  displayName: string;
  email: string;
  groups: string[];
}

export interface FakeSpace {
  id: number;
  key: string;
  name: string;
  created: number;
  /** Users (account ids or user names) and groups with the space's view permission. */
  viewUsers: string[];
  viewGroups: string[];
  anonymous: boolean;
}

export interface FakeContent extends CqlItem {
  type: 'page' | 'blogpost' | 'comment' | 'attachment';
  version: number;
  author: string;
  /** Storage-format XHTML (pages, blog posts, comments). */
  body: string;
  restrictUsers: string[];
  restrictGroups: string[];
  bytes?: Buffer;
  mediaType?: string;
}

export interface FakeConfluence {
  url: string;
  /** What `confluence_url` is set to: the site (Cloud: without /wiki) or the server with its context path. */
  siteUrl: string;
  dialect: Dialect;
  login: { user: string; secret: string };
  timeZone: string;
  spaces: Map<string, FakeSpace>;
  content: Map<string, FakeContent>;
  users: FakeUser[];
  groups: { id: string; name: string }[];
  space(key: string, o?: Partial<FakeSpace>): FakeSpace;
  /** Adds content; `parent` is the page above a page, or the container of a comment or attachment. */
  add(o: Partial<FakeContent> & { type: FakeContent['type']; spaceKey: string; title: string; parent?: string | null }): FakeContent;
  /** A new version (title, body, labels, bytes…), modified now. */
  update(id: string, o?: Partial<FakeContent>): FakeContent;
  remove(id: string): void;
  /** Answer the next `n` requests with `status` (and `Retry-After: retryAfter` when given). */
  fail(n: number, status: number, retryAfter?: number): void;
  stall: (url: string) => boolean;
  /** Called before each request is answered (to change content between pages). */
  onRequest: (url: string) => void;
  latencyMs: number;
  counts: { requests: number; search: number; children: number; downloads: number; failed: number; unauthorized: number };
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function startFakeConfluence(o: { dialect?: Dialect; context?: string } = {}): Promise<FakeConfluence> {
  const dialect = o.dialect ?? 'cloud';
  const context = dialect === 'cloud' ? '/wiki' : (o.context ?? '');
  const fake = {} as FakeConfluence;
  let nextId = 65_000;
  let failures: { n: number; status: number; retryAfter?: number } = { n: 0, status: 0 };
  let origin = '';
  const counts = { requests: 0, search: 0, children: 0, downloads: 0, failed: 0, unauthorized: 0 };
  const users: FakeUser[] = [
    { accountId: '5b10a2844c20165700ede21g', username: 'admin', displayName: 'Ada Admin', email: 'ada@example.com', groups: ['confluence-users', 'administrators'] },
    { accountId: '5b10ac8d82e05b22cc7d4ef5', username: 'bob', displayName: 'Bob Writer', email: 'bob@example.com', groups: ['confluence-users', 'engineering'] },
    { accountId: '6a20bc8d82e05b22cc7d4e01', username: 'carol', displayName: 'Carol Reader', email: 'carol@example.com', groups: ['confluence-users'] },
    { accountId: '6a20bc8d82e05b22cc7d4e02', username: 'dave', displayName: 'Dave Outsider', email: 'dave@example.com', groups: [] },
  ];
  const groups = [
    { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'confluence-users' },
    { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'administrators' },
    { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'engineering' },
  ];
  const spaces = new Map<string, FakeSpace>();
  const content = new Map<string, FakeContent>();
  const userRef = (u: FakeUser) => (dialect === 'cloud' ? u.accountId : u.username);
  const findUser = (ref: string) => users.find((u) => u.accountId === ref || u.username === ref);
  const userJson = (ref: string) => {
    const u = findUser(ref);
    if (!u) return { type: 'anonymous', displayName: 'Anonymous' };
    return dialect === 'cloud'
      ? { type: 'known', accountId: u.accountId, accountType: 'atlassian', email: u.email, publicName: u.displayName, displayName: u.displayName }
      : { type: 'known', username: u.username, userKey: `8a7f8085${u.username.padEnd(24, '0')}`, displayName: u.displayName };
  };
  const groupJson = (name: string) => {
    const g = groups.find((x) => x.name === name);
    return dialect === 'cloud' ? { type: 'group', name, id: g?.id ?? name } : { type: 'group', name };
  };
  const spaceJson = (s: FakeSpace, expand: Set<string>) => {
    const j: Record<string, unknown> = { id: s.id, key: s.key, name: s.name, type: 'global', status: 'current', _links: { webui: `/spaces/${s.key}`, self: `${origin}${context}/rest/api/space/${s.key}` } };
    if (expand.has('history') || expand.has('space.history')) j.history = { createdDate: iso(s.created), createdBy: userJson(userRef(users[0])) };
    if (expand.has('permissions') || expand.has('space.permissions')) {
      j.permissions = [
        ...s.viewUsers.map((u, i) => ({ id: s.id * 100 + i, subjects: { user: { results: [userJson(u)], size: 1 } }, operation: { operation: 'read', targetType: 'space' }, anonymousAccess: false, unlicensedAccess: false })),
        ...s.viewGroups.map((g, i) => ({ id: s.id * 100 + 50 + i, subjects: { group: { results: [groupJson(g)], size: 1 } }, operation: { operation: 'read', targetType: 'space' }, anonymousAccess: false, unlicensedAccess: false })),
        ...s.viewGroups.map((g, i) => ({ id: s.id * 100 + 80 + i, subjects: { group: { results: [groupJson(g)], size: 1 } }, operation: { operation: 'create', targetType: 'page' }, anonymousAccess: false, unlicensedAccess: false })),
        ...(s.anonymous ? [{ id: s.id * 100 + 99, operation: { operation: 'read', targetType: 'space' }, anonymousAccess: true, unlicensedAccess: false }] : []),
      ];
    }
    return j;
  };
  const restrictionsJson = (c: FakeContent) => ({
    read: {
      operation: 'read',
      restrictions: {
        user: { results: c.restrictUsers.map(userJson), start: 0, limit: 200, size: c.restrictUsers.length },
        group: { results: c.restrictGroups.map(groupJson), start: 0, limit: 200, size: c.restrictGroups.length },
      },
    },
  });
  const webui = (c: FakeContent): string => {
    const slug = encodeURIComponent(c.title).replace(/%20/g, '+');
    if (c.type === 'page') return `/spaces/${c.spaceKey}/pages/${c.id}/${slug}`;
    if (c.type === 'blogpost') return `/spaces/${c.spaceKey}/blog/${new Date(c.created).toISOString().slice(0, 10).replace(/-/g, '/')}/${c.id}/${slug}`;
    const parent = content.get(c.container ?? '');
    const at = parent ? webui(parent) : `/spaces/${c.spaceKey}`;
    return c.type === 'comment' ? `${at}?focusedCommentId=${c.id}#comment-${c.id}` : `/pages/viewpageattachments.action?pageId=${c.container}&preview=/${c.container}/${c.id}/${encodeURIComponent(c.title)}`;
  };
  const contentJson = (c: FakeContent, expand: Set<string>): Record<string, unknown> => {
    const s = spaces.get(c.spaceKey)!;
    const j: Record<string, unknown> = {
      id: c.id, type: c.type, status: 'current', title: c.title,
      _links: { webui: webui(c), self: `${origin}${context}/rest/api/content/${c.id}`, ...(c.type === 'attachment' ? { download: `/download/attachments/${c.container}/${encodeURIComponent(c.title)}?version=${c.version}&modificationDate=${c.modified}&api=v2` } : {}) },
    };
    if (expand.has('space')) j.space = spaceJson(s, new Set([...expand].filter((e) => e.startsWith('space.')).map((e) => e.slice(6))));
    if (expand.has('version')) j.version = { by: userJson(c.author), when: iso(c.modified), number: c.version, minorEdit: false };
    if (expand.has('history') || expand.has('history.lastUpdated')) {
      j.history = { latest: true, createdBy: userJson(c.author), createdDate: iso(c.created), lastUpdated: { by: userJson(c.author), when: iso(c.modified), number: c.version } };
    }
    if (expand.has('body.storage') && c.type !== 'attachment') j.body = { storage: { value: c.body, representation: 'storage' } };
    if ([...expand].some((e) => e.startsWith('restrictions.read'))) j.restrictions = restrictionsJson(c);
    if (expand.has('ancestors')) {
      const withRestrictions = [...expand].some((e) => e.startsWith('ancestors.restrictions.read'));
      j.ancestors = c.ancestors.map((a) => content.get(a)).filter((a): a is FakeContent => !!a).map((a) => ({
        id: a.id, type: a.type, title: a.title, _links: { webui: webui(a) }, ...(withRestrictions ? { restrictions: restrictionsJson(a) } : {}),
      }));
    }
    if (expand.has('container') && c.container) {
      const p = content.get(c.container);
      if (p) j.container = contentJson(p, new Set([...expand].filter((e) => e.startsWith('container.')).map((e) => e.slice(10))));
    }
    if (c.type === 'attachment') j.extensions = { mediaType: c.mediaType ?? 'application/octet-stream', fileSize: c.bytes?.length ?? 0, comment: '' };
    if (c.type === 'comment') j.extensions = { location: 'footer' };
    for (const kind of ['attachment', 'comment'] as const) {
      if (expand.has(`children.${kind}`)) {
        const kids = [...content.values()].filter((k) => k.type === kind && k.container === c.id);
        j.children = { ...(j.children as object), [kind]: { results: kids.slice(0, 25).map((k) => contentJson(k, new Set(['version']))), start: 0, limit: 25, size: Math.min(25, kids.length), _links: kids.length > 25 ? { next: `/rest/api/content/${c.id}/child/${kind}?limit=25&start=25` } : {} } };
      }
    }
    return j;
  };

  /** A page of `items` by start/limit, with the `_links` of the documentation. */
  const paged = (u: URL, items: unknown[], maxLimit: number) => {
    const start = Math.max(0, Number(u.searchParams.get('start') ?? 0) || 0);
    const limit = Math.min(maxLimit, Math.max(1, Number(u.searchParams.get('limit') ?? 25) || 25));
    const results = items.slice(start, start + limit);
    const links: Record<string, string> = { base: `${origin}${context}`, context };
    if (start + limit < items.length) {
      const n = new URLSearchParams(u.searchParams);
      n.set('start', String(start + limit));
      n.set('limit', String(limit));
      links.next = `${u.pathname.slice(context.length)}?${n}`;
    }
    return { results, start, limit, size: results.length, _links: links };
  };

  const authorised = (req: IncomingMessage): boolean => {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const text = Buffer.from(m[1], 'base64').toString('utf8');
    const i = text.indexOf(':');
    return i > 0 && text.slice(0, i) === fake.login.user && text.slice(i + 1) === fake.login.secret;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    counts.requests++;
    fake.onRequest(req.url ?? '');
    if (fake.stall(req.url ?? '')) return;
    if (failures.n > 0) {
      failures.n--;
      counts.failed++;
      const h: Record<string, string> = failures.retryAfter === undefined ? {} : { 'retry-after': String(failures.retryAfter) };
      return send(res, failures.status, { statusCode: failures.status, message: failures.status === 429 ? 'Rate limit exceeded' : 'Internal Server Error' }, h);
    }
    if (!authorised(req)) {
      counts.unauthorized++;
      return send(res, 401, { statusCode: 401, message: 'Client must be authenticated to access this resource.' }, { 'www-authenticate': 'Basic realm="Confluence"' });
    }
    const u = new URL(req.url ?? '/', origin);
    if (!u.pathname.startsWith(`${context}/`)) return send(res, 404, { statusCode: 404, message: 'Not Found' });
    const path = u.pathname.slice(context.length);
    const expand = new Set((u.searchParams.get('expand') ?? '').split(',').map((e) => e.trim()).filter(Boolean));
    let m: RegExpExecArray | null;
    if (path === '/rest/api/space') {
      const keys = u.searchParams.getAll('spaceKey');
      const list = [...spaces.values()].filter((s) => keys.length === 0 || keys.includes(s.key)).sort((a, b) => a.id - b.id);
      return send(res, 200, paged(u, list.map((s) => spaceJson(s, expand)), 500));
    }
    if ((m = /^\/rest\/api\/space\/([^/]+)$/.exec(path))) {
      const sp = spaces.get(decodeURIComponent(m[1]));
      if (!sp) return send(res, 404, { statusCode: 404, message: `No space with key : ${decodeURIComponent(m[1])}` });
      return send(res, 200, spaceJson(sp, expand));
    }
    if (path === '/rest/api/content/search') {
      counts.search++;
      const cql = u.searchParams.get('cql') ?? '';
      try {
        const q = parseCql(cql);
        const hits = runCql(q, content.values(), fake.timeZone);
        const limit = Math.min(expand.has('body.storage') ? 50 : 200, Math.max(1, Number(u.searchParams.get('limit') ?? 25) || 25));
        if (dialect === 'server') return send(res, 200, { ...paged(u, hits.map((c) => contentJson(c, expand)), limit), cqlQuery: cql });
        // Cloud: cursor paging, the cursor being the sort position of the last item returned.
        const cursor = u.searchParams.get('cursor');
        const after = cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as (number | string)[]) : null;
        const rest = after ? hits.filter((c) => compareTuples(sortTuple(c, q), after, q) > 0) : hits;
        const page = rest.slice(0, limit);
        const links: Record<string, string> = { base: `${origin}${context}`, context };
        if (rest.length > limit) {
          const n = new URLSearchParams(u.searchParams);
          n.set('cursor', Buffer.from(JSON.stringify(sortTuple(page[page.length - 1], q))).toString('base64url'));
          n.set('limit', String(limit));
          links.next = `/rest/api/content/search?${n}`;
        }
        return send(res, 200, { results: page.map((c) => contentJson(c, expand)), start: 0, limit, size: page.length, cqlQuery: cql, _links: links });
      } catch (err) {
        if (!(err instanceof CqlError)) throw err;
        return send(res, 400, { statusCode: 400, data: { authorized: false, valid: false, errors: [], successful: false }, message: `com.atlassian.confluence.api.service.exceptions.BadRequestException: ${err.message}` });
      }
    }
    if ((m = /^\/rest\/api\/content\/([^/]+)\/child\/(attachment|comment)$/.exec(path))) {
      counts.children++;
      if (!content.has(m[1])) return send(res, 404, { statusCode: 404, message: `No content found with id: ContentId{id=${m[1]}}` });
      const kids = [...content.values()].filter((k) => k.type === m![2] && k.container === m![1]).sort((a, b) => a.created - b.created);
      return send(res, 200, paged(u, kids.map((k) => contentJson(k, expand)), 200));
    }
    if ((m = /^\/rest\/api\/content\/([^/]+)\/label$/.exec(path))) {
      const c = content.get(m[1]);
      if (!c) return send(res, 404, { statusCode: 404, message: `No content found with id: ContentId{id=${m[1]}}` });
      return send(res, 200, paged(u, c.labels.map((l, i) => ({ prefix: 'global', name: l, id: String(9000 + i), label: l })), 200));
    }
    if ((m = /^\/rest\/api\/content\/([^/]+)$/.exec(path))) {
      const c = content.get(m[1]);
      if (!c) return send(res, 404, { statusCode: 404, message: `No content found with id: ContentId{id=${m[1]}}` });
      return send(res, 200, contentJson(c, expand));
    }
    if ((m = /^\/download\/attachments\/([^/]+)\/([^/]+)$/.exec(path))) {
      counts.downloads++;
      const name = decodeURIComponent(m[2]);
      const a = [...content.values()].find((c) => c.type === 'attachment' && c.container === m![1] && c.title === name);
      if (!a) return send(res, 404, { statusCode: 404, message: 'Attachment not found' });
      res.writeHead(200, { 'content-type': a.mediaType ?? 'application/octet-stream', 'content-length': String(a.bytes?.length ?? 0) });
      return void res.end(a.bytes ?? Buffer.alloc(0));
    }
    if (path === '/rest/api/user/current') {
      return send(res, 200, { ...userJson(userRef(users[0])), timeZone: fake.timeZone });
    }
    if (path === '/rest/api/search/user' && dialect === 'cloud') {
      if (!/type\s*=\s*user/.test(u.searchParams.get('cql') ?? '')) return send(res, 400, { statusCode: 400, message: 'cql must select type=user' });
      return send(res, 200, paged(u, users.map((x) => ({ user: userJson(x.accountId), title: x.displayName, entityType: 'user' })), 1000));
    }
    if (path === '/rest/api/user/list' && dialect === 'server') return send(res, 200, paged(u, users.map((x) => userJson(x.username)), 200));
    if (path === '/rest/api/user/memberof') {
      const who = u.searchParams.get(dialect === 'cloud' ? 'accountId' : 'username') ?? '';
      const user = findUser(who);
      if (!user) return send(res, 404, { statusCode: 404, message: 'No user found' });
      return send(res, 200, paged(u, user.groups.map(groupJson), 200));
    }
    return send(res, 404, { statusCode: 404, message: `No resource at ${path}` });
  };

  const server = createServer((req, res) => {
    req.resume();
    const go = () => {
      try {
        handle(req, res);
      } catch (err) {
        send(res, 500, { statusCode: 500, message: String(err) });
      }
    };
    if (fake.latencyMs > 0) setTimeout(go, fake.latencyMs);
    else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let clock = Date.now();
  // Strictly increasing modification times: two changes never share a millisecond.
  const now = () => (clock = Math.max(clock + 1, Date.now()));
  Object.assign(fake, {
    url: `${origin}${context}`,
    siteUrl: dialect === 'cloud' ? origin : `${origin}${context}`,
    dialect,
    login: dialect === 'cloud' ? { user: 'ada@example.com', secret: 'ATATT3xFfGF0-test-token' } : { user: 'admin', secret: 'server-password' },
    timeZone: 'UTC',
    spaces,
    content,
    users,
    groups,
    space(key: string, so: Partial<FakeSpace> = {}) {
      const s: FakeSpace = { id: 98_000 + spaces.size, key, name: `${key} space`, created: now(), viewUsers: [], viewGroups: ['confluence-users'], anonymous: false, ...so };
      spaces.set(key, s);
      return s;
    },
    add(co: Partial<FakeContent> & { type: FakeContent['type']; spaceKey: string; title: string; parent?: string | null }) {
      const t = now();
      const id = co.type === 'attachment' ? `att${++nextId}` : String(++nextId);
      const parent = co.parent ? content.get(co.parent) : undefined;
      const child = co.type === 'comment' || co.type === 'attachment';
      const c: FakeContent = {
        id, text: '', labels: [], created: t, modified: t, version: 1, author: userRef(users[1]), body: '', restrictUsers: [], restrictGroups: [],
        ...co,
        parent: child ? null : (co.parent ?? null),
        container: child ? (co.parent ?? null) : null,
        ancestors: parent && !child ? [...parent.ancestors, parent.id] : parent ? [...parent.ancestors, parent.id] : [],
      } as FakeContent;
      c.text = c.body.replace(/<[^>]*>/g, ' '); // the fake search index of CQL `text ~` (the source extracts through src/extraction/)
      content.set(id, c);
      return c;
    },
    update(id: string, uo: Partial<FakeContent> = {}) {
      const c = content.get(id)!;
      Object.assign(c, uo, { version: c.version + 1, modified: now() });
      c.text = c.body.replace(/<[^>]*>/g, ' ');
      return c;
    },
    remove(id: string) {
      content.delete(id);
      for (const c of [...content.values()]) if (c.container === id || c.ancestors.includes(id)) content.delete(c.id);
    },
    fail(n: number, status: number, retryAfter?: number) {
      failures = { n, status, retryAfter };
    },
    stall: () => false,
    onRequest: () => {},
    latencyMs: 0,
    counts,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
