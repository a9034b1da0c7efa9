/**
 * The `github` source against the fixture server (github.fixture.ts, FIXTURE.md): Elastic's
 * document shapes, Link-header paging, GitHub's primary and secondary rate limits, 429 and 5xx,
 * errors that name the setting to fix, GitHub App authentication, deletions between syncs,
 * the file size bound, advanced rules, abort.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SourceError, type SourceDocument } from '../source.js';
import { collect, testContext } from '../source.case.js';
import { githubSource } from './datasource.js';
import { githubConfig, ORG } from './github-contract.fixture.js';
import { APP_ID, startFakeGitHub, type FakeGitHub } from './github.fixture.js';
import type { FRepo } from './github-data.fixture.js';

async function sync(config: Record<string, unknown>, ctx = testContext()): Promise<SourceDocument[]> {
  const s = githubSource.create(config);
  try {
    return await collect(s.getDocs(ctx));
  } finally {
    await s.close();
  }
}

describe('github source', () => {
  let g: FakeGitHub;
  let alpha: FRepo;
  let big: FRepo;
  before(async () => {
    g = await startFakeGitHub();
    g.org(ORG, ['alice', 'bob']);
    alpha = g.repo(ORG, 'alpha');
    g.issue(alpha, { title: 'Crash on start', body: 'It crashes.', comments: 2, labels: ['bug', 'p1'] });
    g.issue(alpha, { pr: true, title: 'Fix the crash', state: 'closed' });
    g.putFile(alpha, 'README.md', '# Alpha\n\nThe alpha project.\n');
    g.putFile(alpha, 'docs/guide.rst', 'Guide\n=====\n\nRead me.\n');
    g.putFile(alpha, 'src/index.ts', 'export {};\n');
    big = g.repo(ORG, 'big');
    for (let i = 0; i < 230; i++) g.issue(big, { title: `Issue ${i}` });
  });
  after(() => g.close());

  test("documents have Elastic's shapes", async () => {
    const docs = await sync(githubConfig(g, { repositories: 'alpha' }));
    const byType = (t: string) => docs.filter((d) => d.type === t);
    assert.deepEqual(docs.map((d) => d.type).sort(), ['Issue', 'Pull request', 'Repository', 'blob', 'blob']);
    const repo = byType('Repository')[0];
    assert.equal(repo._id, alpha.node_id);
    assert.equal(repo.nameWithOwner, `${ORG}/alpha`);
    assert.equal(repo.visibility, 'PUBLIC');
    assert.deepEqual(repo.defaultBranchRef, { name: 'main' });
    const issue = byType('Issue')[0];
    assert.equal(issue.title, 'Crash on start');
    assert.equal(issue.state, 'OPEN');
    assert.equal(issue.url, `https://github.com/${ORG}/alpha/issues/1`);
    assert.deepEqual(issue.labels_field, [{ name: 'bug', description: 'bug label' }, { name: 'p1', description: 'p1 label' }]);
    assert.deepEqual((issue.issue_comments as unknown[]).length, 2);
    assert.deepEqual(issue.assignees_list, [{ login: ORG }]);
    const pr = byType('Pull request')[0];
    assert.equal(pr.state, 'CLOSED');
    assert.deepEqual(pr.reviews_comments, [{ author: ORG, body: 'Review of #2', state: 'COMMENTED', comments: [{ body: 'Nit in #2' }] }]);
    assert.deepEqual(pr.requested_reviewers, [{ requestedReviewer: { login: ORG } }]);
    const readme = docs.find((d) => d.path === 'README.md')!;
    assert.equal(readme._id, `${ORG}/alpha/README.md`);
    assert.equal(readme.extension, '.md');
    assert.equal(readme.body, '# Alpha\n\nThe alpha project.');
    assert.ok(!Number.isNaN(Date.parse(String(readme._timestamp))));
    assert.ok(docs.find((d) => d.path === 'docs/guide.rst')?.body, 'rst is text');
  });

  test('listings page through Link headers, 100 at a time', async () => {
    const before = g.counts.byRoute.get(`/repos/${ORG}/big/issues`) ?? 0;
    const docs = await sync(githubConfig(g, { repositories: `${ORG}/big` }));
    assert.equal(docs.filter((d) => d.type === 'Issue').length, 230);
    assert.equal(new Set(docs.map((d) => d._id)).size, docs.length);
    assert.equal(g.counts.byRoute.get(`/repos/${ORG}/big/issues`)! - before, 3);
  });

  for (const kind of ['primary', 'secondary', '429', '502'] as const) {
    test(`a ${kind === 'primary' || kind === 'secondary' ? `${kind} rate limit` : `HTTP ${kind}`} is waited out and retried`, async () => {
      g.fail(2, kind, 1);
      const failed = g.counts.failed;
      const t0 = Date.now();
      const docs = await sync(githubConfig(g, { repositories: 'alpha' }));
      assert.equal(docs.length, 5);
      assert.equal(g.counts.failed - failed, 2);
      if (kind !== '502') assert.ok(Date.now() - t0 >= 900, 'waited for the server');
    });
  }

  test('errors that retrying cannot fix name the setting', async () => {
    const bad = githubSource.create(githubConfig(g, { token: 'ghp_wrong' }));
    await assert.rejects(bad.ping(), (e: unknown) => e instanceof SourceError && /401/.test(e.message) && /check \[token\]/.test(e.message));
    const missing = githubSource.create(githubConfig(g, { repositories: 'alpha,nope' }));
    await assert.rejects(collect(missing.getDocs(testContext())), (e: unknown) => e instanceof SourceError && /\[acme\/nope\].*fix \[repositories\]/.test(e.message));
    const org = githubSource.create(githubConfig(g, { org_name: 'nobody' }));
    await assert.rejects(org.ping(), (e: unknown) => e instanceof SourceError && /fix \[org_name\]/.test(e.message));
    g.deny = (u) => u.includes('/issues');
    try {
      await assert.rejects(sync(githubConfig(g, { repositories: 'alpha' })), (e: unknown) => e instanceof SourceError && /403/.test(e.message) && /repo, user and read:org/.test(e.message));
    } finally {
      g.deny = () => false;
    }
    g.fail(10, '500');
    await assert.rejects(sync(githubConfig(g, { repositories: 'alpha', retry_count: 1 })), (e: unknown) => e instanceof SourceError && e.options.transient === true && /retry_count/.test(e.message));
    g.fail(0, '500');
    const nothing = githubSource.create({ data_source: 'github_cloud', token: '' });
    await assert.rejects(nothing.ping(), (e: unknown) => e instanceof SourceError && /\[token\] is required/.test(e.message));
    const dls = githubSource.create({ ...githubConfig(g), repo_type: 'other', use_document_level_security: true });
    await assert.rejects(dls.ping(), /\[use_document_level_security\] needs \[repo_type\] organization/);
  });

  test('a GitHub App reads through installation tokens made from its JWT', async () => {
    g.install(ORG);
    const app = { data_source: 'github_server', host: g.url, auth_method: 'github_app', app_id: APP_ID, private_key: g.appKey(), repo_type: 'organization', repositories: '*', retry_count: 1 };
    const tokens = g.counts.installationTokens;
    const s = githubSource.create(app);
    await s.ping();
    const docs = await collect(s.getDocs(testContext()));
    await s.close();
    assert.equal(docs.filter((d) => d.type === 'Repository').length, 2);
    assert.equal(docs.length, 5 + 1 + 230);
    assert.equal(g.counts.installationTokens - tokens, 1, 'one token per installation, cached');
    const named = await sync({ ...app, repositories: `${ORG}/alpha` });
    assert.equal(named.length, 5);
    const wrong = githubSource.create({ ...app, private_key: g.appKey({ other: true }) });
    await assert.rejects(wrong.ping(), (e: unknown) => e instanceof SourceError && /check \[app_id\] and \[private_key\]/.test(e.message));
    const short = githubSource.create({ ...app, repositories: 'alpha' });
    await assert.rejects(short.ping(), /must be owner\/name with the GitHub App method/);
  });

  test('a file over max_file_size is indexed without content and reported', async () => {
    const ctx = testContext();
    const docs = await sync(githubConfig(g, { repositories: 'alpha', max_file_size: 20 }), ctx);
    const readme = docs.find((d) => d.path === 'README.md')!;
    assert.equal(readme.body, undefined);
    assert.ok(ctx.failures.some(([id, why]) => id === readme._id && /max_file_size/.test(why)));
  });

  test('deletions between syncs: a deleted issue leaves the next full sync, removed files leave the incremental one', async () => {
    const r = g.repo(ORG, 'churn');
    g.issue(r);
    const gone = g.issue(r);
    g.putFile(r, 'a.md', 'a');
    g.putFile(r, 'b.md', 'b');
    const config = githubConfig(g, { repositories: 'churn' });
    const s = githubSource.create(config);
    assert.equal((await collect(s.getDocs(testContext()))).length, 5);
    const cursor = s.cursorAfterFullSync!();
    await s.close();
    g.deleteIssue(r, gone.number);
    g.removeFile(r, 'b.md');
    g.putFile(r, 'a.md', 'a changed');
    const inc = githubSource.create(config);
    const ctx = testContext({ syncCursor: cursor });
    const out = await collect(inc.getDocsIncrementally!(ctx) as AsyncIterable<SourceDocument>);
    await inc.close();
    // Items made within the 2 s before the full sync's start are read again (the mark's margin); files come from the tree diff.
    assert.deepEqual(out.filter((d) => d.deleted).map((d) => d._id), [`${ORG}/churn/b.md`]);
    assert.deepEqual(out.filter((d) => d.type === 'blob').map((d) => [d._id, d.body]), [[`${ORG}/churn/a.md`, 'a changed']]);
    assert.ok(!out.some((d) => d._id === gone.node_id));
    assert.equal(ctx.complete, false);
    const ids = (await sync(config)).map((d) => d._id);
    assert.ok(!ids.includes(gone.node_id) && ids.length === 3);
    g.removeRepo(ORG, 'churn');
  });

  test('a repository gone since the previous sync makes the incremental run re-enumerate', async () => {
    const r = g.repo(ORG, 'short-lived');
    g.issue(r);
    const config = githubConfig(g, { repositories: '*' });
    const s = githubSource.create(config);
    await collect(s.getDocs(testContext()));
    const cursor = s.cursorAfterFullSync!();
    await s.close();
    g.removeRepo(ORG, 'short-lived');
    const ctx = testContext({ syncCursor: cursor });
    const inc = githubSource.create(config);
    const out = await collect(inc.getDocsIncrementally!(ctx) as AsyncIterable<SourceDocument>);
    await inc.close();
    assert.equal(ctx.complete, true);
    assert.ok(!out.some((d) => d._id === r.node_id));
    assert.ok(out.some((d) => d._id === alpha.node_id));
  });

  test('advanced rules: search qualifiers for issues and pull requests, branch and path for files', async () => {
    g.putFile(alpha, 'docs/feature.md', 'feature only', 'feature');
    const rules = [
      { repository: `${ORG}/alpha`, filter: { pr: 'is:closed' } },
      { repository: 'alpha', filter: { issue: 'label:p1', path: 'docs' } },
      { repository: `${ORG}/alpha`, filter: { branch: 'feature', path: 'docs' } },
    ];
    const docs = await sync(githubConfig(g, { repositories: 'nope' }), testContext({ advancedRules: rules }));
    assert.deepEqual(docs.map((d) => `${d.type} ${d.title ?? d.path ?? d.name}`).sort(), [
      'Issue Crash on start', 'Pull request Fix the crash', 'Repository alpha', 'blob docs/feature.md', 'blob docs/guide.rst', 'blob docs/guide.rst',
    ]);
    const s = githubSource.create(githubConfig(g));
    const v = await s.validateAdvancedRules!([{ repository: `${ORG}/missing`, filter: { branch: 'main' } }]);
    await s.close();
    assert.equal(v.valid, false);
    assert.match(v.messages[0], /Rule 1: repository \[acme\/missing\] is not accessible/);
  });

  test('a repository with issues turned off (410) has its pull requests read through /pulls, fully and incrementally', async () => {
    const r = g.repo(ORG, 'no-issues');
    const first = g.issue(r, { pr: true, comments: 2 });
    g.issue(r, { pr: true });
    r.issuesDisabled = true;
    await new Promise((res) => setTimeout(res, 4200)); // past the mark's margin (2 s, GitHub's clock and `since` in whole seconds)
    const config = githubConfig(g, { repositories: 'no-issues' });
    const s = githubSource.create(config);
    const docs = await collect(s.getDocs(testContext()));
    const cursor = s.cursorAfterFullSync!();
    await s.close();
    const prs = docs.filter((d) => d.type === 'Pull request');
    assert.equal(prs.length, 2);
    assert.equal((prs.find((d) => d._id === first.node_id)!.issue_comments as unknown[]).length, 2);
    g.touch(r, first.number, 'touched');
    const inc = githubSource.create(config);
    const out = await collect(inc.getDocsIncrementally!(testContext({ syncCursor: cursor })) as AsyncIterable<SourceDocument>);
    await inc.close();
    assert.deepEqual(out.map((d) => d.title), ['touched']);
    g.removeRepo(ORG, 'no-issues');
  });

  test('an abort ends a sync waiting on GitHub', async () => {
    g.stall = (u) => u.includes('/issues');
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('canceled')), 200);
      const t0 = Date.now();
      await assert.rejects(sync(githubConfig(g, { repositories: 'alpha' }), testContext({ signal: ac.signal })), /canceled/);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      g.stall = () => false;
    }
  });
});
