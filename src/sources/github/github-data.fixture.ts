/**
 * The data of the GitHub fixture server (github.fixture.ts, FIXTURE.md): users, organizations,
 * repositories with issues, pull requests, comments, reviews, collaborators, and branches of
 * files stored as git objects (blob sha = sha1 of `blob <size>\0<bytes>`; a tree's sha from
 * its entries; every tree computed stays readable by sha, as git objects do), and the REST
 * resources built from them.
 */
import { createHash } from 'node:crypto';

export interface FUser {
  login: string;
  id: number;
  node_id: string;
  email: string | null;
  type: 'User' | 'Organization';
}

export interface FComment {
  id: number;
  node_id: string;
  user: string;
  body: string;
  created_at: string;
  updated_at: string;
  /** Review comments: the review they belong to, and the file. */
  pull_request_review_id?: number;
  path?: string;
}

export interface FReview {
  id: number;
  node_id: string;
  user: string;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  submitted_at: string;
}

export interface FIssue {
  number: number;
  id: number;
  node_id: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  user: string;
  labels: { name: string; description: string | null }[];
  assignees: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  comments: FComment[];
  pr?: { merged_at: string | null; requested_reviewers: string[]; reviews: FReview[]; review_comments: FComment[] };
}

export interface FFile {
  sha: string;
  updated: string;
}

export interface FRepo {
  owner: string;
  name: string;
  id: number;
  node_id: string;
  private: boolean;
  description: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  default_branch: string;
  issues: Map<number, FIssue>;
  /** branch → path → file. */
  branches: Map<string, Map<string, FFile>>;
  collaborators: string[];
  nextNumber: number;
  /** Issues turned off in the repository's settings (pull requests remain). */
  issuesDisabled?: boolean;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

let seq = 1000;
export const nextId = (): number => ++seq;
export const nodeId = (kind: string, id: number): string => Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');

export function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The recursive tree of a branch: blobs and the folders above them, sorted by path. */
export function treeOf(files: Map<string, FFile>, blobs: Map<string, Buffer>): { sha: string; tree: TreeEntry[] } {
  const tree: TreeEntry[] = [];
  const folders = new Set<string>();
  for (const [path, f] of files) {
    tree.push({ path, mode: '100644', type: 'blob', sha: f.sha, size: blobs.get(f.sha)?.length ?? 0 });
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  for (const d of folders) tree.push({ path: d, mode: '040000', type: 'tree', sha: createHash('sha1').update(`tree ${d}`).digest('hex') });
  tree.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sha = createHash('sha1').update(tree.map((e) => `${e.mode} ${e.path} ${e.sha}`).join('\n')).digest('hex');
  return { sha, tree };
}

export function userResource(u: FUser, base: string): Record<string, unknown> {
  return { login: u.login, id: u.id, node_id: u.node_id, email: u.email, type: u.type, site_admin: false, url: `${base}/users/${u.login}`, html_url: `https://github.com/${u.login}` };
}

export function repoResource(r: FRepo, owner: FUser, base: string): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  return {
    id: r.id,
    node_id: r.node_id,
    name: r.name,
    full_name: full,
    private: r.private,
    visibility: r.private ? 'private' : 'public',
    owner: userResource(owner, base),
    html_url: `https://github.com/${full}`,
    url: `${base}/repos/${full}`,
    description: r.description,
    fork: false,
    language: r.language,
    forks_count: 1,
    stargazers_count: 3,
    watchers_count: 3,
    open_issues_count: [...r.issues.values()].filter((i) => i.state === 'open').length,
    default_branch: r.default_branch,
    archived: false,
    created_at: r.created_at,
    updated_at: r.updated_at,
    pushed_at: r.pushed_at,
  };
}

export function issueResource(r: FRepo, i: FIssue, users: Map<string, FUser>, base: string): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const kind = i.pr ? 'pull' : 'issues';
  const u = (login: string) => userResource(users.get(login)!, base);
  const out: Record<string, unknown> = {
    id: i.id,
    node_id: i.node_id,
    number: i.number,
    url: `${base}/repos/${full}/issues/${i.number}`,
    html_url: `https://github.com/${full}/${kind}/${i.number}`,
    title: i.title,
    body: i.body,
    state: i.state,
    user: u(i.user),
    labels: i.labels.map((l, n) => ({ id: n + 1, name: l.name, description: l.description, color: 'ededed' })),
    assignees: i.assignees.map(u),
    assignee: i.assignees.length ? u(i.assignees[0]) : null,
    comments: i.comments.length,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
  };
  if (i.pr) out.pull_request = { url: `${base}/repos/${full}/pulls/${i.number}`, html_url: `https://github.com/${full}/pull/${i.number}`, merged_at: i.pr.merged_at };
  return out;
}

export function pullResource(r: FRepo, i: FIssue, users: Map<string, FUser>, base: string): Record<string, unknown> {
  const issue = issueResource(r, i, users, base);
  delete issue.pull_request;
  const full = `${r.owner}/${r.name}`;
  return {
    ...issue,
    id: i.id + 500_000,
    url: `${base}/repos/${full}/pulls/${i.number}`,
    merged_at: i.pr!.merged_at,
    merged: i.pr!.merged_at !== null,
    draft: false,
    requested_reviewers: i.pr!.requested_reviewers.map((l) => userResource(users.get(l)!, base)),
    review_comments: i.pr!.review_comments.length,
    head: { ref: `feature-${i.number}`, sha: 'f'.repeat(40) },
    base: { ref: r.default_branch, sha: 'b'.repeat(40) },
  };
}

export function commentResource(c: FComment, users: Map<string, FUser>, base: string): Record<string, unknown> {
  return {
    id: c.id,
    node_id: c.node_id,
    user: userResource(users.get(c.user)!, base),
    body: c.body,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ...(c.pull_request_review_id !== undefined ? { pull_request_review_id: c.pull_request_review_id, path: c.path } : {}),
  };
}

/** Whether an issue matches a search query's qualifiers (the subset FIXTURE.md lists). */
export function matchesSearch(i: FIssue, terms: string[]): boolean {
  for (const t of terms) {
    const [k, v] = t.includes(':') ? [t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1)] : ['', t];
    if (k === 'is' && v === 'issue' && i.pr) return false;
    if (k === 'is' && v === 'pr' && !i.pr) return false;
    if ((k === 'is' || k === 'state') && (v === 'open' || v === 'closed') && i.state !== v) return false;
    if (k === 'is' && v === 'merged' && !i.pr?.merged_at) return false;
    if (k === 'label' && !i.labels.some((l) => l.name === v)) return false;
    if (k === 'author' && i.user !== v) return false;
    if (k === '' && !`${i.title} ${i.body}`.toLowerCase().includes(v.toLowerCase())) return false;
  }
  return true;
}
