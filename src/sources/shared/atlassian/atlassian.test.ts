import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SourceConfigError, SourceError } from '../../source.js';
import { adfToText, isAdf } from './adf.js';
import { AtlassianClient, atlassianMessage, nextLink, tokenLink } from './client.js';
import { atlassianConfigSchema, readAtlassianSettings, type AtlassianProduct } from './config.js';
import { accountIdIdentity, groupIdentityOf, isActiveAtlassianUser, nameIdentity, userAccessDocument, userIdentities, withAccess } from './identities.js';
import { parseQueryRules } from './rules.js';

const JIRA: AtlassianProduct = { key: 'jira', name: 'Jira', urlField: 'jira_url', defaultDeployment: 'cloud', maxConcurrentDownloads: 100, docPath: 'docs/sources/jira.md' };
const CONFLUENCE: AtlassianProduct = { key: 'confluence', name: 'Confluence', urlField: 'confluence_url', defaultDeployment: 'server', maxConcurrentDownloads: 50, docPath: 'docs/sources/confluence.md' };

describe('shared Atlassian configuration', () => {
  test('the schema has Elastic keys, options and the product URL field', () => {
    const s = atlassianConfigSchema(JIRA);
    for (const k of ['data_source', 'username', 'password', 'account_email', 'api_token', 'data_center_username', 'data_center_password', 'jira_url', 'ssl_enabled', 'ssl_ca', 'retry_count', 'concurrent_downloads', 'use_document_level_security']) {
      assert.ok(s[k], k);
    }
    assert.deepEqual(s.data_source.options!.map((o) => o.value), ['jira_cloud', 'jira_server', 'jira_data_center']);
    assert.equal(s.data_source.value, 'jira_cloud');
    assert.ok(s.api_token.sensitive && s.password.sensitive && s.data_center_password.sensitive);
    assert.deepEqual(s.username.depends_on, [{ field: 'data_source', value: 'jira_server' }]);
    const c = atlassianConfigSchema(CONFLUENCE);
    assert.ok(c.confluence_url && !c.jira_url);
    assert.equal(c.data_source.value, 'confluence_server');
    assert.ok(!Object.values(s).some((e) => e.order === 9), 'order 9 is the product list');
  });

  test('credentials follow data_source', () => {
    const base = { jira_url: 'https://x.atlassian.net/', account_email: 'a@b.c', api_token: 'tok', username: 'srv', password: 'pw', data_center_username: 'dc', data_center_password: 'dcpw' };
    const cloud = readAtlassianSettings(JIRA, { ...base, data_source: 'jira_cloud' });
    assert.deepEqual([cloud.deployment, cloud.login, cloud.secret, cloud.url.href], ['cloud', 'a@b.c', 'tok', 'https://x.atlassian.net/']);
    const server = readAtlassianSettings(JIRA, { ...base, data_source: 'jira_server' });
    assert.deepEqual([server.login, server.secret], ['srv', 'pw']);
    const dc = readAtlassianSettings(JIRA, { ...base, data_source: 'jira_data_center', jira_url: 'https://h/jira//' });
    assert.deepEqual([dc.login, dc.secret, dc.url.pathname, dc.dataSource], ['dc', 'dcpw', '/jira', 'jira_data_center']);
    assert.equal(readAtlassianSettings(JIRA, { ...base, data_source: null }).deployment, 'cloud', 'default');
    assert.equal(readAtlassianSettings(CONFLUENCE, { ...base, confluence_url: 'http://c', data_source: '' }).deployment, 'server');
  });

  test('bad values name the field and never echo a secret', () => {
    const ok = { data_source: 'jira_cloud', jira_url: 'https://x', account_email: 'a@b', api_token: 'sekrit-token' };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, data_source: 'jira_onprem' }, /\[data_source\] must be one of jira_cloud, jira_server, jira_data_center/],
      [{ ...ok, jira_url: '' }, /\[jira_url\] is required/],
      [{ ...ok, jira_url: 'ftp://x' }, /\[jira_url\] must be an http/],
      [{ ...ok, jira_url: 'https://u:p@x' }, /\[jira_url\] must not hold credentials/],
      [{ ...ok, jira_url: 'https://x/?a=1' }, /\[jira_url\] must be the site root/],
      [{ ...ok, api_token: '' }, /\[api_token\] is required for Jira Cloud/],
      [{ ...ok, data_source: 'jira_server' }, /\[username\] is required for Jira Server/],
      [{ ...ok, api_token: 'x'.repeat(5000) }, /\[api_token\] is 5000 characters long/],
      [{ ...ok, retry_count: 99 }, /\[retry_count\] must be an integer from 0 to 20/],
      [{ ...ok, concurrent_downloads: 101 }, /\[concurrent_downloads\] must be an integer from 1 to 100/],
      [{ ...ok, ssl_enabled: true, ssl_ca: 'not a cert' }, /\[ssl_ca\] must hold a PEM certificate/],
      [{ ...ok, ssl_enabled: true, ssl_ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /\[ssl_ca\] holds a certificate that does not parse/],
    ];
    for (const [c, re] of bad) {
      assert.throws(() => readAtlassianSettings(JIRA, c), (e: unknown) => e instanceof SourceConfigError && re.test(e.message) && !e.message.includes('sekrit'), re.source);
    }
    assert.equal(readAtlassianSettings(JIRA, { ...ok, ssl_enabled: false, ssl_ca: 'garbage' }).sslCa, null, 'ssl_ca is read only with ssl_enabled');
  });
});

