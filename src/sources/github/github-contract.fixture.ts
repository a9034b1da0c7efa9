/**
 * The `github` source's recipe for the shared contract suite (source.case.ts): an organization
 * with two repositories on the fixture server (github.fixture.ts), `n` documents spread over
 * issues, pull requests and Markdown files (plus files of other extensions, which are not
 * indexed); changes touch issues (seen through `since`), add issues and files, and remove files
 * (seen by diffing trees, so incremental syncs report the deletions).
 */
import type { SourceFixture } from '../source.case.js';
import { githubSource } from './datasource.js';
import { startFakeGitHub, type FakeGitHub } from './github.fixture.js';
import type { FRepo } from './github-data.fixture.js';

export const ORG = 'acme';

export function githubConfig(g: FakeGitHub, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { data_source: 'github_server', host: g.url, auth_method: 'personal_access_token', token: g.pat('alice'), repo_type: 'organization', org_name: ORG, repositories: '*', retry_count: 2, ...extra };
}

/** Ids the source should yield for the fixture's current state (`.md` files only). */
export function expectedIds(g: FakeGitHub, ext = ['.md', '.markdown', '.rst']): string[] {
  const out: string[] = [];
  for (const r of g.repos()) {
    out.push(r.node_id);
    for (const i of r.issues.values()) out.push(i.node_id);
    for (const path of r.branches.get(r.default_branch)!.keys()) if (ext.some((e) => path.endsWith(e))) out.push(`${r.owner}/${r.name}/${path}`);
  }
  return out;
}

export function githubFixture(): SourceFixture {
  let g: FakeGitHub | null = null;
  let repos: FRepo[] = [];
  let next = 0;
  const add = () => {
    const i = next++;
    const r = repos[i % repos.length];
    if (i % 3 === 0) g!.putFile(r, `docs/d${i % 5}/page-${i}.md`, `# Page ${i}\n\nSome text of page ${i}.\n`);
    else g!.issue(r, { pr: i % 3 === 2, comments: i % 4 === 0 ? 2 : 0, state: i % 5 === 0 ? 'closed' : 'open' });
    if (i % 10 === 0) g!.putFile(r, `src/code-${i}.ts`, `export const x${i} = ${i};\n`);
  };
  return {
    factory: githubSource,
    async load(n) {
      g = await startFakeGitHub();
      g.org(ORG, ['alice', 'bob']);
      repos = [g.repo(ORG, 'alpha'), g.repo(ORG, 'beta', { private: true, collaborators: ['alice'] })];
      for (let i = 0; i < n - repos.length; i++) add();
      return githubConfig(g);
    },
    async ids() {
      return expectedIds(g!);
    },
    async change({ update, add: added, remove }) {
      const issues = repos.flatMap((r) => [...r.issues.keys()].map((n) => [r, n] as const));
      for (const [r, n] of issues.slice(0, update)) g!.touch(r, n, `updated #${n}`);
      const files = repos.flatMap((r) => [...r.branches.get('main')!.keys()].filter((p) => p.endsWith('.md')).map((p) => [r, p] as const));
      for (const [r, p] of files.slice(0, remove)) g!.removeFile(r, p);
      for (let i = 0; i < added; i++) add();
    },
    // The next incremental sync reads from 2 s before the previous sync's start, in whole seconds of GitHub's clock.
    settle: () => new Promise((r) => setTimeout(r, 4200)),
    unreachable: () => ({ data_source: 'github_server', host: 'http://127.0.0.1:9', token: 'ghp_x', repo_type: 'other', repositories: '*', retry_count: 0 }),
    advancedRules: {
      valid: [{ repository: `${ORG}/alpha`, filter: { issue: 'is:open', branch: 'main' } }],
      invalid: [{ repository: '', filter: {} }, { repository: `${ORG}/alpha`, filter: { title: 'x' } }],
    },
    async remove() {
      await g?.close();
    },
  };
}
