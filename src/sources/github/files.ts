/**
 * Repository files as documents: the branch's recursive tree (GET /git/trees/{branch}
 * ?recursive=1, one request for the whole branch), the blobs whose extension is selected
 * (`file_extensions`, Elastic's .markdown/.md/.rst by default), then for each,
 * `concurrent_downloads` at a time: the last commit touching it (its `_timestamp`) and its
 * bytes (GET /git/blobs/{sha}, raw), text through the one extraction service
 * (shared/object-store-content.ts → extraction/extract-bytes.ts) within `max_file_size` and a
 * process-wide byte budget; a file over the limit is indexed without content and reported.
 *
 * Incremental syncs compare trees: git objects never change, so the tree of the previous sync
 * (its sha, kept in the cursor, one per repository) is read again and diffed with the current
 * one — blobs added or changed are yielded, paths gone are deletions. A tree GitHub no longer
 * serves (history rewritten and collected) is `TreeLost`: the run re-enumerates.
 */
import { Budget } from '../../extraction/budget.js';
import { mapOrdered } from '../shared/parallel.js';
import { wantsContent, withObjectText, type ContentLimits } from '../shared/object-store-content.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { GitHubError, type GitHubApi } from './client.js';
import { extensionOf, fileDocument, type TreeBlob } from './documents.js';
import type { Repo } from './repos.js';

/** Bytes of file content held at once by every github sync of the process. */
export const DOWNLOAD_BUDGET = new Budget(64 * 1024 * 1024);

export class TreeLost extends Error {}

export interface Tree {
  sha: string;
  blobs: TreeBlob[];
}

interface GhTree {
  sha?: string;
  truncated?: boolean;
  tree?: { path?: string; mode?: string; type?: string; sha?: string; size?: number }[];
}

/** The selected blobs of a tree (a branch name or a tree sha), below `under` when given. */
export async function readTree(api: GitHubApi, repo: Repo, ref: string, select: (path: string) => boolean, ctx: SyncContext): Promise<Tree | null> {
  let t: GhTree;
  try {
    t = await api.json<GhTree>(`/repos/${repo.full}/git/trees/${encodeURIComponent(ref)}`, { recursive: 1 }, repo.who, { what: `reading the files of [${repo.full}] at [${ref}]`, repo: repo.full }, ctx.signal);
  } catch (err) {
    // An empty repository has no tree; a branch of a rule that does not exist neither.
    if (err instanceof GitHubError && (err.status === 404 || err.status === 409)) return null;
    throw err;
  }
  if (t.truncated) ctx.log.warn(`the tree of [${repo.full}] at [${ref}] is over GitHub's limit of a recursive tree: files past it are not indexed`);
  const blobs: TreeBlob[] = [];
  for (const e of t.tree ?? []) {
    if (e.type !== 'blob' || typeof e.path !== 'string' || typeof e.sha !== 'string' || !/^[0-9a-f]{40,64}$/.test(e.sha) || !select(e.path)) continue;
    blobs.push({ path: e.path, mode: e.mode ?? '100644', sha: e.sha, size: Number(e.size ?? 0) || 0 });
  }
  return { sha: t.sha ?? '', blobs };
}

/** The file selection of the configuration (and of an advanced rule's `path`). */
export function fileSelector(extensions: string[], ctx: SyncContext, under?: string): (path: string) => boolean {
  const prefix = under ? under.replace(/^\/+|\/+$/g, '') : '';
  return (path) => {
    if (prefix && path !== prefix && !path.startsWith(`${prefix}/`)) return false;
    return extensions[0] === '*' ? wantsContent(path, ctx) : extensions.includes(extensionOf(path).toLowerCase());
  };
}

/** What changed from `before` to `after`: blobs to (re)index, paths gone. */
export function diffTrees(before: TreeBlob[], after: TreeBlob[]): { changed: TreeBlob[]; removed: string[] } {
  const old = new Map(before.map((b) => [b.path, b.sha]));
  const changed = after.filter((b) => old.get(b.path) !== b.sha);
  const now = new Set(after.map((b) => b.path));
  return { changed, removed: before.filter((b) => !now.has(b.path)).map((b) => b.path) };
}

export interface FileOptions {
  branch: string;
  web: string;
  limits: ContentLimits;
  concurrency: number;
  decorate: (doc: SourceDocument) => Promise<SourceDocument>;
}

async function lastCommit(api: GitHubApi, repo: Repo, branch: string, path: string, signal: AbortSignal): Promise<string | null> {
  const commits = await api.json<{ commit?: { committer?: { date?: string } } }[]>(`/repos/${repo.full}/commits`, { path, sha: branch, per_page: 1 }, repo.who, { what: `reading the history of [${path}] in [${repo.full}]`, repo: repo.full }, signal);
  const date = Array.isArray(commits) ? commits[0]?.commit?.committer?.date : undefined;
  return typeof date === 'string' && !Number.isNaN(Date.parse(date)) ? date : null;
}

async function fileDoc(api: GitHubApi, repo: Repo, b: TreeBlob, o: FileOptions, ctx: SyncContext): Promise<SourceDocument> {
  // The last commit and the content are read at once (one round trip).
  const doc = fileDocument(repo.full, o.web, o.branch, b, null);
  const when = lastCommit(api, repo, o.branch, b.path, ctx.signal);
  when.catch(() => {});
  if (b.size > 0) {
    await withObjectText(doc, {
      where: `File [${b.path}] of [${repo.full}]`,
      key: b.path,
      size: b.size,
      download: (maxBytes) => api.blob(repo.full, b.sha, repo.who, maxBytes, ctx.signal),
      perObject: (err) => (err instanceof GitHubError && err.status === 404 ? 'gone' : err instanceof GitHubError && err.status === 403 ? err.message.slice(0, 200) : null),
    }, DOWNLOAD_BUDGET, o.limits, ctx);
  }
  const timestamp = await when;
  return o.decorate(timestamp ? { ...doc, _timestamp: timestamp } : doc);
}

export function fileDocuments(api: GitHubApi, repo: Repo, blobs: Iterable<TreeBlob>, o: FileOptions, ctx: SyncContext): AsyncGenerator<SourceDocument> {
  async function* each() {
    yield* blobs;
  }
  return mapOrdered(each(), o.concurrency, (b) => fileDoc(api, repo, b, o, ctx));
}
