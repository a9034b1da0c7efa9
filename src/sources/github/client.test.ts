/**
 * The REST client's paging: a next-page link elsewhere is not followed (it would carry the
 * token away), and a full listing survives items changing between its pages.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { SourceError, type SourceDocument } from '../source.js';
import { testContext } from '../source.case.js';
import { HttpStatusError } from '../shared/rate-limit.js';
import { GitHubApi, githubTransient, SECONDARY_LIMIT_WAIT_MS } from './client.js';
import { readGitHubSettings } from './config.js';
import { githubSource } from './datasource.js';
import { githubConfig, ORG } from './github-contract.fixture.js';
import { startFakeGitHub } from './github.fixture.js';

test('a next-page link to another origin is refused, and the token never leaves', async () => {
  const seen: (string | undefined)[] = [];
  const elsewhere = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.end('[]');
  });
  await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
  const other = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
  const api = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', link: `<${other}/steal?page=2>; rel="next"` });
    res.end('[{"n":1}]');
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const host = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const client = new GitHubApi(readGitHubSettings({ data_source: 'github_server', host, token: 'ghp_secret' }), null);
  try {
    const pages: unknown[][] = [];
    await assert.rejects(async () => {
      for await (const p of client.pages<unknown>('/orgs/x/repos', {}, null, { what: 'listing' }, new AbortController().signal)) pages.push(p);
    }, (e: unknown) => e instanceof SourceError && /next-page link outside its API/.test(e.message));
    assert.equal(pages.length, 1);
    assert.deepEqual(seen, []);
  } finally {
    client.close();
    api.close();
    elsewhere.close();
  }
});

test('a full listing survives items updated and added between its pages', async () => {
  const g = await startFakeGitHub();
  try {
    g.org(ORG, ['alice']);
    const r = g.repo(ORG, 'moving');
    for (let i = 0; i < 250; i++) g.issue(r);
    let changed = false;
    // When the second page is asked for, issue #1 (page 1) is updated and a new one is added.
    g.deny = (u) => {
      if (!changed && u.includes('/issues?') && u.includes('page=2')) {
        changed = true;
        g.touch(r, 1, 'updated meanwhile');
        g.issue(r);
      }
      return false;
    };
    const docs: SourceDocument[] = [];
    const s = githubSource.create(githubConfig(g, { repositories: 'moving' }));
    for await (const d of s.getDocs(testContext())) docs.push(d);
    await s.close();
    assert.ok(changed);
    const issues = docs.filter((d) => d.type === 'Issue');
    assert.equal(new Set(issues.map((d) => d._id)).size, issues.length, 'no duplicates');
    assert.equal(issues.length, 251, 'nothing skipped, the new one included');
  } finally {
    await g.close();
  }
});

test('a secondary rate limit without Retry-After waits a minute (GitHub\'s advice), and is not taken for missing scopes', async () => {
  const limited = new HttpStatusError(403, {}, '{"message":"You have exceeded a secondary rate limit. Please retry your request again later."}');
  assert.deepEqual(githubTransient(limited), { retryAfterMs: SECONDARY_LIMIT_WAIT_MS });
  assert.equal(githubTransient(new HttpStatusError(403, {}, '{"message":"Resource not accessible by personal access token"}')), null);
  const g = await startFakeGitHub();
  try {
    g.org(ORG, ['alice']);
    g.repo(ORG, 'r');
    g.fail(1, 'secondary-no-wait');
    const s = githubSource.create(githubConfig(g, { repositories: 'r', retry_count: 0 }));
    await assert.rejects(s.ping(), (e: unknown) => e instanceof SourceError && /rate limit stayed exhausted/.test(e.message) && !/scopes/.test(e.message));
    await s.close();
  } finally {
    await g.close();
  }
});

test('ssl_ca: a GitHub Server behind a private CA is trusted with it, and refused without it', async (t) => {
  let dir: string;
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'gh-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem'], { cwd: dir, stdio: 'ignore' });
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    t.skip(`openssl is needed: ${(err as Error).message}`);
    return;
  }
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
    res.writeHead(req.url === '/api/v3/user' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/api/v3/user' ? '{"login":"alice","node_id":"U_1"}' : '{"message":"Not Found"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const base = { data_source: 'github_server', host, token: 'ghp_x', repositories: 'r', retry_count: 0 };
    const trusted = githubSource.create({ ...base, ssl_enabled: true, ssl_ca: cert });
    await assert.rejects(trusted.ping(), (e: unknown) => e instanceof SourceError && /\[alice\/r\].*fix \[repositories\]/.test(e.message), 'TLS passes; the repository is the problem');
    await trusted.close();
    const untrusted = githubSource.create(base);
    await assert.rejects(untrusted.ping(), (e: unknown) => e instanceof SourceError && /Cannot reach/.test(e.message) && /SELF_SIGNED|certificate/i.test(e.message));
    await untrusted.close();
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