interface Served {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

describe('AtlassianClient against a loopback server', () => {
  let url = '';
  const seen: { path: string; auth: string; method: string; body: string }[] = [];
  let handler: (req: IncomingMessage, u: URL) => Served = () => ({ body: {} });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: u.pathname + u.search, auth: req.headers.authorization ?? '', method: req.method ?? '', body });
      const r = handler(req, u);
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(text);
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const client = (c: Record<string, unknown> = {}) =>
    new AtlassianClient(
      readAtlassianSettings(JIRA, { data_source: 'jira_cloud', jira_url: `${url}/ctx`, account_email: 'me@x.io', api_token: 'tok', retry_count: 2, ...c }),
      JIRA,
      { allowedHosts: null, backoff: { initialDelayMs: 5, maxDelayMs: 20 } },
    );
  const o = { signal: new AbortController().signal, what: 'testing' };

  test('basic authentication with the credentials of the data source, below the context path', async () => {
    handler = () => ({ body: { ok: 1 } });
    seen.length = 0;
    const a = client();
    assert.deepEqual(await a.getJson('/rest/api/3/myself', { expand: 'groups' }, o), { ok: 1 });
    a.close();
    const b = client({ data_source: 'jira_data_center', data_center_username: 'dc', data_center_password: 'p:w' });
    await b.postJson('rest/api/2/search', { jql: 'x' }, o);
    b.close();
    assert.equal(seen[0].path, '/ctx/rest/api/3/myself?expand=groups');
    assert.equal(seen[0].auth, `Basic ${Buffer.from('me@x.io:tok').toString('base64')}`);
    assert.equal(seen[1].auth, `Basic ${Buffer.from('dc:p:w').toString('base64')}`);
    assert.deepEqual([seen[1].method, seen[1].body], ['POST', '{"jql":"x"}']);
  });

  test('a 429 with Retry-After and 5xx are retried; exhausted retries say so', async () => {
    let n = 0;
    handler = () => (++n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : n === 2 ? { status: 503 } : { body: { n } });
    const c = client();
    assert.deepEqual(await c.getJson('/a', {}, o), { n: 3 });
    handler = () => ({ status: 502, body: { message: 'bad gateway' } });
    await assert.rejects(c.getJson('/a', {}, o), (e: unknown) => e instanceof SourceError && e.options.transient === true && /kept failing while testing \(HTTP 502 \(bad gateway\)\); retried 2 times/.test(e.message));
    c.close();
  });

