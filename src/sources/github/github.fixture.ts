/**
 * Test fixture of the `github` source: an in-memory GitHub REST API v3 on a random loopback
 * port, written from GitHub's REST documentation — FIXTURE.md names the pages and the routes
 * served. Data model and resources: github-data.fixture.ts; the contract-suite recipe:
 * github-contract.fixture.ts.
 */
import { generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  blobSha, commentResource, issueResource, matchesSearch, nextId, nodeId, pullResource, repoResource, treeOf, userResource,
  type FIssue, type FRepo, type FUser, type TreeEntry,
} from './github-data.fixture.js';

export const APP_ID = 4242;

export type Failure = 'primary' | 'secondary' | 'secondary-no-wait' | '429' | '500' | '502';

export interface FakeGitHub {
  url: string;
  /** A personal access token of `login` (created on first use). */
  pat(login: string): string;
  /** The GitHub App's private key (PEM); `other` = a key the server does not know. */
  appKey(o?: { other?: boolean }): string;
  user(login: string, email?: string | null): FUser;
  org(login: string, members: string[]): FUser;
  /** Installs the GitHub App on an account (org or user). */
  install(account: string): number;
  repo(owner: string, name: string, o?: { private?: boolean; collaborators?: string[] }): FRepo;
  repos(): FRepo[];
  removeRepo(owner: string, name: string): void;
  issue(repo: FRepo, o?: Partial<Pick<FIssue, 'title' | 'body' | 'state' | 'user'>> & { pr?: boolean; comments?: number; labels?: string[] }): FIssue;
  touch(repo: FRepo, n: number, title?: string): void;
  deleteIssue(repo: FRepo, n: number): void;
  putFile(repo: FRepo, path: string, body: string | Buffer, branch?: string): void;
  removeFile(repo: FRepo, path: string, branch?: string): void;
  /** Answer the next `n` API requests with a failure (`wait` = seconds of Retry-After / until reset). */
  fail(n: number, kind: Failure, wait?: number): void;
  /** Requests whose path and query match get no answer. */
  stall: (url: string) => boolean;
  /** Authenticated requests whose path and query match are answered 403 (a token without the scope). */
  deny: (url: string) => boolean;
  /** Delay (ms) before each answer. */
  latencyMs: number;
  revokeTokens(): void;
  counts: { requests: number; failed: number; unauthorized: number; installationTokens: number; byRoute: Map<string, number> };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      if (s.length < 65536) s += d;
    });
    req.on('end', () => resolve(s));
  });
}

