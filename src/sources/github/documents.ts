/**
 * The documents of the `github` source, in the shapes of Elastic's connector (its GraphQL
 * field names, built here from the REST resources the client reads): `_id` is GitHub's global
 * node id (the GraphQL `id`, the REST `node_id`) for repositories, issues and pull requests,
 * `<owner>/<repo>/<path>` for files; `_timestamp` is `updated_at` (the last commit touching the
 * file for files); `type` is `Repository`, `Issue`, `Pull request` or `blob`. Tributary adds
 * `repository` (owner/name) to issues, pull requests and files, and `url` to files.
 */
import type { SourceDocument } from '../source.js';

/** Characters kept of one body or comment (GitHub allows 65 536 in a body). */
export const MAX_TEXT_CHARS = 262_144;

export interface GhUser {
  login?: string;
  node_id?: string;
  id?: number;
  email?: string | null;
  type?: string;
}

export interface GhRepo {
  node_id: string;
  name: string;
  full_name: string;
  html_url: string;
  description: string | null;
  private: boolean;
  visibility?: string;
  language: string | null;
  default_branch?: string;
  fork: boolean;
  stargazers_count: number;
  watchers_count: number;
  forks_count: number;
  archived: boolean;
  created_at: string;
  updated_at: string;
  owner?: GhUser;
}

export interface GhIssue {
  node_id: string;
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  state: string;
  user: GhUser | null;
  labels: ({ name?: string; description?: string | null } | string)[];
  assignees: GhUser[] | null;
  comments: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  pull_request?: { merged_at?: string | null };
}

export interface GhPull {
  node_id: string;
  merged_at: string | null;
  requested_reviewers?: GhUser[];
  review_comments?: number;
}

export interface GhComment {
  user: GhUser | null;
  body: string | null;
  pull_request_review_id?: number | null;
}

export interface GhReview {
  id: number;
  user: GhUser | null;
  body: string | null;
  state: string;
}

export interface TreeBlob {
  path: string;
  mode: string;
  sha: string;
  size: number;
}

const text = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : s.length > MAX_TEXT_CHARS ? s.slice(0, MAX_TEXT_CHARS) : s);
const author = (u: GhUser | null | undefined) => (u?.login ? { login: u.login } : null);

export function repositoryDocument(r: GhRepo): SourceDocument {
  return {
    _id: r.node_id,
    _timestamp: r.updated_at,
    type: 'Repository',
    name: r.name,
    nameWithOwner: r.full_name,
    url: r.html_url,
    description: text(r.description),
    visibility: (r.visibility ?? (r.private ? 'private' : 'public')).toUpperCase(),
    primaryLanguage: r.language ? { name: r.language } : null,
    defaultBranchRef: r.default_branch ? { name: r.default_branch } : null,
    isFork: r.fork,
    stargazerCount: r.stargazers_count,
    watchers: { totalCount: r.watchers_count },
    forkCount: r.forks_count,
    createdAt: r.created_at,
    isArchived: r.archived,
  };
}

/** An issue, or — with `pull` — a pull request with its reviews and review comments folded in. */
export function issueDocument(
  repo: string,
  i: GhIssue,
  comments: GhComment[],
  pull?: { pull: GhPull; reviews: GhReview[]; reviewComments: GhComment[] },
): SourceDocument {
  const doc: SourceDocument = {
    _id: pull?.pull.node_id ?? i.node_id,
    _timestamp: i.updated_at,
    type: pull ? 'Pull request' : 'Issue',
    repository: repo,
    number: i.number,
    url: i.html_url,
    createdAt: i.created_at,
    closedAt: i.closed_at,
    title: text(i.title),
    body: text(i.body),
    state: pull?.pull.merged_at ? 'MERGED' : i.state.toUpperCase(),
    author: author(i.user),
    issue_comments: comments.map((c) => ({ author: author(c.user), body: text(c.body) })),
    labels_field: i.labels.map((l) => (typeof l === 'string' ? { name: l, description: null } : { name: l.name ?? null, description: l.description ?? null })),
    assignees_list: (i.assignees ?? []).filter((a) => a?.login).map((a) => ({ login: a.login })),
  };
  if (pull) {
    doc.mergedAt = pull.pull.merged_at;
    doc.requested_reviewers = (pull.pull.requested_reviewers ?? []).filter((u) => u?.login).map((u) => ({ requestedReviewer: { login: u.login } }));
    doc.reviews_comments = pull.reviews.map((r) => ({
      author: r.user?.login ?? null,
      body: text(r.body),
      state: r.state,
      comments: pull.reviewComments.filter((c) => c.pull_request_review_id === r.id).map((c) => ({ body: text(c.body) })),
    }));
  }
  return doc;
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

export function fileId(repo: string, path: string): string {
  return `${repo}/${path}`;
}

export function fileDocument(repo: string, web: string, branch: string, b: TreeBlob, timestamp: string | null): SourceDocument {
  const name = b.path.slice(b.path.lastIndexOf('/') + 1);
  return {
    _id: fileId(repo, b.path),
    ...(timestamp ? { _timestamp: timestamp } : {}),
    type: 'blob',
    repository: repo,
    name,
    size: b.size,
    path: b.path,
    mode: b.mode,
    extension: extensionOf(name),
    url: `${web}/${repo}/blob/${encodeURIComponent(branch)}/${b.path.split('/').map(encodeURIComponent).join('/')}`,
  };
}