  test('401, 403 and 404 become errors naming what to fix', async () => {
    const c = client();
    handler = () => ({ status: 401, body: '' });
    await assert.rejects(c.getJson('/a', {}, o), /rejected the credentials while testing: check \[account_email\] and \[api_token\]/);
    handler = () => ({ status: 401, headers: { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' } });
    await assert.rejects(c.getJson('/a', {}, o), /CAPTCHA/);
    handler = () => ({ status: 403, body: { errorMessages: ['You do not have permission'] } });
    await assert.rejects(c.getJson('/a', {}, { ...o, fix: { forbidden: 'grant Browse projects' } }), /denied access while testing \(You do not have permission\): grant Browse projects\./);
    handler = () => ({ status: 404, body: { errorMessages: [], errors: { project: 'No project X' } } });
    await assert.rejects(c.getJson('/a', {}, o), /not found while testing \(project: No project X\): check \[jira_url\]/);
    handler = () => ({ body: '<html>login</html>' });
    await assert.rejects(c.getJson('/a', {}, o), /something other than JSON/);
    c.close();
  });

  test('offset pages end on isLast, total, or a short array', async () => {
    const c = client();
    handler = (_req, u) => {
      const start = Number(u.searchParams.get('startAt'));
      const max = Number(u.searchParams.get('maxResults'));
      const all = Array.from({ length: 7 }, (_, i) => ({ i }));
      const page = all.slice(start, start + max);
      if (u.pathname.endsWith('/islast')) return { body: { values: page, isLast: start + max >= 7 } };
      if (u.pathname.endsWith('/total')) return { body: { issues: page, total: 7 } };
      return { body: page };
    };
    const read = async (path: string, itemsKey?: string) => {
      const out: number[] = [];
      for await (const p of c.offsetPages<{ i: number }>(path, {}, { ...o, pageSize: 3, itemsKey })) out.push(...p.map((x) => x.i));
      return out;
    };
    seen.length = 0;
    assert.deepEqual(await read('/islast'), [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(seen.length, 3);
    assert.deepEqual(await read('/total', 'issues'), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(await read('/array'), [0, 1, 2, 3, 4, 5, 6]);
    c.close();
  });

  test('link pages follow _links.next and tokens, refuse other sites and loops', async () => {
    const c = client();
    handler = (_req, u) => {
      const at = Number(u.searchParams.get('cursor') ?? 0);
      if (u.pathname.endsWith('/v2')) return { body: { results: [at], _links: at < 2 ? { next: `/ctx/v2?cursor=${at + 1}` } : {} } };
      if (u.pathname.endsWith('/tok')) {
        const t = Number(u.searchParams.get('nextPageToken') ?? 0);
        return { body: { issues: [t], nextPageToken: t < 1 ? String(t + 1) : undefined, isLast: t >= 1 } };
      }
      if (u.pathname.endsWith('/away')) return { body: { results: [1], _links: { next: 'http://elsewhere.example/x' } } };
      return { body: { results: [1], _links: { base: `${url}/ctx`, next: '/loop' } } };
    };
    const read = async (path: string, opts: Partial<Parameters<typeof c.linkPages>[2]> = {}) => {
      const out: unknown[] = [];
      for await (const p of c.linkPages(path, {}, { ...o, ...opts })) out.push(...p);
      return out;
    };
    assert.deepEqual(await read('/v2'), [0, 1, 2]);
    assert.deepEqual(await read('/tok', { itemsKey: 'issues', next: tokenLink() }), [0, 1]);
    await assert.rejects(read('/away'), /linked to another site/);
    await assert.rejects(read('/loop'), /same next page twice/);
    c.close();
  });

  test('bodies are bounded and an abort ends a request', async () => {
    const c = client();
    handler = () => ({ body: 'x'.repeat(5000) });
    assert.equal(await c.getBytes('/file', 1000, o), 'too-big');
    assert.equal((await c.getBytes('/file', 10_000, o) as Buffer).length, 5000);
    const ac = new AbortController();
    handler = () => ({ status: 429, headers: { 'retry-after': '30' } });
    setTimeout(() => ac.abort(new Error('stop')), 50);
    const t0 = Date.now();
    await assert.rejects(c.getJson('/a', {}, { ...o, signal: ac.signal }), /stop/);
    assert.ok(Date.now() - t0 < 2000, 'the Retry-After wait was cut short');
    c.close();
  });
});

test('Atlassian error bodies', () => {
  assert.equal(atlassianMessage('{"errorMessages":["a"],"errors":{"f":"b"}}'), 'a; f: b');
  assert.equal(atlassianMessage('{"message":"m","statusCode":404}'), 'm');
  assert.equal(atlassianMessage('<p>Bad</p>'), 'Bad');
  assert.equal(nextLink({ _links: { base: 'https://x.net/wiki', next: '/rest/api/space?start=25' } }, new URL('https://x.net')), 'https://x.net/wiki/rest/api/space?start=25');
});

describe('identities as Elastic writes them', () => {
  test('prefixes', () => {
    assert.equal(accountIdIdentity('5b10ac8d'), 'account_id:5b10ac8d');
    assert.equal(nameIdentity('Ada  Lovelace'), 'name:Ada--Lovelace');
    assert.equal(groupIdentityOf({ groupId: 'g-1', name: 'devs' }), 'group_id:g-1');
    assert.equal(groupIdentityOf({ name: 'jira-users' }), 'group:jira-users');
    assert.deepEqual(userIdentities({ name: 'ada', displayName: 'Ada L' }), ['account_id:ada', 'name:Ada-L']);
    assert.equal(accountIdIdentity(''), null);
  });

  test('active users and their identity document', () => {
    const u = {
      accountId: 'acc-1', displayName: 'Ada L', emailAddress: 'ada@x.io', locale: 'en_GB', active: true, accountType: 'atlassian',
      groups: { items: [{ groupId: 'g1', name: 'devs' }, { name: 'legacy' }] }, applicationRoles: { items: [{ key: 'jira-software' }] },
    };
    assert.ok(isActiveAtlassianUser(u, 'cloud'));
    assert.ok(!isActiveAtlassianUser({ ...u, accountType: 'app' }, 'cloud'));
    assert.ok(!isActiveAtlassianUser({ ...u, active: false }, 'server'));
    assert.ok(isActiveAtlassianUser({ name: 'srv' }, 'server'));
    const d = userAccessDocument(u, new Date('2026-01-01T00:00:00Z'));
    assert.equal(d._id, 'acc-1');
    assert.deepEqual(d.identity, { account_id: 'account_id:acc-1', display_name: 'name:Ada-L', email_address: 'email_address:ada@x.io', locale: 'locale:en_GB' });
    const q = (d.query as { template: { params: { access_control: string[] }; source: string } }).template;
    assert.deepEqual(q.params.access_control, ['account_id:acc-1', 'group_id:g1', 'group:legacy', 'role_key:jira-software']);
    assert.match(q.source, /_allow_access_control\.enum/);
    const doc = withAccess({ _id: 'x' }, ['b', 'a', 'b']);
    assert.deepEqual(doc._allow_access_control, ['a', 'b']);
  });
});

test('Atlassian Document Format to text', () => {
  const doc = {
    type: 'doc', version: 1, content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Hello ' }, { type: 'mention', attrs: { id: 'a', text: '@Ada' } }, { type: 'hardBreak' }, { type: 'text', text: 'line', marks: [{ type: 'strong' }] }] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }] }] },
      { type: 'paragraph', content: [{ type: 'inlineCard', attrs: { url: 'https://e.x' } }, { type: 'emoji', attrs: { shortName: ':smile:' } }, { type: 'date', attrs: { timestamp: '1767225600000' } }] },
    ],
  };
  assert.ok(isAdf(doc));
  assert.equal(adfToText(doc), 'Title\nHello @Ada\nline\none\nhttps://e.x:smile:2026-01-01');
  assert.equal(adfToText(doc, 5), 'Title');
  let deep: Record<string, unknown> = { type: 'text', text: 'bottom' };
  for (let i = 0; i < 10_000; i++) deep = { type: 'paragraph', content: [deep] };
  assert.equal(adfToText({ type: 'doc', content: [deep] }), '', 'nesting past the bound is skipped, not a stack overflow');
});

test('advanced rules: a list of {query}', () => {
  assert.deepEqual(parseQueryRules({}, 'JQL'), { queries: [], messages: [] });
  assert.deepEqual(parseQueryRules([{ query: ' project = A ' }], 'JQL'), { queries: ['project = A'], messages: [] });
  const bad = parseQueryRules([{ query: '' }, { q: 'x' }, 'x'], 'JQL');
  assert.deepEqual(bad.queries, []);
  assert.deepEqual(bad.messages, [
    'Rule 1: "query" must be a non-empty JQL string.',
    'Rule 2: unknown key "q" (only "query" is allowed).',
    'Rule 2: "query" must be a non-empty JQL string.',
    'Rule 3: must be an object {"query": "<JQL>"}.',
  ]);
  assert.match(parseQueryRules({ query: 'x' }, 'CQL').messages[0], /must be a list of \{"query": "<CQL>"\} objects; got an object/);
});