/** Why a JWT of the app is refused, or null ("Generating a JSON Web Token (JWT) for a GitHub App"). */
function jwtProblem(jwt: string, publicKey: import('node:crypto').KeyObject): string | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return "A JSON web token could not be decoded";
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'RS256') return "'alg' must be RS256";
    if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'))) return 'A JSON web token could not be decoded';
    const now = Math.floor(Date.now() / 1000);
    if (String(claims.iss) !== String(APP_ID)) return "'Issuer' claim ('iss') must be an Integer";
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return "'Issued at' claim ('iat') must be an Integer";
    if (claims.iat > now + 60) return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
    if (claims.exp <= now || claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
  } catch {
    return 'A JSON web token could not be decoded';
  }
  return null;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const users = new Map<string, FUser>();
  const members = new Map<string, Set<string>>(); // org → logins
  const repos = new Map<string, FRepo>(); // "owner/name"
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, TreeEntry[]>();
  const pats = new Map<string, string>(); // token → login
  const installations = new Map<string, number>(); // account → installation id
  const instTokens = new Map<string, { inst: number; until: number }>();
  let failures: { n: number; kind: Failure; wait: number } = { n: 0, kind: '500', wait: 1 };
  const counts = { requests: 0, failed: 0, unauthorized: 0, installationTokens: 0, byRoute: new Map<string, number>() };
  let base = '';
  const fake = { latencyMs: 0, stall: () => false, deny: () => false } as unknown as FakeGitHub;

  const rate = (remaining = 4999): Record<string, string> => ({
    'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600), 'x-ratelimit-resource': 'core',
  });
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...rate(), ...headers });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) }, headers);

  /** One page of `items` (per_page ≤ 100, page ≥ 1) with GitHub's Link header. */
  const page = (res: ServerResponse, u: URL, items: unknown[], wrap?: (items: unknown[]) => unknown) => {
    const per = Math.min(100, Math.max(1, Number(u.searchParams.get('per_page') ?? 30) || 30));
    const p = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (n: number, rel: string) => {
      const l = new URL(u.href);
      l.searchParams.set('page', String(n));
      return `<${l.href}>; rel="${rel}"`;
    };
    const links = [];
    if (p < last) links.push(link(p + 1, 'next'), link(last, 'last'));
    if (p > 1) links.push(link(1, 'first'), link(p - 1, 'prev'));
    const slice = items.slice((p - 1) * per, p * per);
    send(res, 200, wrap ? wrap(slice) : slice, links.length ? { link: links.join(', ') } : {});
  };

  type Caller = { kind: 'pat'; login: string } | { kind: 'inst'; inst: number } | { kind: 'app' };
  const caller = (req: IncomingMessage): Caller | string => {
    const m = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return 'Requires authentication';
    const t = m[1];
    if (pats.has(t)) return { kind: 'pat', login: pats.get(t)! };
    const it = instTokens.get(t);
    if (it) return it.until > Date.now() ? { kind: 'inst', inst: it.inst } : 'Bad credentials';
    if (t.split('.').length === 3) return jwtProblem(t, publicKey) ?? { kind: 'app' };
    return 'Bad credentials';
  };
  const canSee = (c: Caller, r: FRepo): boolean => {
    if (c.kind === 'inst') return installations.get(r.owner) === c.inst;
    if (c.kind !== 'pat') return false;
    if (!r.private || r.owner === c.login || r.collaborators.includes(c.login)) return true;
    return members.get(r.owner)?.has(c.login) ?? false;
  };
  const visible = (c: Caller) => [...repos.values()].filter((r) => canSee(c, r)).sort((a, b) => a.id - b.id);
  const repoRes = (r: FRepo) => repoResource(r, users.get(r.owner)!, base);

  const route = async (req: IncomingMessage, res: ServerResponse, u: URL): Promise<void> => {
    const path = u.pathname.replace(/^\/api\/v3(?=\/)/, '');
    const key = path.replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/git\/(trees|blobs)\/[^/]+/, '/git/$1/:sha');
    counts.byRoute.set(key, (counts.byRoute.get(key) ?? 0) + 1);
    const c = caller(req);
    if (typeof c === 'string') {
      counts.unauthorized++;
      return error(res, 401, c);
    }
    const jwtOnly = /^\/app(\/|$)|^\/(orgs|users)\/[^/]+\/installation$|^\/repos\/[^/]+\/[^/]+\/installation$/.test(path);
    if (jwtOnly !== (c.kind === 'app')) {
      return c.kind === 'app' ? error(res, 401, 'A JSON web token cannot be used to access this resource') : error(res, 401, 'A JSON web token could not be decoded');
    }
    if (fake.deny(u.pathname + u.search)) return error(res, 403, 'Resource not accessible by personal access token');
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      await readBody(req);
      const inst = Number(m[1]);
      if (![...installations.values()].includes(inst)) return error(res, 404, 'Not Found');
      counts.installationTokens++;
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      const until = Date.now() + 3600_000;
      instTokens.set(token, { inst, until });
      return send(res, 201, { token, expires_at: new Date(until).toISOString(), permissions: { contents: 'read', issues: 'read', metadata: 'read', pull_requests: 'read', members: 'read' } });
    }
    req.resume();
    if (req.method !== 'GET') return error(res, 404, 'Not Found');
    if (path === '/app') return send(res, 200, { id: APP_ID, slug: 'tributary-test', name: 'Tributary test' });
    const instOf = (account: string) => {
      const id = installations.get(account);
      const a = users.get(account);
      return id === undefined || !a ? null : { id, app_id: APP_ID, account: userResource(a, base), target_type: a.type, suspended_at: null };
    };
    if (path === '/app/installations') return page(res, u, [...installations.keys()].map(instOf));
    if ((m = /^\/(?:orgs|users)\/([^/]+)\/installation$/.exec(path)) || (m = /^\/repos\/([^/]+)\/[^/]+\/installation$/.exec(path))) {
      const inst = instOf(m[1]);
      return inst ? send(res, 200, inst) : error(res, 404, 'Not Found');
    }
    if (path === '/installation/repositories') {
      if (c.kind !== 'inst') return error(res, 403, 'Resource not accessible by personal access token');
      const list = visible(c).map(repoRes);
      return page(res, u, list, (items) => ({ total_count: list.length, repositories: items }));
    }
    if (path === '/user') {
      if (c.kind !== 'pat') return error(res, 403, 'Resource not accessible by integration');
      return send(res, 200, userResource(users.get(c.login)!, base), { 'x-oauth-scopes': 'repo, read:org, user' });
    }
    if (path === '/user/repos') return c.kind === 'pat' ? page(res, u, visible(c).filter((r) => r.owner === c.login).map(repoRes)) : error(res, 403, 'Resource not accessible by integration');
    if ((m = /^\/orgs\/([^/]+)\/(repos|members)$/.exec(path))) {
      const org = users.get(m[1]);
      if (!org || org.type !== 'Organization') return error(res, 404, 'Not Found');
      if (m[2] === 'members') return page(res, u, [...(members.get(org.login) ?? [])].sort().map((l) => userResource(users.get(l)!, base)));
      return page(res, u, visible(c).filter((r) => r.owner === org.login).map(repoRes));
    }
    if (path === '/search/issues') {
      const terms = (u.searchParams.get('q') ?? '').split(/\s+/).filter(Boolean);
      const scope = terms.find((t) => t.startsWith('repo:'))?.slice(5);
      const r = scope ? repos.get(scope) : undefined;
      if (!r || !canSee(c, r)) return error(res, 422, 'Validation Failed');
      const found = [...r.issues.values()].filter((i) => matchesSearch(i, terms.filter((t) => !t.startsWith('repo:')))).slice(0, 1000);
      return page(res, u, found.map((i) => issueResource(r, i, users, base)), (items) => ({ total_count: found.length, incomplete_results: false, items }));
    }
    if (!(m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path))) return error(res, 404, 'Not Found');
    const r = repos.get(`${m[1]}/${m[2]}`);
    if (!r || !canSee(c, r)) return error(res, 404, 'Not Found');
    const rest = m[3] ?? '';
    if (rest === '') return send(res, 200, repoRes(r));
    const byNumber = [...r.issues.values()].sort((a, b) => a.number - b.number);
    if (r.issuesDisabled && (rest === '/issues' || /^\/issues\/\d+$/.test(rest))) return error(res, 410, 'Issues are disabled for this repo');
    if (rest === '/issues') {
      const since = u.searchParams.get('since');
      const state = u.searchParams.get('state') ?? 'open';
      let list = byNumber.filter((i) => (state === 'all' || i.state === state) && (!since || Date.parse(i.updated_at) >= Date.parse(since)));
      if (u.searchParams.get('sort') === 'updated') list = list.sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0));
      if (u.searchParams.get('direction') !== 'asc') list.reverse();
      return page(res, u, list.map((i) => issueResource(r, i, users, base)));
    }
    if (rest === '/pulls') {
      let list = byNumber.filter((i) => i.pr && (u.searchParams.get('state') === 'all' || i.state === (u.searchParams.get('state') ?? 'open')));
      if (u.searchParams.get('sort') === 'updated') list = list.sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));
      if (u.searchParams.get('direction') === 'desc' || (!u.searchParams.get('direction') && u.searchParams.get('sort') === 'updated')) list.reverse();
      return page(res, u, list.map((i) => pullResource(r, i, users, base)));
    }
    if ((m = /^\/(issues|pulls)\/(\d+)(\/comments|\/reviews)?$/.exec(rest))) {
      const i = r.issues.get(Number(m[2]));
      if (!i || (m[1] === 'pulls' && !i.pr)) return error(res, 404, 'Not Found');
      if (!m[3]) return send(res, 200, m[1] === 'pulls' ? pullResource(r, i, users, base) : issueResource(r, i, users, base));
      if (m[1] === 'issues' && m[3] === '/comments') return page(res, u, i.comments.map((x) => commentResource(x, users, base)));
      if (m[1] === 'pulls' && m[3] === '/comments') return page(res, u, i.pr!.review_comments.map((x) => commentResource(x, users, base)));
      if (m[1] === 'pulls' && m[3] === '/reviews') return page(res, u, i.pr!.reviews.map((x) => ({ ...x, user: userResource(users.get(x.user)!, base) })));
      return error(res, 404, 'Not Found');
    }
    if ((m = /^\/git\/trees\/([^/]+)$/.exec(rest))) {
      const ref = decodeURIComponent(m[1]);
      const files = r.branches.get(ref);
      if (files) {
        const t = treeOf(files, blobs);
        trees.set(t.sha, t.tree);
        const tree = u.searchParams.get('recursive') ? t.tree : t.tree.filter((e) => !e.path.includes('/'));
        return send(res, 200, { sha: t.sha, url: `${base}/repos/${r.owner}/${r.name}/git/trees/${t.sha}`, tree, truncated: false });
      }
      const old = trees.get(ref);
      return old ? send(res, 200, { sha: ref, tree: old, truncated: false }) : error(res, 404, 'Not Found');
    }
    if ((m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      const b = blobs.get(m[1]);
      if (!b) return error(res, 404, 'Not Found');
      if ((req.headers.accept ?? '').includes('application/vnd.github.raw')) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.raw', 'content-length': String(b.length), ...rate() });
        return void res.end(b);
      }
      return send(res, 200, { sha: m[1], node_id: nodeId('Blob', b.length), size: b.length, encoding: 'base64', content: b.toString('base64').replace(/(.{60})/g, '$1\n') });
    }
    if (rest === '/commits') {
      const files = r.branches.get(u.searchParams.get('sha') ?? r.default_branch);
      const f = files?.get(u.searchParams.get('path') ?? '');
      return page(res, u, f ? [{ sha: randomBytes(20).toString('hex'), commit: { committer: { name: 'x', date: f.updated }, author: { name: 'x', date: f.updated }, message: 'change' } }] : []);
    }
    if (rest === '/collaborators') {
      if (c.kind === 'pat' && r.owner !== c.login && !members.get(r.owner)?.has(c.login)) return error(res, 403, 'Must have push access to view repository collaborators.');
      return page(res, u, r.collaborators.map((l) => ({ ...userResource(users.get(l)!, base), permissions: { pull: true }, role_name: 'read' })));
    }
    return error(res, 404, 'Not Found');
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', base);
    counts.requests++;
    const answer = async () => {
      if (fake.stall(req.url ?? '')) return;
      if (failures.n > 0) {
        failures.n--;
        counts.failed++;
        req.resume();
        const reset = String(Math.floor(Date.now() / 1000) + failures.wait);
        if (failures.kind === 'primary') return error(res, 403, 'API rate limit exceeded for user ID 1.', { ...rate(0), 'x-ratelimit-reset': reset });
        if (failures.kind === 'secondary') return error(res, 403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': String(failures.wait) });
        if (failures.kind === 'secondary-no-wait') return error(res, 403, 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.');
        if (failures.kind === '429') return error(res, 429, 'Too Many Requests', { 'retry-after': String(failures.wait) });
        return error(res, Number(failures.kind), failures.kind === '502' ? 'Server Error' : 'Internal Server Error');
      }
      await route(req, res, u);
    };
    const go = () => void answer().catch((e: unknown) => error(res, 500, String(e)));
    if (fake.latencyMs > 0) setTimeout(go, fake.latencyMs);
    else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = () => new Date().toISOString();
  const mkUser = (login: string, type: FUser['type'], email: string | null = null): FUser => {
    const id = nextId();
    const u: FUser = { login, id, node_id: nodeId(type === 'User' ? 'U' : 'O', id), email, type };
    users.set(login, u);
    return u;
  };
  const touchRepo = (r: FRepo) => {
    r.pushed_at = now();
  };
  Object.assign(fake, {
    url: base,
    pat(login: string) {
      if (!users.has(login)) mkUser(login, 'User');
      const t = [...pats].find(([, l]) => l === login)?.[0] ?? `ghp_${randomBytes(18).toString('hex')}`;
      pats.set(t, login);
      return t;
    },
    appKey: (o: { other?: boolean } = {}) => (o.other ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : privateKey).export({ type: 'pkcs1', format: 'pem' }).toString(),
    user: (login: string, email: string | null = null) => users.get(login) ?? mkUser(login, 'User', email),
    org(login: string, logins: string[]) {
      for (const l of logins) if (!users.has(l)) mkUser(l, 'User', `${l}@example.com`);
      members.set(login, new Set(logins));
      return users.get(login) ?? mkUser(login, 'Organization');
    },
    install(account: string) {
      const id = installations.get(account) ?? nextId();
      installations.set(account, id);
      return id;
    },
    repo(owner: string, name: string, o: { private?: boolean; collaborators?: string[] } = {}) {
      if (!users.has(owner)) mkUser(owner, 'User');
      for (const l of o.collaborators ?? []) if (!users.has(l)) mkUser(l, 'User', `${l}@example.com`);
      const id = nextId();
      const r: FRepo = {
        owner, name, id, node_id: nodeId('R', id), private: o.private ?? false, description: `The ${name} repository`, language: 'TypeScript',
        created_at: now(), updated_at: now(), pushed_at: now(), default_branch: 'main', issues: new Map(), branches: new Map([['main', new Map()]]),
        collaborators: o.collaborators ?? [], nextNumber: 1,
      };
      repos.set(`${owner}/${name}`, r);
      return r;
    },
    repos: () => [...repos.values()],
    removeRepo: (owner: string, name: string) => void repos.delete(`${owner}/${name}`),
    issue(r: FRepo, o: Partial<Pick<FIssue, 'title' | 'body' | 'state' | 'user'>> & { pr?: boolean; comments?: number; labels?: string[] } = {}) {
      const id = nextId();
      const n = r.nextNumber++;
      const user = o.user ?? r.collaborators[0] ?? r.owner;
      const t = now();
      const comments = Array.from({ length: o.comments ?? 0 }, (_, k) => ({ id: nextId(), node_id: nodeId('IC', seqOf(k)), user, body: `comment ${k} on #${n}`, created_at: t, updated_at: t }));
      const i: FIssue = {
        number: n, id, node_id: nodeId(o.pr ? 'PR' : 'I', id), title: o.title ?? `${o.pr ? 'Change' : 'Problem'} number ${n}`, body: o.body ?? `Body of #${n}`,
        state: o.state ?? 'open', user, labels: (o.labels ?? ['bug']).map((l) => ({ name: l, description: `${l} label` })), assignees: [user],
        created_at: t, updated_at: t, closed_at: o.state === 'closed' ? t : null, comments,
      };
      if (o.pr) {
        const review = { id: nextId(), node_id: nodeId('PRR', id), user, body: `Review of #${n}`, state: 'COMMENTED' as const, submitted_at: t };
        i.pr = { merged_at: null, requested_reviewers: [user], reviews: [review], review_comments: [{ id: nextId(), node_id: nodeId('PRRC', id), user, body: `Nit in #${n}`, created_at: t, updated_at: t, pull_request_review_id: review.id, path: 'README.md' }] };
      }
      r.issues.set(n, i);
      return i;
    },
    touch(r: FRepo, n: number, title?: string) {
      const i = r.issues.get(n)!;
      if (title) i.title = title;
      i.updated_at = now();
    },
    deleteIssue: (r: FRepo, n: number) => void r.issues.delete(n),
    putFile(r: FRepo, path: string, body: string | Buffer, branch = r.default_branch) {
      const bytes = Buffer.from(body);
      const sha = blobSha(bytes);
      blobs.set(sha, bytes);
      if (!r.branches.has(branch)) r.branches.set(branch, new Map(r.branches.get(r.default_branch)));
      r.branches.get(branch)!.set(path, { sha, updated: now() });
      touchRepo(r);
    },
    removeFile(r: FRepo, path: string, branch = r.default_branch) {
      r.branches.get(branch)?.delete(path);
      touchRepo(r);
    },
    fail(n: number, kind: Failure, wait = 1) {
      failures = { n, kind, wait };
    },
    revokeTokens() {
      pats.clear();
      instTokens.clear();
    },
    counts,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}

function seqOf(k: number): number {
  return nextId() + k;
}
