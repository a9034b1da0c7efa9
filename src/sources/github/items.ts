/**
 * Issues and pull requests of one repository as documents. One listing serves both
 * (GET /repos/{o}/{r}/issues?state=all lists pull requests too, each with a `pull_request`
 * object), sorted by creation so an item updated while the listing pages on keeps its place;
 * `since` makes it incremental (items updated at or after the mark). Advanced rules list
 * through GET /search/issues with their qualifiers. Each item is then completed,
 * `concurrent_downloads` at a time, in listing order: its comments when it has any; for a pull
 * request GET /pulls/{n} (merge state, requested reviewers), its reviews and its review
 * comments folded into the reviews (Elastic's `reviews_comments`). An item deleted between the
 * listing and its completion (404) is left out: the next full sync sweeps it. A repository with
 * issues turned off answers the issue listing 410: its pull requests are listed through
 * GET /pulls instead (newest update first with `since`, stopping at the mark).
 */
import { mapOrdered } from '../shared/parallel.js';
import type { SourceDocument, SyncContext } from '../source.js';
import { GitHubError, type GitHubApi } from './client.js';
import { issueDocument, type GhComment, type GhIssue, type GhPull, type GhReview } from './documents.js';
import type { Repo } from './repos.js';

/** Comments, reviews and review comments read per item (10 pages of 100). */
export const MAX_THREAD_PAGES = 10;

export interface ItemListing {
  since?: string;
  /** A search query (`repo:<full> is:issue …`) instead of the repository's listing. */
  search?: string;
}

async function all<T>(api: GitHubApi, path: string, repo: Repo, what: string, signal: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let n = 0;
  for await (const page of api.pages<T>(path, {}, repo.who, { what, repo: repo.full }, signal)) {
    out.push(...page);
    if (++n >= MAX_THREAD_PAGES) break;
  }
  return out;
}

async function complete(api: GitHubApi, repo: Repo, i: GhIssue, signal: AbortSignal): Promise<SourceDocument | null> {
  const base = `/repos/${repo.full}`;
  try {
    // The requests of one item run at once: one round trip (two for review comments).
    const comments = i.comments !== 0
      ? all<GhComment>(api, `${base}/issues/${i.number}/comments`, repo, `reading the comments of #${i.number} of [${repo.full}]`, signal).catch((err: unknown) => {
        if (err instanceof GitHubError && err.status === 410) return []; // issues turned off: no conversation to read
        throw err;
      })
      : Promise.resolve([]);
    if (!i.pull_request) return issueDocument(repo.full, i, await comments);
    comments.catch(() => {});
    const what = `reading pull request #${i.number} of [${repo.full}]`;
    const pull = api.json<GhPull>(`${base}/pulls/${i.number}`, {}, repo.who, { what, repo: repo.full }, signal);
    const reviews = all<GhReview>(api, `${base}/pulls/${i.number}/reviews`, repo, what, signal);
    reviews.catch(() => {});
    const reviewComments = pull.then((p) => (p.review_comments === 0 ? [] : all<GhComment>(api, `${base}/pulls/${i.number}/comments`, repo, what, signal)));
    reviewComments.catch(() => {});
    return issueDocument(repo.full, i, await comments, { pull: await pull, reviews: await reviews, reviewComments: await reviewComments });
  } catch (err) {
    if (err instanceof GitHubError && err.status === 404 && !signal.aborted) return null; // deleted since the listing
    throw err;
  }
}

const valid = (i: GhIssue) => typeof i?.node_id === 'string' && Number.isSafeInteger(i.number);

/** Pull requests as issue-listing items (issues turned off); `comments` unknown (-1): read. */
async function* pullsAsIssues(api: GitHubApi, repo: Repo, since: string | undefined, signal: AbortSignal): AsyncGenerator<GhIssue> {
  const query = since ? { state: 'all', sort: 'updated', direction: 'desc' } : { state: 'all', sort: 'created', direction: 'asc' };
  const mark = since ? Date.parse(since) : null;
  for await (const page of api.pages<GhIssue & { merged_at?: string | null }>(`/repos/${repo.full}/pulls`, query, repo.who, { what: `listing the pull requests of [${repo.full}]`, repo: repo.full }, signal)) {
    for (const p of page) {
      if (!valid(p)) continue;
      if (mark !== null && Date.parse(p.updated_at) < mark) return;
      yield { ...p, comments: -1, pull_request: { merged_at: p.merged_at ?? null } };
    }
  }
}

async function* listed(api: GitHubApi, repo: Repo, l: ItemListing, signal: AbortSignal): AsyncGenerator<GhIssue> {
  if (l.search) {
    const pick = (b: unknown) => (b as { items?: unknown }).items;
    for await (const page of api.pages<GhIssue>('/search/issues', { q: l.search }, repo.who, { what: `searching [${l.search.slice(0, 200)}]`, repo: repo.full }, signal, pick)) yield* page.filter(valid);
    return;
  }
  let first = true;
  try {
    for await (const page of api.pages<GhIssue>(`/repos/${repo.full}/issues`, { state: 'all', sort: 'created', direction: 'asc', since: l.since }, repo.who, { what: `listing the issues of [${repo.full}]`, repo: repo.full }, signal)) {
      first = false;
      yield* page.filter(valid);
    }
  } catch (err) {
    if (!(first && err instanceof GitHubError && err.status === 410)) throw err;
    yield* pullsAsIssues(api, repo, l.since, signal);
  }
}

export async function* itemDocuments(api: GitHubApi, repo: Repo, l: ItemListing, ctx: SyncContext, concurrency: number): AsyncGenerator<SourceDocument> {
  for await (const d of mapOrdered(listed(api, repo, l, ctx.signal), concurrency, (i) => complete(api, repo, i, ctx.signal))) if (d) yield d;
}
