import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { SourceConfigError } from '../source.js';
import { appJwt } from './auth.js';
import { DEFAULT_EXTENSIONS, githubConfigSchema, readGitHubSettings } from './config.js';
import { diffTrees } from './files.js';
import { parseGitHubRules, searchQuery, validateGitHubRules } from './rules.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const pat = { data_source: 'github_cloud', token: 'ghp_abc' };

test("Elastic's keys in Elastic's order, secrets sensitive, options as Elastic's", () => {
  const s = githubConfigSchema();
  assert.deepEqual(Object.entries(s).filter(([, e]) => (e.order ?? 99) <= 14).sort((a, b) => a[1].order! - b[1].order!).map(([k]) => k), [
    'data_source', 'host', 'auth_method', 'token', 'repo_type', 'org_name', 'app_id', 'private_key', 'repositories', 'ssl_enabled', 'ssl_ca', 'retry_count', 'use_text_extraction_service', 'use_document_level_security',
  ]);
  assert.equal(s.token.sensitive, true);
  assert.equal(s.private_key.sensitive, true);
  assert.deepEqual(s.data_source.options!.map((o) => o.value), ['github_cloud', 'github_server']);
  assert.deepEqual(s.auth_method.options!.map((o) => o.value), ['personal_access_token', 'github_app']);
  assert.deepEqual(s.repo_type.options!.map((o) => o.value), ['organization', 'other']);
});

test('defaults: the server API below /api/v3, every repository, Elastic\'s extensions', () => {
  const cloud = readGitHubSettings(pat);
  assert.equal(cloud.api.href, 'https://api.github.com/');
  assert.deepEqual(cloud.repositories, ['*']);
  assert.deepEqual(cloud.extensions, DEFAULT_EXTENSIONS);
  assert.equal(cloud.retryCount, 3);
  const server = readGitHubSettings({ data_source: 'github_server', host: 'https://git.example.com/', token: 't' });
  assert.equal(server.api.href, 'https://git.example.com/api/v3');
  assert.equal(readGitHubSettings({ ...pat, data_source: 'github_server', host: 'https://git.example.com/api/v3' }).api.href, 'https://git.example.com/api/v3');
  assert.deepEqual(readGitHubSettings({ ...pat, repositories: ['a', ' o/b ', 'a'] }).repositories, ['a', 'o/b']);
  assert.deepEqual(readGitHubSettings({ ...pat, file_extensions: 'md, .TXT' }).extensions, ['.md', '.txt']);
});

test('what is wrong is named, secrets are not echoed', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ data_source: 'github_server', token: 't' }, /\[host\] is required/],
    [{ data_source: 'github_server', host: 'ftp://x', token: 't' }, /\[host\] must be an http\(s\) URL/],
    [{ data_source: 'gitlab', token: 't' }, /\[data_source\] must be/],
    [{ data_source: 'github_cloud' }, /\[token\] is required/],
    [{ ...pat, token: 'ghp_secret value' }, /\[token\] holds spaces/],
    [{ ...pat, auth_method: 'github_app' }, /\[app_id\] is required/],
    [{ ...pat, auth_method: 'github_app', app_id: 1, private_key: 'not a key' }, /\[private_key\] is not a PEM private key/],
    [{ ...pat, auth_method: 'github_app', app_id: 1, private_key: pem, repositories: 'name' }, /must be owner\/name/],
    [{ ...pat, repo_type: 'organization' }, /\[org_name\] is required/],
    [{ ...pat, repositories: 'a/b/c' }, /\[repositories\]: \[a\/b\/c\] has more than one/],
    [{ ...pat, repositories: 'o/..' }, /is not a repository name/],
    [{ ...pat, use_document_level_security: true }, /needs \[repo_type\] organization/],
    [{ ...pat, ssl_enabled: true, ssl_ca: 'nope' }, /\[ssl_ca\] must be a PEM certificate/],
    [{ ...pat, retry_count: 99 }, /\[retry_count\] must be an integer from 0 to 20/],
  ];
  for (const [c, re] of cases) {
    assert.throws(() => readGitHubSettings(c), (e: unknown) => e instanceof SourceConfigError && re.test(e.message) && !e.message.includes('secret value'), String(re));
  }
  const flat = readGitHubSettings({ ...pat, auth_method: 'github_app', app_id: '7', private_key: pem.replace(/\n/g, '\\n'), repositories: 'o/r' });
  assert.equal(flat.auth.kind, 'app');
});

test("the app's JWT: RS256, iss = app id, iat 60 s back, at most 10 minutes", () => {
  const now = 1_800_000_000;
  const [h, c, sig] = appJwt(42, privateKey, now).split('.');
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'RS256', typ: 'JWT' });
  assert.deepEqual(JSON.parse(Buffer.from(c, 'base64url').toString()), { iat: now - 60, exp: now + 540, iss: '42' });
  assert.ok(verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, 'base64url')));
});

test("advanced rules: Elastic's schema, each problem named", () => {
  assert.deepEqual(validateGitHubRules([{ repository: 'o/r', filter: { issue: 'is:open', pr: 'is:merged', branch: 'dev', path: 'docs' } }]), { valid: true, messages: [] });
  assert.deepEqual(validateGitHubRules({}), { valid: true, messages: [] });
  const bad = validateGitHubRules([{ repository: 'o/r', filter: {} }, { repo: 'x', filter: { issue: '' } }, { repository: 'o/r', filter: { branch: 'a..b', path: '../x', title: 't' } }]);
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.messages.map((m) => m.slice(0, 7)), ['Rule 1:', 'Rule 2:', 'Rule 2:', 'Rule 2:', 'Rule 3:', 'Rule 3:', 'Rule 3:']);
  assert.match(validateGitHubRules('x').messages[0], /must be a list/);
  assert.equal(parseGitHubRules(Array.from({ length: 101 }, () => ({ repository: 'o/r', filter: { pr: 'x' } }))).messages.length, 1);
});

test('search queries: the repository and kind added; a query for the other kind skipped', () => {
  assert.equal(searchQuery('o/r', 'is:open', 'pr'), 'repo:o/r is:pr is:open');
  assert.equal(searchQuery('o/r', 'is:pr label:x', 'pr'), 'repo:o/r is:pr label:x');
  assert.equal(searchQuery('o/r', 'is:issue', 'pr'), null);
  assert.equal(searchQuery('o/r', 'label:bug', 'issue'), 'repo:o/r is:issue label:bug');
});

test('tree diff: changed and added blobs, removed paths', () => {
  const b = (path: string, sha: string) => ({ path, sha, mode: '100644', size: 1 });
  const d = diffTrees([b('a', '1'), b('b', '2'), b('c', '3')], [b('a', '1'), b('b', '9'), b('d', '4')]);
  assert.deepEqual(d.changed.map((x) => x.path), ['b', 'd']);
  assert.deepEqual(d.removed, ['c']);
});
